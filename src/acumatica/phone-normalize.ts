import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Turns what people type into CRM phone fields into E.164, or undefined when it is not a valid
 * number. Handles "(312) 555-0101", "+1 312-555-0102", "312.555.0103 x12", "tel:…", "Cell: …":
 * `extract` finds the number inside free text and extensions are dropped (an SMS cannot reach
 * an extension). Numbers without a country code are read with the tenant's `defaultCountry`.
 */
export function normalizePhone(text: string | null | undefined, defaultCountry: string): string | undefined {
  if (!text) return undefined;
  const country = defaultCountry.toUpperCase();
  if (!isSupportedCountry(country)) throw new TypeError(`unsupported defaultCountry "${defaultCountry}"`);
  const trimmed = text.trim();
  if (trimmed === '' || !/\d/.test(trimmed)) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, {
    defaultCountry: country as CountryCode,
    extract: true,
  });
  return parsed?.isValid() ? parsed.number : undefined;
}
