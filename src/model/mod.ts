/**
 * The indicator model engine, pure (no database): the `when` expression language of contract §2
 * — tokenizer, parser, type checker — and the one compiler from a checked model to DuckDB SQL,
 * as a pipeline of named steps. It also owns the scoring arithmetic (`scoring.ts`), defined once
 * so that SQL, the reference interpreter and a typed-array fast path agree bit for bit.
 *
 * User text never reaches SQL as written: names are re-quoted from the checked tree, numbers are
 * exact DOUBLE literals, text is re-quoted, functions come from a fixed list.
 *
 * ```ts
 * import { parseModel } from "../contract/mod.ts";
 * import { compileModel } from "./mod.ts";
 *
 * const model = parseModel(JSON.stringify({
 *   id: "example",
 *   version: "1",
 *   categories: [{ id: "medical", weight: 1 }],
 *   indicators: [
 *     { id: "M03", category: "medical", level: "member", when: "major_illness and age >= 16", points: 6 },
 *     { id: "H01", category: "medical", level: "household", when: "not car", points: 2 },
 *   ],
 *   bands: [{ id: "yellow", min: 4 }],
 * }), "example.json");
 * const schema = {
 *   households: { household_id: "text", village: "text", category: "text", car: "boolean" },
 *   members: { person_id: "text", household_id: "text", age: "number", major_illness: "boolean" },
 * } as const;
 * const compiled = compileModel(model, schema, "example.json"); // throws InputError
 * console.log(compiled.steps.map((s) => s.name)); // member_conditions … scored
 * console.log(compiled.sql); // one WITH … query: the scored households in order
 * ```
 *
 * Run the SQL with `src/score`. The model also owns the rules that are data: routing a warned
 * household to its departments (`routing.ts`: 主管、主责、主抓, the model's optional `routing`
 * section) and the audit groups as `when` expressions (`groups.ts`).
 */
export * from "./syntax.ts";
export { MAX_DEPTH, MAX_TOKENS, MAX_WHEN_LENGTH, parseWhen, type Token, tokenize, WhenError } from "./parse.ts";
export {
  type Checked,
  type CheckedWhen,
  type CheckEnv,
  checkWhen,
  closest,
  editDistance,
  isDateText,
  type TableRef,
  type ValueType,
} from "./check.ts";
export * from "./scoring.ts";
export * from "./compile.ts";
export { doubleLiteral, ident, numberText, textLiteral } from "./_sql.ts";
export * from "./routing.ts";
export * from "./groups.ts";
