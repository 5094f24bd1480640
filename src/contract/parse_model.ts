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

/** Parses a model's JSON text; throws `InputError` listing every problem (never only the first). */
export function parseModel(text: string, file = "model.json"): Model {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, message: `Model is not valid JSON: ${(error as Error).message}` }]);
  }
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
