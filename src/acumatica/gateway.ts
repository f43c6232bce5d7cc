import { ActivityWriter } from './activity-writer.js';
import { AcumaticaClient, type AcumaticaClientOptions } from './client.js';
import { EntityClient } from './entities.js';
import { PhoneIndex } from './phone-index.js';
import type { ActivityLedger, CursorStore, PhoneIndexStore } from './ports.js';

export interface AcumaticaGatewayOptions extends AcumaticaClientOptions {
  defaultCountry: string;
  activityType: string;
  /** `View.Field` of the MessageSid custom field, or null for the Summary marker. */
  activitySidField?: string | null;
  phoneIndexStore: PhoneIndexStore;
  cursors: CursorStore;
  ledger: ActivityLedger;
}

/** Everything one tenant's flows need from Acumatica, wired once; `close()` signs out. */
export interface AcumaticaGateway {
  client: AcumaticaClient;
  entities: EntityClient;
  phoneIndex: PhoneIndex;
  activities: ActivityWriter;
  close(): Promise<void>;
}

export function createAcumaticaGateway(options: AcumaticaGatewayOptions): AcumaticaGateway {
  const client = new AcumaticaClient(options);
  const entities = new EntityClient(client);
  return {
    client,
    entities,
    phoneIndex: new PhoneIndex({
      tenant: options.tenant,
      entities,
      store: options.phoneIndexStore,
      cursors: options.cursors,
      defaultCountry: options.defaultCountry,
    }),
    activities: new ActivityWriter({
      tenant: options.tenant,
      entities,
      ledger: options.ledger,
      activityType: options.activityType,
      sidField: options.activitySidField ?? null,
    }),
    close: () => client.close(),
  };
}
