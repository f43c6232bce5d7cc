import type { Logger } from 'pino';
import type { AcumaticaSimulator } from '../acumatica/index.js';
import type { TwilioSimulator } from '../twilio/index.js';

export interface TrafficOptions {
  acumatica: AcumaticaSimulator;
  twilio: TwilioSimulator;
  /** Where Acumatica posts push notifications (acusms's webhook). */
  pushUrl: string;
  pushHeader: string;
  pushSecret: string;
  /** Our Twilio number, the one customers text. */
  ourNumber: string;
  /** Accepts an API send (the demo calls acusms's own admin API). */
  apiSend(to: string, body: string, key: string): Promise<void>;
  logger: Logger;
  /** Time between two events. Default 2,000 ms. */
  everyMs?: number;
}

/** Customers from the simulator's seed contacts (fictional 555-01xx numbers). */
const CUSTOMERS = [
  { name: 'Ava', phone: '(312) 555-0101' },
  { name: 'Marco', phone: '+1 312-555-0102' },
  { name: 'Priya', phone: '512 555 0110' },
  { name: 'Noah', phone: '+1 (206) 555-0142' },
];
const REPLIES = ['Thanks!', 'When will it arrive?', 'Can you deliver after 5pm?', 'Got it 👍'];
/** Messages to this number are accepted by Twilio but never delivered (30003). */
export const UNREACHABLE = '+13125550177';
/** A number no contact owns: its texts are kept and listed as unmatched. */
const STRANGER = '+13125550188';

/**
 * A small day at a distributor, on repeat: orders ship (push notifications through the
 * Acumatica simulator, each sent twice as Acumatica's at-least-once delivery does), customers
 * reply, Marco texts STOP and later START, a text to a dead handset fails, a stranger writes.
 */
export function startTraffic(options: TrafficOptions): { stop(): Promise<void> } {
  const { logger } = options;
  let tick = 0;
  let running: Promise<void> = Promise.resolve();
  const step = async () => {
    tick += 1;
    const customer = CUSTOMERS[tick % CUSTOMERS.length]!;
    const order = `SO${String(1000 + tick).padStart(6, '0')}`;
    switch (tick % 6) {
      case 1:
      case 3: {
        const row = { OrderNbr: order, CustomerName: customer.name, ContactPhone: customer.phone };
        const push = {
          url: options.pushUrl,
          header: options.pushHeader,
          secret: options.pushSecret,
          query: 'ShippedOrders',
          inserted: [{ ...row, Status: 'Shipped' }],
          deleted: [{ ...row, Status: 'Open' }],
          id: crypto.randomUUID(),
        };
        await options.acumatica.sendPush(push);
        await options.acumatica.sendPush(push); // a resend: still one SMS
        logger.info({ order, to: customer.phone }, 'demo: order shipped (push notification sent twice)');
        break;
      }
      case 2:
        await options.twilio.injectInbound({
          from: e164(customer.phone),
          to: options.ourNumber,
          body: REPLIES[tick % REPLIES.length]!,
        });
        logger.info({ from: customer.phone }, 'demo: customer replied');
        break;
      case 4:
        if (tick % 24 === 4) {
          await options.twilio.injectInbound({ from: '+13125550102', to: options.ourNumber, body: 'STOP' });
          logger.info('demo: Marco texted STOP');
        } else if (tick % 24 === 16) {
          await options.twilio.injectInbound({ from: '+13125550102', to: options.ourNumber, body: 'START' });
          logger.info('demo: Marco texted START');
        } else {
          await options.twilio.injectInbound({
            from: STRANGER,
            to: options.ourNumber,
            body: 'Hi, is this the store?',
          });
          logger.info('demo: a stranger wrote');
        }
        break;
      case 5:
        await options.apiSend(UNREACHABLE, `Your invoice ${order} is ready.`, `demo-invoice-${order}`);
        logger.info('demo: invoice text to an unreachable handset');
        break;
      default:
        break;
    }
  };
  const timer = setInterval(() => {
    running = running
      .then(step)
      .catch((error: unknown) => logger.warn({ err: error }, 'demo traffic step failed'));
  }, options.everyMs ?? 2_000);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

function e164(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}
