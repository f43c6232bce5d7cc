import type { FastifyRequest } from 'fastify';
import { type EntityStore, httpError, notFound } from './entity-store.js';
import { type FilterNode, parseFilter } from './odata-filter.js';
import { type SimRecord, toWire } from './records.js';
import { SIM_ENTITY_KEYS, schemaOf } from './schema.js';

/** Serves GET list / GET by key / PUT / DELETE for one entity of one tenant's store. */
export function wrap(v: unknown): unknown {
  if (v !== null && typeof v === 'object') return v; // linked/detail/custom as given
  return { value: v };
}

export function customPaths(r: SimRecord): string[] {
  return Object.entries(r.custom).flatMap(([view, fields]) => Object.keys(fields).map((f) => `${view}.${f}`));
}

function csv(v: unknown): string[] {
  return typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()) : [];
}

export function route(
  tenant: { store: EntityStore },
  req: FastifyRequest,
  params: { entity: string; '*'?: string },
): { status: number; body?: unknown } {
  const entity = params.entity;
  const schema = schemaOf(entity);
  if (!schema || !(entity in SIM_ENTITY_KEYS))
    throw httpError(404, `Entity ${entity} is not in the endpoint.`);
  const q = req.query as Record<string, string | undefined>;
  const select = q.$select ? csv(q.$select) : undefined;
  const projection = { ...(select ? { select } : {}), expand: csv(q.$expand), custom: csv(q.$custom) };
  const filter: FilterNode | undefined = q.$filter ? parseFilter(q.$filter) : undefined;
  const keys = (params['*'] ?? '')
    .split(/[/|]/)
    .filter((k) => k !== '')
    .map(decodeURIComponent);

  if (req.method === 'GET' && keys.length === 0) {
    const skip = Number(q.$skip ?? 0);
    const top = q.$top === undefined ? Number.POSITIVE_INFINITY : Number(q.$top);
    const rows = tenant.store.list(entity, filter).slice(skip, skip + top);
    return { status: 200, body: rows.map((r, i) => toWire(schema, r, projection, i + 1)) };
  }
  if (req.method === 'GET') {
    const rec = tenant.store.find(entity, keys);
    if (!rec) throw notFound();
    return { status: 200, body: toWire(schema, rec, projection, 1) };
  }
  if (req.method === 'DELETE') {
    const rec = tenant.store.find(entity, keys);
    if (!rec) throw notFound();
    tenant.store.delete(entity, rec);
    return { status: 204 };
  }
  // PUT
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw httpError(400, 'The request body must be an entity.');
  const ifNoneMatch = req.headers['if-none-match'] === '*';
  const ifMatch = req.headers['if-match'] === '*';
  const out = tenant.store.put(
    entity,
    body as Record<string, unknown>,
    ifNoneMatch ? 'insert' : ifMatch ? 'update' : 'any',
    filter,
  );
  // The answer carries the fields sent plus those asked for (notes §2), and the custom fields sent.
  const sentCustom = customPaths({
    ...out.record,
    custom: (body as { custom?: SimRecord['custom'] }).custom ?? {},
  });
  const wire = toWire(
    schema,
    out.record,
    {
      select: [...out.sent.filter((f) => schema.scalars.has(f)), ...(select ?? [])],
      expand: [
        ...out.sent.filter((f) => schema.linked.has(f) || schema.details.has(f)),
        ...projection.expand,
      ],
      custom: [...sentCustom, ...projection.custom],
    },
    1,
  );
  return { status: 200, body: wire };
}
