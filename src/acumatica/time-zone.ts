/**
 * A contact's IANA time zone from its address, for quiet hours. Deliberately simple: one zone
 * per US state / Canadian province / Australian state (the zone most of its people live in,
 * e.g. TX ⇒ America/Chicago although El Paso is Mountain), and one per single-zone country.
 * Anything else is null, and the caller falls back to the number's area, then the tenant zone.
 */
// biome-ignore format: a lookup table reads best packed
const US: Record<string, string> = {
  AL: 'America/Chicago',
  AK: 'America/Anchorage',
  AZ: 'America/Phoenix',
  AR: 'America/Chicago',
  CA: 'America/Los_Angeles',
  CO: 'America/Denver',
  CT: 'America/New_York',
  DE: 'America/New_York',
  DC: 'America/New_York',
  FL: 'America/New_York',
  GA: 'America/New_York',
  HI: 'Pacific/Honolulu',
  ID: 'America/Boise',
  IL: 'America/Chicago',
  IN: 'America/Indiana/Indianapolis',
  IA: 'America/Chicago',
  KS: 'America/Chicago',
  KY: 'America/New_York',
  LA: 'America/Chicago',
  ME: 'America/New_York',
  MD: 'America/New_York',
  MA: 'America/New_York',
  MI: 'America/Detroit',
  MN: 'America/Chicago',
  MS: 'America/Chicago',
  MO: 'America/Chicago',
  MT: 'America/Denver',
  NE: 'America/Chicago',
  NV: 'America/Los_Angeles',
  NH: 'America/New_York',
  NJ: 'America/New_York',
  NM: 'America/Denver',
  NY: 'America/New_York',
  NC: 'America/New_York',
  ND: 'America/Chicago',
  OH: 'America/New_York',
  OK: 'America/Chicago',
  OR: 'America/Los_Angeles',
  PA: 'America/New_York',
  RI: 'America/New_York',
  SC: 'America/New_York',
  SD: 'America/Chicago',
  TN: 'America/Chicago',
  TX: 'America/Chicago',
  UT: 'America/Denver',
  VT: 'America/New_York',
  VA: 'America/New_York',
  WA: 'America/Los_Angeles',
  WV: 'America/New_York',
  WI: 'America/Chicago',
  WY: 'America/Denver',
  PR: 'America/Puerto_Rico',
};

// biome-ignore format: a lookup table reads best packed
const CA: Record<string, string> = {
  AB: 'America/Edmonton',
  BC: 'America/Vancouver',
  MB: 'America/Winnipeg',
  NB: 'America/Moncton',
  NL: 'America/St_Johns',
  NS: 'America/Halifax',
  NT: 'America/Yellowknife',
  NU: 'America/Iqaluit',
  ON: 'America/Toronto',
  PE: 'America/Halifax',
  QC: 'America/Toronto',
  SK: 'America/Regina',
  YT: 'America/Whitehorse',
};

// biome-ignore format: a lookup table reads best packed
const AU: Record<string, string> = {
  ACT: 'Australia/Sydney',
  NSW: 'Australia/Sydney',
  NT: 'Australia/Darwin',
  QLD: 'Australia/Brisbane',
  SA: 'Australia/Adelaide',
  TAS: 'Australia/Hobart',
  VIC: 'Australia/Melbourne',
  WA: 'Australia/Perth',
};

/** Countries that use one zone (or where one zone covers nearly everyone). */
// biome-ignore format: a lookup table reads best packed
const COUNTRY: Record<string, string> = {
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  PL: 'Europe/Warsaw',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  DK: 'Europe/Copenhagen',
  FI: 'Europe/Helsinki',
  PT: 'Europe/Lisbon',
  NZ: 'Pacific/Auckland',
  JP: 'Asia/Tokyo',
  SG: 'Asia/Singapore',
  IN: 'Asia/Kolkata',
  ZA: 'Africa/Johannesburg',
  PH: 'Asia/Manila',
  IL: 'Asia/Jerusalem',
  AE: 'Asia/Dubai',
  HK: 'Asia/Hong_Kong',
  CN: 'Asia/Shanghai',
  KR: 'Asia/Seoul',
  GR: 'Europe/Athens',
  CZ: 'Europe/Prague',
  HU: 'Europe/Budapest',
  RO: 'Europe/Bucharest',
  PR: 'America/Puerto_Rico',
  JM: 'America/Jamaica',
  CO: 'America/Bogota',
  PE: 'America/Lima',
};

const STATES: Record<string, Record<string, string>> = { US, CA, AU };

/** Country names and 3-letter codes seen in free-text address fields, mapped to ISO 3166-1 alpha-2. */
// biome-ignore format: a lookup table reads best packed
const COUNTRY_ALIASES: Record<string, string> = {
  USA: 'US',
  'UNITED STATES': 'US',
  'UNITED STATES OF AMERICA': 'US',
  CAN: 'CA',
  CANADA: 'CA',
  AUS: 'AU',
  AUSTRALIA: 'AU',
  UK: 'GB',
  GBR: 'GB',
  'UNITED KINGDOM': 'GB',
};

export function timeZoneForAddress(
  country: string | undefined,
  state: string | undefined,
  defaultCountry?: string,
): string | null {
  const rawCountry = (country ?? defaultCountry ?? '').trim().toUpperCase();
  const code = COUNTRY_ALIASES[rawCountry] ?? rawCountry;
  const st = (state ?? '').trim().toUpperCase();
  const byState = STATES[code];
  if (byState) return (st && byState[st]) || null;
  return COUNTRY[code] ?? null;
}
