// Group-commit ingest alone (no HTTP): N concurrent inbound webhooks through createIngest.
//   npm run build && node bench/ingest.mjs [--items 20000] [--database sqlite:/tmp/ingest.db]
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createIngest } from '../dist/flows/ingest.js';
import { systemClock } from '../dist/ops/clock.js';
import { Queue } from '../dist/queue/queue.js';
import { openStore } from '../dist/store/db.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    database: { type: 'string', default: 'sqlite:/tmp/acusms-ingest-bench.db' },
  },
});
if (values.database.startsWith('sqlite:')) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${values.database.slice(7)}${suffix}`, { force: true });
}
const store = await openStore(values.database);
const ingest = createIngest({ store, queue: new Queue(store, { clock: systemClock }), clock: systemClock });
const n = Number(values.items);
const started = performance.now();
await Promise.all(
  Array.from({ length: n }, (_, i) =>
    ingest.submit({
      type: 'inbound',
      tenant: 'bench',
      params: {
        MessageSid: `SM${i.toString(16).padStart(32, '0')}`,
        AccountSid: 'AC1',
        From: '+13125550142',
        To: '+13125550100',
        Body: `reply ${i}`,
      },
    }),
  ),
);
const ms = performance.now() - started;
console.log(
  `${n} items in ${ms.toFixed(0)} ms = ${((n / ms) * 1000).toFixed(0)} items/s in ${ingest.stats.transactions} transactions`,
);
await store.close();
