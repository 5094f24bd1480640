/**
 * Lookups keyed by data. A department, village, category, band or batch is a name from a file,
 * and a name like `constructor`, `toString` or `__proto__` must not find what every plain object
 * inherits from `Object.prototype`: key such tables by `Map`, build records with
 * `Object.fromEntries` (every key an own property, even `__proto__`), and read them with
 * `ownValue`.
 */

/** The value `record` holds under `key` as its own property; undefined otherwise (never an inherited one). */
export function ownValue<V>(record: Readonly<Record<string, V>> | undefined | null, key: string): V | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}
