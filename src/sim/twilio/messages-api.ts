import { countSegments } from '../../twilio/segments.js';
import { queueBacklogMs, startDelivery } from './delivery.js';
import { isValidTo } from './keywords.js';
import { ListQueryError, listMessages } from './list.js';
import { errorBody, type SimMessage, toResource } from './resource.js';
import type { SimState } from './state.js';
import type { SimAccount } from './types.js';

/** A response the HTTP layer sends as JSON. */
export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type FormParams = Record<string, string | string[]>;

/** A sender queue holds at most 10 hours of segments (notes §6). */
const MAX_QUEUE_MS = 10 * 3600_000;

const fail = (status: number, code: number | null, message: string): ApiResponse => ({
  status,
  body: errorBody(status, code, message),
});

export function notFound(path: string): ApiResponse {
  return fail(404, 20404, `The requested resource ${path} was not found`);
}

export function unauthorized(): ApiResponse {
  return {
    ...fail(401, 20003, 'Authenticate'),
    headers: { 'www-authenticate': 'Basic realm="Twilio API"' },
  };
}

/** Basic auth with the Account SID + Auth Token or an API key SID + secret of that account. */
export function authenticate(
  state: SimState,
  header: string | undefined,
  pathAccountSid: string,
): SimAccount | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const [user, pass] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const account = state.accounts.find(
    (a) =>
      (a.accountSid === user && a.authToken === pass) ||
      (a.apiKeys ?? []).some((k) => k.sid === user && k.secret === pass),
  );
  return account && account.accountSid === pathAccountSid ? account : null;
}

function one(params: FormParams, key: string): string | undefined {
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

function many(params: FormParams, key: string): string[] {
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `POST …/Messages.json`. Validation order follows what Twilio reports first for a bad request. */
export function createMessage(state: SimState, account: SimAccount, params: FormParams): ApiResponse {
  const to = one(params, 'To');
  let from = one(params, 'From') ?? null;
  const serviceSid = one(params, 'MessagingServiceSid') ?? null;
  const body = one(params, 'Body') ?? '';
  const media = many(params, 'MediaUrl');
  if (!to) return fail(400, 21604, "A 'To' phone number is required.");
  if (!from && !serviceSid)
    return fail(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
  if (body === '' && media.length === 0 && !one(params, 'ContentSid')) {
    return fail(400, 21602, 'Message body is required.');
  }
  if (body.length > 1600) {
    return fail(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (!isValidTo(to)) return fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (from && account.numbers && !account.numbers.some((n) => n.phoneNumber === from)) {
    return fail(
      400,
      21606,
      `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    );
  }
  if (serviceSid && !/^MG[0-9a-fA-F]{32}$/.test(serviceSid)) {
    return fail(400, 21701, `The Messaging Service Sid ${serviceSid} is invalid.`);
  }
  if (state.landlineNumbers.has(to))
    return fail(400, 21614, `'To' number ${to} is not a valid mobile number`);
  if (state.optOuts.has(`${state.optOutScope(account, { from, messagingServiceSid: serviceSid })}|${to}`)) {
    return fail(400, 21610, 'Attempt to send to unsubscribed recipient');
  }
  if (serviceSid && !from) {
    const service = account.messagingServices?.find((s) => s.sid === serviceSid);
    from = service?.numbers[0] ?? null;
  }
  const segments = countSegments(body).segments;
  if (
    from &&
    !serviceSid &&
    queueBacklogMs(state, from) + (segments * 1000) / state.mpsOf(account, from) > MAX_QUEUE_MS
  ) {
    return fail(400, 21611, "This 'From' number has exceeded the maximum number of queued messages");
  }
  const validity = one(params, 'ValidityPeriod');
  if (validity !== undefined && !(Number(validity) >= 1 && Number(validity) <= 36000)) {
    return fail(400, 21623, 'ValidityPeriod must be between 1 and 36000 seconds');
  }

  const now = state.clock.now();
  const message: SimMessage = {
    seq: state.nextSeq(),
    sid: state.newSid(media.length > 0 ? 'MM' : 'SM'),
    accountSid: account.accountSid,
    messagingServiceSid: serviceSid,
    body,
    to,
    from: one(params, 'From') ?? null,
    direction: 'outbound-api',
    // With a Messaging Service the sender is chosen after `accepted` and segments are then "0".
    status: serviceSid ? 'accepted' : 'queued',
    numSegments: serviceSid ? 0 : segments,
    numMedia: media.length,
    priceMicros: null,
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    statusCallback: one(params, 'StatusCallback') ?? null,
  };
  state.addMessage(message);
  startDelivery(state, account, message, segments, from);
  return { status: 201, body: toResource(message) };
}

export function fetchMessage(state: SimState, account: SimAccount, sid: string, path: string): ApiResponse {
  const m = state.bySid.get(sid);
  if (!m || m.accountSid !== account.accountSid) return notFound(path);
  return { status: 200, body: toResource(m) };
}

export function listMessagesApi(
  state: SimState,
  account: SimAccount,
  query: Record<string, string>,
): ApiResponse {
  try {
    return { status: 200, ...listMessages(account.accountSid, state.messages, query) };
  } catch (error) {
    if (error instanceof ListQueryError) return fail(400, 20001, error.message);
    throw error;
  }
}

export function fetchAccount(account: SimAccount): ApiResponse {
  const created = new Date(0).toUTCString().replace('GMT', '+0000');
  return {
    status: 200,
    body: {
      auth_token: '********************************',
      date_created: created,
      date_updated: created,
      friendly_name: 'acusms simulator',
      owner_account_sid: account.accountSid,
      sid: account.accountSid,
      status: 'active',
      subresource_uris: { messages: `/2010-04-01/Accounts/${account.accountSid}/Messages.json` },
      type: 'Full',
      uri: `/2010-04-01/Accounts/${account.accountSid}.json`,
    },
  };
}

/** Without configured numbers every number counts as the account's (the lenient mode of `SimAccount`). */
export function listIncomingNumbers(account: SimAccount, query: Record<string, string>): ApiResponse {
  const wanted = query.PhoneNumber;
  const numbers = account.numbers
    ? account.numbers.map((n) => n.phoneNumber).filter((n) => wanted === undefined || n === wanted)
    : wanted === undefined
      ? []
      : [wanted];
  const uri = `/2010-04-01/Accounts/${account.accountSid}/IncomingPhoneNumbers.json`;
  return {
    status: 200,
    body: {
      incoming_phone_numbers: numbers.map((phoneNumber, i) => ({
        account_sid: account.accountSid,
        capabilities: { sms: true, mms: true, voice: true },
        friendly_name: phoneNumber,
        phone_number: phoneNumber,
        sid: `PN${(i + 1).toString(16).padStart(32, '0')}`,
      })),
      end: Math.max(numbers.length - 1, 0),
      first_page_uri: `${uri}?PageSize=50&Page=0`,
      next_page_uri: null,
      page: 0,
      page_size: 50,
      previous_page_uri: null,
      start: 0,
      uri: `${uri}?PageSize=50&Page=0`,
    },
  };
}
