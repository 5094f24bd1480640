/**
 * Parsing a model file at the edge: JSON syntax, then the zod schema, every issue reported with
 * its path and, where the path is inside an indicator, that indicator's id.
 */
import { crossCheckModel, type Model, ModelSchema } from "./model.ts";
import { InputError, type Problem } from "./problem.ts";

function issuePath(path: PropertyKey[]): string {
  return path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "");
}

/** Turns zod issues of a model into problems naming the file, the path and the indicator. */
export function modelIssuesToProblems(
  file: string,
  raw: unknown,
  issues: { path: PropertyKey[]; message: string }[],
): Problem[] {
  return issues.map((issue) => {
    const problem: Problem = { file, message: `${issuePath(issue.path) || "(model)"}: ${issue.message}` };
    if (issue.path[0] === "indicators" && typeof issue.path[1] === "number") {
      const indicator = (raw as { indicators?: { id?: unknown }[] })?.indicators?.[issue.path[1]];
      if (indicator && typeof indicator.id === "string") problem.indicator = indicator.id;
    }
    return problem;
  });
}

/** The limits of a model file, checked before anything else is read from it. */
export const MODEL_LIMITS = {
  /** Size of the file in UTF-8 bytes (10 MB). */
  bytes: 10_000_000,
  /** How deeply arrays and objects may nest anywhere in the file, unknown keys included. */
  depth: 100,
  /** Entries of each of `parameters`, `categories`, `indicators` and `bands`. */
  entries: 10_000,
} as const;

/** The UTF-8 size of text, counted without copying it. */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The deepest nesting of `[`/`{` in JSON text, outside strings (text that is not JSON gives some number). */
function jsonNesting(text: string): number {
  let depth = 0, max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Refuses a model file of more than {@link MODEL_LIMITS}`.bytes` (an `InputError` naming the limit
 * and the size): called with the file's size before it is read, and with the text's size.
 */
export function checkModelSize(bytes: number, file: string): void {
  if (bytes <= MODEL_LIMITS.bytes) return;
  throw new InputError([{
    file,
    value: `${bytes} bytes`,
    message: `Model file is too large: ${bytes} bytes, and the limit is ${MODEL_LIMITS.bytes} bytes`,
  }]);
}

/** Refuses text beyond {@link MODEL_LIMITS} before it is parsed, naming the limit and the value. */
function checkModelText(text: string, file: string): void {
  const fail = (value: string, message: string) => {
    throw new InputError([{ file, value, message }]);
  };
  if (text.length > MODEL_LIMITS.bytes || utf8Bytes(text) > MODEL_LIMITS.bytes) checkModelSize(utf8Bytes(text), file);
  const depth = jsonNesting(text);
  if (depth > MODEL_LIMITS.depth) {
    fail(
      `depth ${depth}`,
      `Model JSON nests too deeply: ${depth} levels of arrays and objects, and the limit is ${MODEL_LIMITS.depth}`,
    );
  }
}

/** Refuses a parsed model whose lists are longer than {@link MODEL_LIMITS}. */
function checkModelEntries(raw: unknown, file: string): void {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return;
  const problems: Problem[] = [];
  for (const key of ["parameters", "categories", "indicators", "bands"]) {
    const list = (raw as Record<string, unknown>)[key];
    if (Array.isArray(list) && list.length > MODEL_LIMITS.entries) {
      problems.push({
        file,
        value: String(list.length),
        message: `${key}: too many entries: ${list.length}, and the limit is ${MODEL_LIMITS.entries}`,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * Parses a model's JSON text; throws `InputError` listing every problem (never only the first).
 * A UTF-8 byte order mark at the start is ignored; files beyond {@link MODEL_LIMITS} are refused.
 */
export function parseModel(text: string, file = "model.json"): Model {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkModelText(text, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, message: `Model is not valid JSON: ${(error as Error).message}` }]);
  }
  checkModelEntries(raw, file);
  const result = ModelSchema.safeParse(raw);
  if (!result.success) {
    const issues: { path: PropertyKey[]; message: string }[] = [...result.error.issues];
    if (raw && typeof raw === "object" && !Array.isArray(raw)) {
      const seen = new Set(issues.map((i) => i.message));
      for (const issue of crossCheckModel(raw as Record<string, unknown>)) {
        if (!seen.has(issue.message)) issues.push(issue);
      }
    }
    throw new InputError(modelIssuesToProblems(file, raw, issues));
  }
  return result.data;
}

/** JSON with object keys sorted at every depth and no white space: what model digests are taken of. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object).sort().filter((k) =>
      (value as Record<string, unknown>)[k] !== undefined
    )
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Hex SHA-256 of bytes or UTF-8 text; works in Deno, Node and the browser. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The model's identity in outputs: its sha256 is of its canonical JSON, so formatting does not change it. */
export async function modelDigest(model: Model): Promise<string> {
  return await sha256Hex(canonicalJson(model));
}
