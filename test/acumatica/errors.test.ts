import { describe, expect, it } from 'vitest';
import { classifyErrorResponse, isAcumaticaError } from '../../src/acumatica/errors.js';
import { readString, toFields } from '../../src/acumatica/fields.js';
import { withLockRetry } from '../../src/acumatica/lock-retry.js';
import { clientFor, withSim } from './helpers.js';

describe('error table', () => {
  it('collects every field error of a 422, nested ones included', () => {
    const e = classifyErrorResponse({
      status: 422,
      contentType: 'application/json',
      operation: 'PUT SalesOrder',
      text: JSON.stringify({
        id: 'x',
        error: 'Inserting record raised at least one error.',
        CustomerID: { value: 'NOPE', error: "'Customer' cannot be found in the system." },
        Details: [{ InventoryID: { value: 'X', error: "'Inventory ID' cannot be found." } }],
      }),
    });
    expect(e.kind).toBe('validation');
    expect(e.retryable).toBe(false);
    expect(e.fieldErrors).toEqual([
      'Inserting record raised at least one error.',
      "CustomerID: 'Customer' cannot be found in the system.",
      "Details[0].InventoryID: 'Inventory ID' cannot be found.",
    ]);
  });

  it('reads IIS HTML pages', () => {
    const e = classifyErrorResponse({
      status: 503,
      contentType: 'text/html',
      operation: 'GET Contact',
      text: '<html><head><title>Service Unavailable</title><style>p{}</style></head><body><h1>HTTP Error 503</h1></body></html>',
    });
    expect(e.kind).toBe('server');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('Service Unavailable');
    expect(e.message).toContain('HTTP Error 503');
    expect(e.message).not.toContain('<');
  });
});

describe('client against the simulator', () => {
  it('401 once: re-authenticates and retries once; 401 twice: unauthorized', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      sim.fault({ kind: 'unauthorized', entity: 'Contact' });
      await expect(entities.listPage('Contact', { top: 1 })).resolves.toHaveLength(1);
      sim.fault({ kind: 'unauthorized', entity: 'Contact', times: 2 });
      await expect(entities.listPage('Contact', { top: 1 })).rejects.toMatchObject({
        kind: 'unauthorized',
        status: 401,
      });
    });
  });

  it('429 past the licence queue is retryable rate_limited', async () => {
    await withSim({ tenants: [{ name: 'Company', maxConcurrent: 1, queueLength: 1 }] }, async (sim) => {
      sim.fault({ kind: 'latency', ms: 100, times: 2 });
      const { entities } = clientFor(sim, { maxConcurrent: 10 }); // a client that ignores the licence
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => entities.listPage('Contact', { top: 1 })),
      );
      const declined = results.filter((r) => r.status === 'rejected');
      expect(declined.length).toBeGreaterThan(0);
      for (const r of declined) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          kind: 'rate_limited',
          status: 429,
          retryable: true,
        });
      }
    });
  });

  it('lock violation: lock_conflict, and withLockRetry re-reads and re-applies', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const [contact] = await entities.listPage('Contact', { top: 1, select: ['ContactID'] });
      sim.fault({ kind: 'lock', method: 'PUT', entity: 'Contact' });
      await expect(
        entities.put('Contact', { id: contact!.id, ...toFields({ JobTitle: 'x' }) }),
      ).rejects.toMatchObject({
        kind: 'lock_conflict',
        retryable: true,
      });
      sim.fault({ kind: 'lock', method: 'PUT', entity: 'Contact' });
      let reads = 0;
      const saved = await withLockRetry(
        async () => {
          reads += 1;
          return entities.get('Contact', contact!.id!, { select: ['JobTitle'] });
        },
        (current) =>
          entities.put('Contact', { id: current.id, ...toFields({ JobTitle: 'Buyer' }) }, { mode: 'update' }),
        { baseDelayMs: 1 },
      );
      expect(reads).toBe(2);
      expect(readString(saved, 'JobTitle')).toBe('Buyer');
    });
  });

  it('422 is permanent and lists the field errors', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const err = await entities
        .put('SalesOrder', toFields({ OrderType: 'SO', CustomerID: 'NOPE', Date: 'not a date' }))
        .catch((e: unknown) => e);
      expect(isAcumaticaError(err, 'validation')).toBe(true);
      if (!isAcumaticaError(err)) throw err;
      expect(err.retryable).toBe(false);
      expect(err.message).toContain("CustomerID: 'Customer' cannot be found in the system.");
      expect(err.message).toContain("Date: 'Date' is not a valid date.");
    });
  });

  it('missing record: not_found (500 NoEntitySatisfiesTheCondition), find() gives undefined', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      await expect(entities.get('Contact', '00000000-0000-4000-a000-000000000000')).rejects.toMatchObject({
        kind: 'not_found',
        status: 500,
      });
      await expect(entities.find('SalesOrder', ['SO', '999999'])).resolves.toBeUndefined();
      await expect(entities.find('SalesOrder', ['SO', '000101'])).resolves.toMatchObject({
        OrderNbr: { value: '000101' },
      });
    });
  });

  it('412: insert-only on an existing record, update-only on a missing one', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      await expect(
        entities.put('Customer', toFields({ CustomerID: 'C000001', CustomerName: 'Dup' }), {
          mode: 'insert',
        }),
      ).rejects.toMatchObject({ kind: 'precondition_failed', status: 412 });
      await expect(
        entities.put('Customer', toFields({ CustomerID: 'C999999', CustomerName: 'Ghost' }), {
          mode: 'update',
        }),
      ).rejects.toMatchObject({ kind: 'precondition_failed' });
      const created = await entities.put(
        'Customer',
        toFields({ CustomerID: 'C000009', CustomerName: 'New' }),
        {
          mode: 'insert',
        },
      );
      expect(readString(created, 'CustomerName')).toBe('New');
    });
  });

  it('HTML 503 page and JSON 500 are retryable server errors; GETs retry them', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      sim.fault({ kind: 'status', status: 503, html: true });
      await expect(entities.listPage('Contact', { top: 1 })).rejects.toMatchObject({
        kind: 'server',
        status: 503,
      });
      sim.fault({ kind: 'status', status: 500 });
      const retrying = clientFor(sim, { getAttempts: 2, getRetryDelayMs: 1 });
      await expect(retrying.entities.listPage('Contact', { top: 1 })).resolves.toHaveLength(1);
    });
  });

  it('a response lost after the write is a retryable network/timeout error', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim, { requestTimeoutMs: 300 });
      sim.fault({ kind: 'timeoutAfterWrite', entity: 'Customer' });
      await expect(
        entities.put('Customer', toFields({ CustomerID: 'C000010', CustomerName: 'A' })),
      ).rejects.toMatchObject({
        kind: 'network',
        retryable: true,
      });
      sim.fault({ kind: 'timeoutAfterWrite', mode: 'hang', entity: 'Customer' });
      await expect(
        entities.put('Customer', toFields({ CustomerID: 'C000011', CustomerName: 'B' })),
      ).rejects.toMatchObject({
        kind: 'timeout',
      });
      expect(sim.records('Customer').map((r) => (r.CustomerID as { value: string }).value)).toEqual(
        expect.arrayContaining(['C000010', 'C000011']),
      );
    });
  });
});
