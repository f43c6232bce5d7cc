import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Records per entity, as plain values (`{"Phone1": "…"}`) or as exported wire JSON (`{"Phone1": {"value": "…"}}`). */
export type SeedData = Partial<
  Record<
    'Contact' | 'Customer' | 'Activity' | 'SalesOrder' | 'Shipment' | 'Invoice',
    Array<Record<string, unknown>>
  >
>;

const seedSchema = z.object({
  Contact: z.array(z.record(z.string(), z.unknown())).optional(),
  Customer: z.array(z.record(z.string(), z.unknown())).optional(),
  Activity: z.array(z.record(z.string(), z.unknown())).optional(),
  SalesOrder: z.array(z.record(z.string(), z.unknown())).optional(),
  Shipment: z.array(z.record(z.string(), z.unknown())).optional(),
  Invoice: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** Loads `--seed file.json`: `{"Contact": [...], "SalesOrder": [...]}`, e.g. saved GET responses. */
export async function loadSeedFile(path: string): Promise<SeedData> {
  const text = await readFile(path, 'utf8');
  const parsed = seedSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `seed file ${path} is not {Entity: [records]}: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return parsed.data;
}

/**
 * Demo data with the phone formats people really type (all fictional 555-01xx lines), a number
 * shared by two contacts, and orders whose ship-to contact carries a phone.
 */
export function defaultSeed(): SeedData {
  const at = (iso: string) => iso;
  return {
    Customer: [
      {
        CustomerID: 'C000001',
        CustomerName: 'Lakeshore Bikes',
        Status: 'Active',
        MainContact: { Phone1: '(312) 555-0101', Email: 'orders@lakeshore.example' },
      },
      {
        CustomerID: 'C000002',
        CustomerName: 'Prairie Coffee Co.',
        Status: 'Active',
        MainContact: { Phone1: '+1 512-555-0110' },
      },
      {
        CustomerID: 'C000003',
        CustomerName: 'Harbour Books Ltd',
        Status: 'Active',
        MainContact: { Phone1: '+44 20 7946 0958' },
      },
    ],
    Contact: [
      {
        ContactID: 101,
        FirstName: 'Ava',
        LastName: 'Chen',
        DisplayName: 'Ava Chen',
        BusinessAccount: 'C000001',
        Phone1: '(312) 555-0101',
        Phone1Type: 'Business 1',
        Phone2: '312.555.0103 x12',
        Phone2Type: 'Business 2',
        Address: { City: 'Chicago', State: 'IL', Country: 'US' },
        LastModifiedDateTime: at('2026-01-02T10:00:00+00:00'),
      },
      {
        ContactID: 102,
        FirstName: 'Marco',
        LastName: 'Diaz',
        DisplayName: 'Marco Diaz',
        BusinessAccount: 'C000001',
        Phone1: '+1 312-555-0102',
        Phone3: 'cell: 1-312-555-0104',
        Phone3Type: 'Cell',
        Address: { City: 'Evanston', State: 'IL', Country: 'US' },
        LastModifiedDateTime: at('2026-01-02T11:00:00+00:00'),
      },
      {
        ContactID: 103,
        FirstName: 'Priya',
        LastName: 'Natarajan',
        DisplayName: 'Priya Natarajan',
        BusinessAccount: 'C000002',
        Phone1: '512 555 0110 ext. 7',
        Phone2: 'n/a',
        Address: { City: 'Austin', State: 'TX', Country: 'US' },
        LastModifiedDateTime: at('2026-01-03T09:00:00+00:00'),
      },
      {
        ContactID: 104,
        FirstName: 'Sam',
        LastName: 'Okafor',
        DisplayName: 'Sam Okafor',
        BusinessAccount: 'C000002',
        Phone1: '(512) 555-0110',
        Fax: '(512) 555-0111',
        Address: { City: 'Austin', State: 'TX', Country: 'US' },
        LastModifiedDateTime: at('2026-01-01T09:00:00+00:00'),
      },
      {
        ContactID: 105,
        FirstName: 'Olivia',
        LastName: 'Hart',
        DisplayName: 'Olivia Hart',
        BusinessAccount: 'C000003',
        Phone1: '+44 20 7946 0958',
        Address: { City: 'London', Country: 'GB' },
        LastModifiedDateTime: at('2026-01-04T08:00:00+00:00'),
      },
      {
        ContactID: 106,
        FirstName: 'Noah',
        LastName: 'Berg',
        DisplayName: 'Noah Berg',
        Phone1: 'tel:+1 (206) 555-0142',
        Address: { City: 'Seattle', State: 'WA', Country: 'US' },
        LastModifiedDateTime: at('2026-01-04T12:00:00+00:00'),
      },
    ],
    SalesOrder: [
      {
        OrderType: 'SO',
        OrderNbr: '000101',
        CustomerID: 'C000001',
        Status: 'Open',
        OrderTotal: 1249.5,
        Description: 'Spring fleet order',
        ShipToContact: {
          BusinessName: 'Lakeshore Bikes',
          Attention: 'Ava Chen',
          Phone1: '(312) 555-0101',
          Email: 'ava@lakeshore.example',
        },
        LastModified: at('2026-01-03T14:00:00+00:00'),
      },
      {
        OrderType: 'SO',
        OrderNbr: '000102',
        CustomerID: 'C000002',
        Status: 'Shipping',
        OrderTotal: 86,
        ShipToContact: { BusinessName: 'Prairie Coffee Co.', Phone1: '512.555.0110' },
        LastModified: at('2026-01-04T15:00:00+00:00'),
      },
      {
        OrderType: 'SO',
        OrderNbr: '000103',
        CustomerID: 'C000003',
        Status: 'Completed',
        OrderTotal: 420,
        ShipToContact: { BusinessName: 'Harbour Books Ltd', Phone1: '+44 20 7946 0958' },
        LastModified: at('2026-01-04T16:00:00+00:00'),
      },
    ],
    Shipment: [
      {
        ShipmentNbr: '000051',
        CustomerID: 'C000002',
        Status: 'Confirmed',
        ShipVia: 'UPSGROUND',
        ShipmentDate: at('2026-01-04T00:00:00+00:00'),
      },
    ],
    Invoice: [
      {
        Type: 'Invoice',
        ReferenceNbr: 'AR000201',
        Customer: 'C000001',
        Status: 'Open',
        Amount: 1249.5,
        Balance: 1249.5,
        DueDate: at('2026-02-02T00:00:00+00:00'),
        BillToContact: { Phone1: '(312) 555-0101' },
      },
    ],
    Activity: [],
  };
}
