import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import type { Logger } from 'pino';
import { databaseUrl } from '../app.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../ops/clock.js';
import { createLogger } from '../ops/logger.js';
import { Queue } from '../queue/queue.js';
import { openStore, type Store } from '../store/db.js';
import type { DeadLetterRow } from '../store/schema.js';
import { type CommandContext, EXIT, ExitError, readConfig } from './context.js';

/*
 * `acusms dlq`: the dead-letter list from a shell, the same rows as `/api/dead-letters`. It opens
 * the store of the config and changes rows only; a running `acusms serve` worker picks a
 * replayed job up on its next poll. Every replay and discard writes an `audit` log line (stderr).
 */

interface DlqOptions {
  config?: string;
}

const configOption = () =>
  new Option('-c, --config <file>', 'config file (default: $ACUSMS_CONFIG, then ./acusms.yaml)');

export function registerDlqCommand(program: Command, context: CommandContext): void {
  const dlq = program.command('dlq').description('list, show, replay or discard dead letters');

  dlq
    .command('list')
    .description('dead letters waiting for an operator, newest first')
    .addOption(configOption())
    .option('--tenant <id>', 'only this tenant')
    .option('--include-replayed', 'also those already replayed')
    .option('--json', 'one JSON document {items:[…]} on stdout')
    .action((options: DlqOptions & { tenant?: string; includeReplayed?: boolean; json?: boolean }) =>
      withDeadLetters(context, options, async ({ store, config }) => {
        checkTenant(context, config, options.tenant);
        let query = store.db.selectFrom('dead_letters').selectAll();
        if (options.tenant !== undefined) query = query.where('tenant', '=', options.tenant);
        if (!options.includeReplayed) query = query.where('replayed_at', 'is', null);
        const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
        if (options.json) {
          context.stdout.write(`${JSON.stringify({ items: rows.map(toItem) })}\n`);
          return;
        }
        if (rows.length === 0) {
          context.stdout.write('no dead letters\n');
          return;
        }
        context.stdout.write(`${row(['ID', 'CREATED', 'TENANT', 'KIND', 'ATTEMPTS', 'REPLAYS', 'ERROR'])}\n`);
        for (const r of rows) {
          const item = toItem(r);
          const error = item.error.length > 80 ? `${item.error.slice(0, 79)}…` : item.error;
          const cells = [item.id, item.createdAt, item.tenant ?? '-', item.kind, String(item.attempts)];
          context.stdout.write(`${row([...cells, String(item.replayCount), error])}\n`);
        }
        context.stdout.write(`${rows.length} dead letter(s)\n`);
      }),
    );

  dlq
    .command('show')
    .description('one dead letter with its payload')
    .argument('<id>', 'dead letter id')
    .addOption(configOption())
    .action((id: string, options: DlqOptions) =>
      withDeadLetters(context, options, async ({ store }) => {
        const letter = await find(context, store, id);
        context.stdout.write(`${JSON.stringify(toItem(letter), null, 2)}\n`);
      }),
    );

  dlq
    .command('replay')
    .description('put dead letters back on the queue with a fresh attempt budget')
    .argument('[id]', 'dead letter id (or --all)')
    .addOption(configOption())
    .option('--all', 'every dead letter not yet replayed')
    .option('--since <iso>', 'with --all: only those created at or after this instant')
    .option('--tenant <id>', 'with --all: only this tenant')
    .action(
      (id: string | undefined, options: DlqOptions & { all?: boolean; since?: string; tenant?: string }) =>
        withDeadLetters(context, options, async ({ store, config, queue, audit }) => {
          if (
            (id === undefined) === !options.all ||
            (id !== undefined && (options.since || options.tenant))
          ) {
            usage(context, 'give a dead letter id, or --all [--since ISO] [--tenant T]');
          }
          if (id !== undefined) {
            const letter = await find(context, store, id);
            if (letter.replayed_at !== null) {
              context.stderr.write(
                `dead letter ${id} was already replayed at ${iso(letter.replayed_at)}; nothing done\n`,
              );
              throw new ExitError(EXIT.failure);
            }
            if (!(await replayOne(context, queue, audit, letter))) throw new ExitError(EXIT.failure);
            return;
          }
          checkTenant(context, config, options.tenant);
          const since = options.since === undefined ? undefined : Date.parse(options.since);
          if (since !== undefined && Number.isNaN(since))
            usage(context, `--since must be an ISO 8601 time, got ${options.since}`);
          let query = store.db.selectFrom('dead_letters').selectAll().where('replayed_at', 'is', null);
          if (options.tenant !== undefined) query = query.where('tenant', '=', options.tenant);
          if (since !== undefined) query = query.where('created_at', '>=', since);
          const rows = await query.orderBy('created_at').orderBy('id').execute();
          let skipped = 0;
          for (const letter of rows) if (!(await replayOne(context, queue, audit, letter))) skipped += 1;
          context.stdout.write(`replayed ${rows.length - skipped} of ${rows.length} dead letter(s)\n`);
          if (skipped > 0) throw new ExitError(EXIT.failure);
        }),
    );

  dlq
    .command('discard')
    .description('delete a dead letter for good (it will not be sent or pushed)')
    .argument('<id>', 'dead letter id')
    .addOption(configOption())
    .action((id: string, options: DlqOptions) =>
      withDeadLetters(context, options, async ({ store, audit }) => {
        const letter = await find(context, store, id);
        await store.db.deleteFrom('dead_letters').where('id', '=', id).execute();
        audit.info(
          {
            audit: 'dlq.discard',
            deadLetterId: id,
            kind: letter.kind,
            tenant: letter.tenant,
            by: operator(),
          },
          'dead letter discarded',
        );
        context.stdout.write(`discarded ${id} (${letter.kind}, tenant ${letter.tenant ?? '-'})\n`);
      }),
    );
}

