import twilio from 'twilio';
import { Secret } from '../config/secret.js';
import { AcusmsError } from '../errors.js';

/**
 * Webhook verification with the official package (`validateRequest`), over the URL Twilio
 * requested: our configured `publicUrl` (what Twilio was told to call, so proxies, TLS offload
 * and the Host header do not matter) + the path and query as received. The fragment is removed:
 * connection overrides such as `#rc=3&rp=all` are not signed (notes §3.3).
 */

export type SignatureErrorCode = 'signature_missing' | 'signature_invalid';

export class SignatureError extends AcusmsError {
  /** 400 when the header is missing, 403 when it does not match (as `twilio.webhook()` answers). */
  readonly httpStatus: 400 | 403;

  constructor(code: SignatureErrorCode, message: string) {
    super(code, message, { retryable: false });
    this.httpStatus = code === 'signature_missing' ? 400 : 403;
  }
}

export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}

export type WebhookParams = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyTwilioSignatureInput {
  /** The account's primary Auth Token; several during a token rotation (any one may match). */
  authToken: Secret | readonly Secret[];
  /** e.g. `https://sms.example.com` or `https://example.com:8443/acusms` (port and prefix kept). */
  publicUrl: string;
  /** Path and query as the server received them (`request.url`), e.g. `/webhooks/twilio/acme/status?x=1`. */
  requestUrl: string;
  /** Every form parameter received, unknown ones included: Twilio adds parameters without notice. */
  params: WebhookParams;
  /** The `X-Twilio-Signature` header value. */
  signature: string | readonly string[] | undefined;
  /** Raw body, needed only for JSON webhooks signed with `bodySHA256` (notes §3.2). */
  rawBody?: string;
}

export function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * The URL Twilio signed. When `publicUrl` has a path (served under a prefix) and the proxy did
 * not strip it, the request path already starts with that prefix and is not doubled.
 */
export function webhookSignedUrl(publicUrl: string, requestUrl: string): string {
  const base = new URL(stripFragment(publicUrl));
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = stripFragment(requestUrl.startsWith('/') ? requestUrl : `/${requestUrl}`);
  const joined =
    prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`)) ? path : `${prefix}${path}`;
  const auth = base.username ? `${base.username}${base.password ? `:${base.password}` : ''}@` : '';
  return `${base.protocol}//${auth}${base.host}${joined}`;
}

/** Twilio drops `user:pass@` from SMS webhook URLs but the SDK's own vectors keep it: try both. */
function candidateUrls(url: string): string[] {
  const parsed = new URL(url);
  if (!parsed.username) return [url];
  parsed.username = '';
  parsed.password = '';
  return [url, parsed.toString()];
}

function toParams(params: WebhookParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : [...v];
  }
  return out;
}

/** Throws `SignatureError` unless the request carries a valid `X-Twilio-Signature`. */
export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): void {
  const header = typeof input.signature === 'string' ? input.signature : input.signature?.[0];
  if (typeof header !== 'string' || header === '') {
    throw new SignatureError('signature_missing', 'X-Twilio-Signature header is missing');
  }
  const tokens = input.authToken instanceof Secret ? [input.authToken] : input.authToken;
  const signedUrl = webhookSignedUrl(input.publicUrl, input.requestUrl);
  const params = toParams(input.params);
  const jsonBody = input.rawBody !== undefined && new URL(signedUrl).searchParams.has('bodySHA256');
  for (const token of tokens) {
    for (const url of candidateUrls(signedUrl)) {
      const ok = jsonBody
        ? twilio.validateRequestWithBody(token.reveal(), header, url, input.rawBody ?? '')
        : twilio.validateRequest(token.reveal(), header, url, params);
      if (ok) return;
    }
  }
  throw new SignatureError('signature_invalid', 'X-Twilio-Signature does not match the request');
}

/** Signs like Twilio does (fragment excluded). For the simulator and tests. */
export function signTwilioRequest(authToken: string, url: string, params: WebhookParams): string {
  return twilio.getExpectedTwilioSignature(authToken, stripFragment(url), toParams(params));
}

/** Default connection overrides for status callbacks: 3 retries on any failure (notes §3.5). */
export const DEFAULT_CALLBACK_FRAGMENT = 'rc=3&rp=all';

function joinPublic(publicUrl: string, path: string): string {
  return `${stripFragment(publicUrl).replace(/\/+$/, '')}${path}`;
}

/** `{publicUrl}/webhooks/twilio/{tenant}/status#rc=3&rp=all`; `fragment: ''` sends none. */
export function buildStatusCallbackUrl(
  publicUrl: string,
  tenant: string,
  options: { fragment?: string } = {},
): string {
  const fragment = options.fragment ?? DEFAULT_CALLBACK_FRAGMENT;
  const url = joinPublic(publicUrl, `/webhooks/twilio/${encodeURIComponent(tenant)}/status`);
  return fragment === '' ? url : `${url}#${fragment.replace(/^#/, '')}`;
}

/** `{publicUrl}/webhooks/twilio/{tenant}/inbound`, the "A message comes in" URL in the console. */
export function buildInboundWebhookUrl(publicUrl: string, tenant: string): string {
  return joinPublic(publicUrl, `/webhooks/twilio/${encodeURIComponent(tenant)}/inbound`);
}
