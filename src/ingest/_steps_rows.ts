/**
 * The row steps of validation, the contract's rules for rows: per table, ids present and unique and
 * codes known (`household_rows`, `member_rows`, `verified_rows`); then references between tables,
 * in cascade order (`member_references`, `members_per_household`, `verified_references`), so that
 * in lenient mode a rejected household takes its members and verified rows with it.
 * Every step returns SQL selecting its problem rows; none reads values into JavaScript.
 */
import { CATEGORY_CODES, type TableName, VERIFIED_CHANNELS } from "../contract/mod.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { SHOWN_LENGTH } from "../base/terminal.ts";
import { anyRejected, type LoadContext, rejectedRowsSql as rejectedRows, type StepResult } from "./_context.ts";

/** One rule for the values of a column of one table. */
type RowCheck =
  | { kind: "present"; column: string; what: string }
  | { kind: "unique"; column: string }
  | { kind: "known"; column: string; codes: readonly string[] };

/** The per-table rules, in the order their problems are recorded. */
const ROW_CHECKS: Record<TableName, RowCheck[]> = {
  households: [
    { kind: "present", column: "household_id", what: "a household_id" },
    { kind: "unique", column: "household_id" },
    { kind: "present", column: "village", what: "a village" },
    { kind: "known", column: "category", codes: CATEGORY_CODES },
    { kind: "present", column: "category", what: `a category (one of ${CATEGORY_CODES.join(", ")})` },
  ],
  members: [
    { kind: "present", column: "person_id", what: "a person_id" },
    { kind: "unique", column: "person_id" },
    { kind: "present", column: "household_id", what: "the household_id of its household" },
  ],
  // batch, channel and need may be empty (null): such a row still labels its household, with
  // need not true; a row without a batch counts only overall. Present values must be valid.
  verified: [
    { kind: "present", column: "household_id", what: "a household_id" },
    { kind: "known", column: "channel", codes: VERIFIED_CHANNELS },
  ],
};

/** The typed table of `table`, quoted, when it is loaded this far. */
function typed(ctx: LoadContext, table: TableName): string | undefined {
  return ctx.state.raws[table] ? q(`_typed_${table}`) : undefined;
}

/** The file name (without folder) of a table that is loaded this far. */
function fileName(ctx: LoadContext, table: TableName): string {
  return ctx.state.raws[table]!.file.split("/").pop()!;
}

/**
 * SQL quoting a text value inside a message: whole up to {@link SHOWN_LENGTH} characters, else its
 * start and its length (as `shown` in `src/base/terminal.ts`), so a long value is never echoed whole.
 */
function shownSql(expr: string): string {
  return `CASE WHEN length(${expr}) <= ${SHOWN_LENGTH} THEN ${expr} ` +
    `ELSE left(${expr}, ${SHOWN_LENGTH}) || '… (' || length(${expr}) || ' characters)' END`;
}

/**
 * SQL: true on the rows that break a `present` or `known` rule. A value whose first byte is
 * printable ASCII other than a space (`'!'` to `'~'`) starts with a character `trim` keeps, so only
 * the others are trimmed (a byte comparison instead of a new string per row).
 */
function brokenSql(check: RowCheck & { kind: "present" | "known" }): string {
  const col = q(check.column);
  const v = `CAST(${col} AS VARCHAR)`;
  return check.kind === "present"
    ? `${col} IS NULL OR (NOT (${v} >= '!' AND ${v} < chr(127)) AND trim(${v}) = '')`
    : `${check.column} IS NOT NULL AND ${check.column} NOT IN (${check.codes.map(lit).join(", ")})`;
}

/** SQL selecting the problem rows of one rule. */
function checkSql(table: TableName, from: string, check: RowCheck): string {
  const col = q(check.column);
  const select = (where: string, message: string) =>
    `SELECT ${lit(table)}, "#row", ${
      lit(check.column)
    }, CAST(${col} AS VARCHAR), ${message} FROM ${from} WHERE ${where}`;
  switch (check.kind) {
    case "present":
      return select(brokenSql(check), lit(`Empty ${check.column}; every row needs ${check.what}`));
    case "known":
      return select(brokenSql(check), lit(`Unknown ${check.column}; expected one of ${check.codes.join(", ")}`));
    case "unique":
      return `SELECT ${lit(table)}, "#row", ${lit(check.column)}, ${col}, ` +
        `'Duplicate ${check.column} "' || ${
          shownSql(col)
        } || '" (first at row ' || first_row || '); ${check.column} must be unique' ` +
        // The duplicated ids first (a grouping, no window over every row), then only their rows.
        `FROM (SELECT t."#row", t.${col}, d.first_row FROM ${from} t JOIN (SELECT ${col}, min("#row") AS first_row ` +
        `FROM ${from} WHERE ${col} IS NOT NULL AND ${col} <> '' GROUP BY ${col} HAVING count(*) > 1) d ` +
        `ON t.${col} = d.${col}) WHERE "#row" > first_row`;
  }
}

/** The step that applies one table's rules. */
function rowChecks(table: TableName): (ctx: LoadContext) => Promise<StepResult> {
  return (ctx) => {
    const from = typed(ctx, table);
    return Promise.resolve({ rows: from ? ROW_CHECKS[table].map((check) => checkSql(table, from, check)) : [] });
  };
}

/** Step `household_rows`: household_id present and unique, village present, category a known code. */
export const checkHouseholdRows = rowChecks("households");
/** Step `member_rows`: person_id present and unique, household_id present. */
export const checkMemberRows = rowChecks("members");
/** Step `verified_rows`: household_id present, channel (when given) a known code. */
export const checkVerifiedRows = rowChecks("verified");

