/**
 * Recognizing raw personal identifiers: resident identity numbers (GB 11643: 18 characters, a valid
 * birth date and check digit) and mainland mobile numbers. Such columns are refused unless
 * pseudonymized.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** The pattern of an 18-character resident identity number (birth date plausible), for SQL and JS. */
export const ID_NUMBER_PATTERN =
  "^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$";
/** The pattern of a mainland mobile number, with an optional +86 / 86 prefix. */
export const MOBILE_PATTERN = "^(\\+?86)?1[3-9][0-9]{9}$";

const ID_NUMBER = new RegExp(ID_NUMBER_PATTERN);
const MOBILE = new RegExp(MOBILE_PATTERN);

/** True when `value` is an 18-character resident identity number with a valid GB 11643 check digit. */
export function isResidentIdNumber(value: string): boolean {
  if (!ID_NUMBER.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === value[17].toUpperCase();
}

/** True when `value` is a mainland mobile number. */
export function isMobileNumber(value: string): boolean {
  return MOBILE.test(value);
}

/** Masks an identifier for messages, so an error never prints the identifier it refuses. */
export function maskIdentifier(value: string): string {
  return value.length <= 7
    ? "*".repeat(value.length)
    : value.slice(0, 3) + "*".repeat(value.length - 7) + value.slice(-4);
}
