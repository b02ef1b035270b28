/** Phone numbers as SMS providers take them: E.164. A number without a country code is read as the default region's. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The demo city's country: local numbers written without +49 are German. */
export const defaultPhoneRegion: CountryCode = 'DE';

/** "+49 6221 123456", "06221 123456" → "+496221123456"; null when it is not a possible number. */
export function toE164(text: string, region: CountryCode = defaultPhoneRegion): string | null {
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed && parsed.isPossible() ? parsed.number : null;
}
