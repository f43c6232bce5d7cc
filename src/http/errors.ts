import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AcusmsError } from '../errors.js';

/** A request the caller can fix: the route's answer is a 4xx with `{error, message}`. */
export class HttpError extends AcusmsError {
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

/** Status codes for error codes that other layers raise and HTTP callers may see. */
const STATUS_BY_CODE: Record<string, number> = {
  signature_missing: 400,
  signature_invalid: 403,
  unauthorized: 401,
  not_found: 404,
  unknown_tenant: 404,
  invalid_phone: 400,
  body_too_long: 400,
  body_empty: 400,
  already_replayed: 409,
  database_unavailable: 503,
};

export interface ErrorBody {
  error: string;
  message: string;
}

export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError)
    return { status: error.status, body: { error: error.code, message: error.message } };
  if (error instanceof ZodError) {
    const message = error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    return { status: 400, body: { error: 'bad_request', message } };
  }
  if (error instanceof AcusmsError) {
    return { status: STATUS_BY_CODE[error.code] ?? 500, body: { error: error.code, message: error.message } };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const code = (fastifyError.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return {
      status: fastifyError.statusCode,
      body: { error: code, message: fastifyError.message ?? 'bad request' },
    };
  }
  // Internal details stay in the log; the caller gets a stable, secret-free body.
  return { status: 500, body: { error: 'internal', message: 'internal error; see the server log' } };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
  void reply.status(status).type('application/json').send(body);
}
