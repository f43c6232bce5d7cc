/**
 * Twilio's default keyword handling for long codes and toll-free (notes §5): a single word,
 * case-insensitive, surrounding whitespace ignored; "STOP PLEASE" is not a keyword.
 */
const OPT_OUT = new Set(['STOP', 'UNSUBSCRIBE', 'END', 'QUIT', 'STOPALL', 'REVOKE', 'OPTOUT', 'CANCEL']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export type KeywordType = 'STOP' | 'START' | 'HELP';

export function keywordOf(body: string): KeywordType | null {
  const word = body.trim().toUpperCase();
  if (/\s/.test(word)) return null;
  if (OPT_OUT.has(word)) return 'STOP';
  if (OPT_IN.has(word)) return 'START';
  if (HELP.has(word)) return 'HELP';
  return null;
}

/** Twilio's standard replies (recorded by the simulator, not added to the Messages list). */
export const KEYWORD_REPLIES: Record<KeywordType, string> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START:
    'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/**
 * Whether Twilio would accept `to` as a phone number (else 21211). E.164 shape, and for NANP
 * (+1) a valid area code and exchange: N11 codes and the 555 area code are not assignable,
 * while 555-01xx lines inside a real area code (+1 312 555 0142) are the fictional test range.
 */
export function isValidTo(to: string): boolean {
  if (!/^\+[1-9]\d{6,14}$/.test(to)) return false;
  if (!to.startsWith('+1')) return true;
  const m = /^\+1([2-9]\d\d)([2-9]\d\d)\d{4}$/.exec(to);
  if (!m) return false;
  const [npa, nxx] = [m[1] as string, m[2] as string];
  if (npa === '555' || /^[2-9]11$/.test(npa) || /^[2-9]11$/.test(nxx)) return false;
  return true;
}

export function countryOf(number: string): string {
  return number.startsWith('+1') ? 'US' : '';
}
