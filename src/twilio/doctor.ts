import type { DoctorCheck } from '../ops/doctor.js';
import type { TwilioClient } from './client.js';
import { isTwilioApiError } from './errors.js';

export interface CheckTwilioOptions {
  client: TwilioClient;
  /** Shown in check names, e.g. `acme`. */
  tenant?: string;
  from?: string;
  messagingServiceSid?: string;
  signal?: AbortSignal;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const MG_SID = /^MG[0-9a-fA-F]{32}$/;

function describe(error: unknown): string {
  return isTwilioApiError(error) || error instanceof Error ? error.message : String(error);
}

/** `acusms doctor` lines for one tenant's Twilio settings. Never throws. */
export async function checkTwilio(options: CheckTwilioOptions): Promise<DoctorCheck[]> {
  const { client } = options;
  const prefix = options.tenant ? `${options.tenant}: ` : '';
  const call = options.signal ? { signal: options.signal } : {};
  const checks: DoctorCheck[] = [];

  let credentialsOk = false;
  try {
    const account = await client.fetchAccount(call);
    credentialsOk = account.status === null || account.status === 'active';
    checks.push({
      name: `${prefix}Twilio credentials`,
      ok: credentialsOk,
      detail: `account ${account.sid} is ${account.status ?? 'reachable'} at ${client.baseUrl}`,
      ...(credentialsOk
        ? {}
        : { fix: 'The account is suspended or closed. Sign in to the Twilio Console and reactivate it.' }),
    });
  } catch (error) {
    const auth = isTwilioApiError(error) && error.kind === 'credentials';
    checks.push({
      name: `${prefix}Twilio credentials`,
      ok: false,
      detail: describe(error),
      fix: auth
        ? 'Twilio rejected the credentials. Copy the Account SID and Auth Token (or an API key SID and ' +
          'secret) from Twilio Console > Account > API keys & tokens into tenants[].twilio.'
        : `Twilio could not be reached at ${client.baseUrl}. Check twilio.baseUrl, DNS and outbound HTTPS.`,
    });
  }

  if (options.from === undefined && options.messagingServiceSid === undefined) {
    checks.push({
      name: `${prefix}Twilio sender`,
      ok: false,
      detail: 'neither twilio.from nor twilio.messagingServiceSid is set',
      fix: 'Set twilio.from to a Twilio number in E.164 form (+13125550142) or twilio.messagingServiceSid to MG….',
    });
    return checks;
  }
  if (options.messagingServiceSid !== undefined) {
    const ok = MG_SID.test(options.messagingServiceSid);
    checks.push({
      name: `${prefix}Twilio sender`,
      ok,
      detail: `Messaging Service ${options.messagingServiceSid}`,
      ...(ok
        ? {}
        : {
            fix: 'A Messaging Service SID is MG followed by 32 hex digits; copy it from Console > Messaging > Services.',
          }),
    });
  }
  if (options.from !== undefined) {
    if (!E164.test(options.from)) {
      checks.push({
        name: `${prefix}Twilio sender`,
        ok: false,
        detail: `twilio.from "${options.from}" is not an E.164 number`,
        fix: 'Write the number with + and country code, no spaces, e.g. +13125550142.',
      });
    } else if (credentialsOk) {
      try {
        const owned = (await client.findIncomingNumber(options.from, call)).length > 0;
        checks.push({
          name: `${prefix}Twilio sender`,
          ok: owned,
          detail: owned
            ? `${options.from} belongs to the account`
            : `${options.from} is not a number of this account`,
          ...(owned
            ? {}
            : {
                fix:
                  'Buy or port the number in Console > Phone Numbers, or use the account it belongs to. ' +
                  'Sending from it would fail with error 21606.',
              }),
        });
      } catch (error) {
        checks.push({
          name: `${prefix}Twilio sender`,
          ok: false,
          detail: `could not list the account's numbers: ${describe(error)}`,
          fix: 'An API key needs permission to read Incoming Phone Numbers; or check the connection to Twilio.',
        });
      }
    }
  }
  return checks;
}
