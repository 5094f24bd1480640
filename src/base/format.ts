/**
 * The one number formatter: plain decimals for files (never exponent notation), whole numbers
 * with thousands separators and percentages for people.
 */

/** A number as plain decimal text (never exponent notation), trailing zeros trimmed. */
export function plainNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Expected a finite number but found ${value}`);
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? value.toFixed(0) : BigInt(value).toString();
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
}

/** A whole number with thousands separators: 145022 → "145,022". */
export function formatInt(value: number): string {
  return value.toLocaleString("en-US");
}

/** A proportion as a percentage with `digits` decimals, "—" for null, undefined or NaN: 0.594 → "59.4%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : `${(100 * value).toFixed(digits)}%`;
}

/** A 95% interval of proportions as "a–b%", "—" where there is none. */
export function formatInterval(ci: readonly [number, number] | null | undefined, digits = 1): string {
  return ci ? `${(100 * ci[0]).toFixed(digits)}–${(100 * ci[1]).toFixed(digits)}%` : "—";
}