/**
 * Step `member_references`: members of households not in households.csv, and (lenient) of rejected
 * ones. One join counts both the members of unknown households and the households without any
 * member (for `members_per_household`); their rows are selected only when there are some.
 */
export async function checkMemberReferences(ctx: LoadContext): Promise<StepResult> {
  const H = typed(ctx, "households"), M = typed(ctx, "members");
  if (!H || !M) return {};
  // The join builds on the smaller side (households) and keeps the unmatched rows of both sides.
  const [counts] = await ctx.db.all(
    `SELECT count(*) FILTER (WHERE h.hk IS NULL AND m.household_id IS NOT NULL) AS orphans, ` +
      `count(*) FILTER (WHERE m.mk IS NULL AND h.household_id IS NOT NULL) AS childless ` +
      `FROM (SELECT household_id, 1 AS mk FROM ${M}) m FULL OUTER JOIN (SELECT household_id, 1 AS hk FROM ${H}) h ` +
      `ON m.household_id = h.household_id`,
  );
  const state = { childless: Number(counts.childless) };
  const rows: string[] = [];
  if (Number(counts.orphans) > 0) {
    rows.push(
      `SELECT 'members', m."#row", 'household_id', m.household_id, ` +
        `'household_id "' || ${shownSql("m.household_id")} || '" is not in ' || ${
          lit(fileName(ctx, "households"))
        } || '; add the household or fix the id' ` +
        `FROM ${M} m WHERE m.household_id IS NOT NULL AND m.household_id NOT IN (SELECT household_id FROM ${H} WHERE household_id IS NOT NULL)` +
        // A households table with no rows is reported once (header only), not once per member.
        ` AND EXISTS (SELECT 1 FROM ${H})`,
    );
  }
  if (ctx.lenient && await anyRejected(ctx, ["households"])) {
    rows.push(
      `SELECT 'members', m."#row", 'household_id', m.household_id, ` +
        `'Its household "' || ${shownSql("m.household_id")} || '" was rejected (households row ' || h."#row" || ')' ` +
        `FROM ${M} m JOIN ${H} h USING (household_id) WHERE h."#row" IN ${rejectedRows("households")} ` +
        `AND NOT EXISTS (SELECT 1 FROM ${H} h2 WHERE h2.household_id = m.household_id AND h2."#row" NOT IN ${
          rejectedRows("households")
        })`,
    );
  }
  return { rows, state };
}

/**
 * Step `members_per_household`: every household (lenient: every accepted one) has an (accepted)
 * member. Nothing to select when every household has a member row and no household or member row
 * is rejected (the count comes from `member_references`).
 */
export async function checkMembersPerHousehold(ctx: LoadContext): Promise<StepResult> {
  const H = typed(ctx, "households"), M = typed(ctx, "members");
  if (!H || !M) return {};
  if (ctx.state.childless === 0 && !(ctx.lenient && await anyRejected(ctx, ["households", "members"]))) return {};
  const memberFile = fileName(ctx, "members");
  const lenient = ctx.lenient;
  return {
    rows: [
      `SELECT 'households', h."#row", 'household_id', h.household_id, ` +
      `'Household "' || ${shownSql("h.household_id")} || '" has no member rows in ${memberFile}' || ` +
      `CASE WHEN EXISTS (SELECT 1 FROM ${M} m WHERE m.household_id = h.household_id) THEN ' that were accepted' ELSE '' END || ` +
      `'; every household needs at least one member' ` +
      `FROM ${H} h WHERE h.household_id IS NOT NULL AND EXISTS (SELECT 1 FROM ${M}) ` +
      (lenient ? `AND h."#row" NOT IN ${rejectedRows("households")} ` : "") +
      `AND NOT EXISTS (SELECT 1 FROM ${M} m WHERE m.household_id = h.household_id` +
      (lenient ? ` AND m."#row" NOT IN ${rejectedRows("members")})` : ")"),
    ],
  };
}

/**
 * Step `verified_references`: verified rows of households not in households.csv, or (lenient)
 * rejected. A first join (building on the verified rows, the smaller side) counts the rows of unknown
 * households; with none, and no household rejected, there is nothing to select.
 */
export async function checkVerifiedReferences(ctx: LoadContext): Promise<StepResult> {
  const H = typed(ctx, "households"), V = typed(ctx, "verified");
  if (!H || !V) return {};
  const [{ unknown }] = await ctx.db.all(
    `SELECT count(*) FILTER (WHERE h.hk IS NULL) AS unknown FROM (SELECT household_id FROM ${V} ` +
      `WHERE household_id IS NOT NULL) v LEFT JOIN (SELECT household_id, 1 AS hk FROM ${H}) h ` +
      `ON v.household_id = h.household_id`,
  );
  if (Number(unknown) === 0 && !(await anyRejected(ctx, ["households"]))) return {};
  return {
    rows: [
      `SELECT 'verified', v."#row", 'household_id', v.household_id, ` +
      `'household_id "' || ${shownSql("v.household_id")} || '" is not in ' || ${lit(fileName(ctx, "households"))} || ` +
      `CASE WHEN EXISTS (SELECT 1 FROM ${H} h WHERE h.household_id = v.household_id) THEN ' (its row was rejected)' ELSE '; fix the id' END ` +
      `FROM ${V} v WHERE v.household_id IS NOT NULL AND EXISTS (SELECT 1 FROM ${H}) AND v.household_id NOT IN ` +
      `(SELECT household_id FROM ${H} WHERE household_id IS NOT NULL AND "#row" NOT IN ${rejectedRows("households")})` +
      (ctx.lenient ? "" : ` AND v.household_id NOT IN (SELECT household_id FROM ${H} WHERE household_id IS NOT NULL)`),
    ],
  };
}