interface DlqResources {
  config: Config;
  store: Store;
  queue: Queue;
  audit: Logger;
}

async function withDeadLetters(
  context: CommandContext,
  options: DlqOptions,
  run: (resources: DlqResources) => Promise<void>,
): Promise<void> {
  const config = readConfig(context, options.config);
  const store = await openStore(databaseUrl(config.database));
  const audit = createLogger({ level: 'info', config, destination: context.stderr }).child({
    component: 'dlq',
  });
  try {
    await run({ config, store, queue: new Queue(store, { clock: systemClock }), audit });
  } finally {
    await store.close();
  }
}

/** Replays one letter with a fresh attempt budget; audited on stderr. */
async function replayOne(
  context: CommandContext,
  queue: Queue,
  audit: Logger,
  letter: DeadLetterRow,
): Promise<boolean> {
  const jobId = await queue.replayDeadLetter(letter.id);
  if (jobId === undefined) {
    context.stderr.write(
      `dead letter ${letter.id} not replayed: already replayed, or an equal job is already queued\n`,
    );
    return false;
  }
  const replay = Number(letter.replay_count) + 1;
  audit.info(
    {
      audit: 'dlq.replay',
      deadLetterId: letter.id,
      jobId,
      kind: letter.kind,
      tenant: letter.tenant,
      replay,
      by: operator(),
    },
    'dead letter replayed',
  );
  context.stdout.write(
    `replayed ${letter.id} as job ${jobId} (${letter.kind}, tenant ${letter.tenant ?? '-'}, replay #${replay})\n`,
  );
  return true;
}

async function find(context: CommandContext, store: Store, id: string): Promise<DeadLetterRow> {
  const letter = await store.db
    .selectFrom('dead_letters')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!letter) {
    context.stderr.write(`no dead letter "${id}" (see acusms dlq list)\n`);
    throw new ExitError(EXIT.failure);
  }
  return letter;
}

function checkTenant(context: CommandContext, config: Config, tenant: string | undefined): void {
  if (tenant !== undefined && !config.tenants.some((t) => t.id === tenant)) {
    usage(
      context,
      `no tenant "${tenant}" in the config (tenants: ${config.tenants.map((t) => t.id).join(', ')})`,
    );
  }
}

function usage(context: CommandContext, message: string): never {
  context.stderr.write(`acusms dlq: ${message}\n`);
  throw new ExitError(EXIT.usage);
}

function toItem(r: DeadLetterRow) {
  return {
    id: r.id,
    kind: r.kind,
    tenant: r.tenant,
    error: r.error,
    attempts: Number(r.attempts),
    payload: JSON.parse(r.payload) as unknown,
    createdAt: iso(r.created_at),
    replayedAt: r.replayed_at === null ? null : iso(r.replayed_at),
    replayCount: Number(r.replay_count),
  };
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

function row(cells: string[]): string {
  const widths = [36, 24, 12, 10, 8, 7];
  return cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell)).join('  ');
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
