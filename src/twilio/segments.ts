/**
 * SMS segment counting, because Twilio paces and bills per segment (notes §1.1, §6).
 * GSM 03.38: one septet per basic character, two for the extension table (escape + char).
 * A body with any other character goes as UCS-2, counted in UTF-16 code units, so an emoji
 * (a surrogate pair) takes two. Concatenated messages lose room to the 6-byte UDH: 153 septets
 * or 67 code units per segment. An escape pair or a surrogate pair is never split across segments,
 * which is why segments are filled greedily rather than divided.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(Array.from(GSM_BASIC));
const extension = new Set(Array.from(GSM_EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

export function isGsm7(body: string): boolean {
  for (const ch of body) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

/** Units of each character as it must stay together in one segment. */
function unitsPerChar(body: string, encoding: SmsEncoding): number[] {
  const out: number[] = [];
  for (const ch of body) {
    if (encoding === 'GSM-7') out.push(extension.has(ch) ? 2 : 1);
    else out.push(ch.length); // 2 for astral characters (surrogate pair)
  }
  return out;
}

export function countSegments(body: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(body) ? 'GSM-7' : 'UCS-2';
  const sizes = unitsPerChar(body, encoding);
  const units = sizes.reduce((a, b) => a + b, 0);
  const limit = LIMITS[encoding];
  if (units <= limit.single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limit.multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
