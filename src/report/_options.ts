/**
 * Normalizers for figure options, in one place (as Observable Plot does), so that an invalid
 * option always gets the same clear message.
 */

import type * as Plot from "@observablehq/plot";
import { formatPercent } from "../base/format.ts";

/** A document figures can render into: the page's, or a server-side one such as linkedom's. */
export type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;
/** What a figure builder returns: Plot's figure element (an SVG, or a figure with an HTML legend). */
export type Figure = ReturnType<typeof Plot.plot>;

/** The document figures render into: the page's, or a server-side one (linkedom) passed in. */
export function documentOf(options: { document?: PlotDocument }): PlotDocument | undefined {
  return options.document;
}

/** A finite number, or the default when undefined. */
export function finiteNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Expected ${name} to be a finite number but found ${JSON.stringify(value)}`);
  }
  return value;
}

/** A positive integer, or the default when undefined. */
export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`Expected ${name} to be an integer greater than 0 but found ${JSON.stringify(value)}`);
  }
  return value;
}

/** One of the allowed keywords, or the default when undefined. */
export function keyword<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new TypeError(
      `Expected ${name} to be one of ${allowed.map((a) => `"${a}"`).join(", ")} but found ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Formats a proportion as a percentage with one decimal, or "—" for null. */
export function percent(value: number | null | undefined): string {
  return formatPercent(value);
}
