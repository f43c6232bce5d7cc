import { createApp } from '../app.js';
import { acceptSend } from '../flows/outbound.js';
import { FINAL_STATUSES } from '../flows/statuses.js';
import { createLogger } from '../ops/logger.js';
import { type CommandContext, EXIT, ExitError, readConfig } from './context.js';

export interface SendOptions {
  config?: string;
  tenant: string;
  to: string;
  body: string;
  idempotencyKey?: string;
  /** Seconds to wait for Twilio's verdict before leaving the message to `serve`. Default 60. */
  wait?: string;
}

/** `send` has its answer once Twilio took the message (a SID), or it will not go now. */
const answered = (row: { status: string; twilio_sid: string | null }) =>
  row.twilio_sid !== null || row.status === 'scheduled' || FINAL_STATUSES.has(row.status);

/**
 * `acusms send`: accepts the message exactly like `POST /api/messages` (same ledger, same
 * idempotency), then runs a worker in this process until Twilio has it — or until quiet hours
 * defer it, which a running `acusms serve` then sends at the window's start.
 */
export async function send(context: CommandContext, options: SendOptions): Promise<void> {
  const config = readConfig(context, options.config);
  const waitSeconds = options.wait === undefined ? 60 : Number(options.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    context.stderr.write(`--wait must be a number of seconds, got ${options.wait}\n`);
    throw new ExitError(EXIT.usage);
  }
  const app = await createApp(config, {
    role: 'worker',
    logger: createLogger({ level: process.env.ACUSMS_LOG_LEVEL ?? 'warn', config }),
  });
  try {
    const accepted = await app.store.db
      .transaction()
      .execute((trx) =>
        acceptSend(app.context, trx, {
          tenant: options.tenant,
          to: options.to,
          body: options.body,
          idempotencyKey: options.idempotencyKey ?? null,
        }),
      )
      .catch((error: unknown) => {
        context.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        throw new ExitError(EXIT.usage);
      });
    context.stderr.write(
      accepted.created ? `accepted ${accepted.id}\n` : `already accepted as ${accepted.id}\n`,
    );
    app.worker?.start();
    const deadline = Date.now() + waitSeconds * 1000;
    let row = await readMessage(app, accepted.id);
    while (row && !answered(row) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      row = await readMessage(app, accepted.id);
    }
    context.stdout.write(
      `${JSON.stringify({ id: accepted.id, status: row?.status, twilioSid: row?.twilio_sid ?? null, errorCode: row?.error_code ?? null })}\n`,
    );
    if (row?.status === 'dead' || row?.status === 'failed') throw new ExitError(EXIT.failure);
  } finally {
    await app.stop();
  }
}

function readMessage(app: Awaited<ReturnType<typeof createApp>>, id: string) {
  return app.store.db
    .selectFrom('messages')
    .select(['status', 'twilio_sid', 'error_code'])
    .where('id', '=', id)
    .executeTakeFirst();
}
