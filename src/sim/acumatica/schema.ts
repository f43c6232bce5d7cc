import { ENTITY_SCHEMA_DATA } from './schema-data.js';

/** s string, i int, b boolean, d date-time, g guid, n decimal, h short, l long, y byte, f double. */
export type FieldType = 's' | 'i' | 'b' | 'd' | 'g' | 'n' | 'h' | 'l' | 'y' | 'f';

export interface EntitySchema {
  name: string;
  scalars: ReadonlyMap<string, FieldType>;
  /** Linked entity name ⇒ its schema name. */
  linked: ReadonlyMap<string, string>;
  /** Detail collection name ⇒ item schema name. */
  details: ReadonlyMap<string, string>;
}

const cache = new Map<string, EntitySchema>();

export function schemaOf(name: string): EntitySchema | undefined {
  const hit = cache.get(name);
  if (hit) return hit;
  const data = ENTITY_SCHEMA_DATA[name];
  if (data === undefined) return undefined;
  const scalars = new Map<string, FieldType>();
  const linked = new Map<string, string>();
  const details = new Map<string, string>();
  for (const part of data.split(' ')) {
    const [field = '', type = ''] = part.split(':');
    if (type.startsWith('>')) linked.set(field, type.slice(1));
    else if (type.startsWith('[')) details.set(field, type.slice(1, -1));
    else scalars.set(field, type as FieldType);
  }
  const schema = { name, scalars, linked, details };
  cache.set(name, schema);
  return schema;
}

/** The six top-level entities the simulator serves, with their key fields in URL order. */
export const SIM_ENTITY_KEYS: Readonly<Record<string, readonly string[]>> = {
  Contact: ['ContactID'],
  Customer: ['CustomerID'],
  Activity: [],
  SalesOrder: ['OrderType', 'OrderNbr'],
  Shipment: ['ShipmentNbr'],
  Invoice: ['Type', 'ReferenceNbr'],
};

/** SalesOrder tracks `LastModified`; the others `LastModifiedDateTime` (24.200.001). */
export function lastModifiedFieldOf(entity: string): string {
  return entity === 'SalesOrder' ? 'LastModified' : 'LastModifiedDateTime';
}
