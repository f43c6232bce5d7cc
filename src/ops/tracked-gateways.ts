import { isAcumaticaError } from '../acumatica/errors.js';
import { AcusmsError } from '../errors.js';
import type { ErpGateway, SmsGateway } from '../flows/ports.js';
import { isCredentialsError, isTwilioApiError } from '../twilio/errors.js';
import type { ErrorRateTracker, UpstreamTarget } from './error-rate.js';

/** How a finished call counts: `ignore` for cancellations (our shutdown is not their outage). */
export type CallOutcome = 'success' | 'failure' | 'ignore';

/**
 * Twilio: failures are what says Twilio (or the path to it) is unwell: 429s, 5xx, timeouts and
 * refused credentials. A bad number or an opted-out recipient is Twilio working as designed.
 */
export function twilioOutcome(error: unknown): CallOutcome {
  if (error === undefined) return 'success';
  if (isCancellation(error)) return 'ignore';
  if (!isTwilioApiError(error)) return 'failure';
  switch (error.kind) {
    case 'rate_limited':
    case 'ambiguous':
    case 'transient':
    case 'credentials':
      return 'failure';
    case 'permanent':
    case 'opted_out':
    case 'not_found':
      return 'success';
    default: {
      const never: never = error.kind;
      return never;
    }
  }
}

/** Acumatica: the same idea; a 422 or a lock conflict is the ERP answering, not failing. */
export function acumaticaOutcome(error: unknown): CallOutcome {
  if (error === undefined) return 'success';
  if (isCancellation(error)) return 'ignore';
  if (!isAcumaticaError(error))
    return error instanceof AcusmsError && !error.retryable ? 'success' : 'failure';
  switch (error.kind) {
    case 'validation':
    case 'not_found':
    case 'precondition_failed':
    case 'bad_request':
    case 'lock_conflict':
      return 'success';
    default:
      return 'failure';
  }
}

/** Acumatica kinds that mean "fix the credentials or the licence", for `auth_failure`. */
export const ACUMATICA_AUTH_KINDS: ReadonlySet<string> = new Set([
  'invalid_credentials',
  'unauthorized',
  'login_limit',
  'forbidden',
]);

function isCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Wraps every method of `target`: a returned promise reports when it settles, a returned async
 * iterable when iteration ends (an early `break` counts as success). Generic on purpose, so
 * methods added to the ports later are tracked without touching this file. Methods run with
 * the original object as `this`.
 */
export function trackCalls<T extends object>(target: T, report: (error: unknown) => void): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = Reflect.apply(value, object, args);
          } catch (error) {
            report(error);
            throw error;
          }
          if (result instanceof Promise) {
            return result.then(
              (resolved: unknown) => {
                report(undefined);
                return resolved;
              },
              (error: unknown) => {
                report(error);
                throw error;
              },
            );
          }
          if (isAsyncIterable(result)) return trackIteration(result, report);
          return result;
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

async function* trackIteration<V>(
  source: AsyncIterable<V>,
  report: (error: unknown) => void,
): AsyncGenerator<V> {
  let failed = false;
  try {
    for await (const item of source) yield item;
  } catch (error) {
    failed = true;
    report(error);
    throw error;
  } finally {
    if (!failed) report(undefined);
  }
}

function recordOutcome(
  tracker: ErrorRateTracker,
  tenant: string,
  target: UpstreamTarget,
  outcome: CallOutcome,
): void {
  if (outcome !== 'ignore') tracker.record(tenant, target, outcome);
}

/** The tenant's `SmsGateway`, reporting each call to the tracker; 20003/401 also as auth failures. */
export function trackSmsGateway<G extends SmsGateway>(
  gateway: G,
  tracker: ErrorRateTracker,
  tenant: string,
): G {
  return trackCalls(gateway, (error) => {
    recordOutcome(tracker, tenant, 'twilio', twilioOutcome(error));
    if (isCredentialsError(error)) {
      tracker.authFailure(tenant, 'twilio', {
        kind: error.kind,
        message: error.message,
        status: error.status,
      });
    }
  });
}

/**
 * The tenant's `ErpGateway`, reporting each call. Failed logins reach the tracker through the
 * gateway's `onAuthFailure` (once per login, not once per waiting caller); here only a 401 that
 * survived re-authentication counts as an auth failure, so nothing is counted twice.
 */
export function trackErpGateway<G extends ErpGateway>(
  gateway: G,
  tracker: ErrorRateTracker,
  tenant: string,
): G {
  return trackCalls(gateway, (error) => {
    recordOutcome(tracker, tenant, 'acumatica', acumaticaOutcome(error));
    // The login guard rethrows a failed login with that login's error as `cause`: already counted.
    if (isAcumaticaError(error, 'unauthorized') && !(error.cause instanceof AcusmsError)) {
      tracker.authFailure(tenant, 'acumatica', {
        kind: error.kind,
        message: error.message,
        ...(error.status === undefined ? {} : { status: error.status }),
      });
    }
  });
}
