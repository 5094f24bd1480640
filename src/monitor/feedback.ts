/**
 * Departments' returns: a CSV with one row per household a department verified, stored as the
 * `verified` rows of its batch (`m.feedback`). Every row is checked first (known batch, a household
 * the batch warned, booleans, amount, date); one bad row refuses the file and nothing is stored.
 */
import { quoteText as lit } from "../base/sql.ts";
import { InputError, type Problem } from "../contract/mod.ts";
import { parseCsv } from "../ingest/mod.ts";
import { insertRows } from "./batch.ts";
import { inTransaction, type MonitorDb } from "./store.ts";

/** Columns a feedback file must have (`batch` may instead come from `--batch`). */
export const FEEDBACK_REQUIRED = ["household_id", "department", "need"] as const;
/** Columns a feedback file may have. */
export const FEEDBACK_OPTIONAL = ["batch", "accepted", "assistance", "amount_yuan", "verified_on"] as const;

/** One stored return. */
export interface FeedbackRow {
  batch_id: string;
  household_id: string;
  department: string;
  accepted: boolean | null;
  need: boolean;
  assistance: string | null;
  amount_yuan: number | null;
  verified_on: string | null;
}

function bool(text: string): boolean | null | undefined {
  const t = text.trim().toLowerCase();
  if (t === "") return null;
  if (t === "true" || t === "1" || t === "是") return true;
  if (t === "false" || t === "0" || t === "否") return false;
  return undefined;
}

/**
 * Checks and stores a feedback file's rows (text as read; `file` names it in messages). Returns
 * the rows stored. Rows for a batch, household and department already returned replace the old ones.
 */
export async function importFeedback(
  mdb: MonitorDb,
  text: string,
  file: string,
  options: { batch?: string; now?: string } = {},
): Promise<FeedbackRow[]> {
  const table = parseCsv(text);
  const problems: Problem[] = [];
  if (table.length === 0) {
    throw new InputError([{ file, message: "is empty; expected a header and one row per return" }]);
  }
  const header = table[0].map((h) => h.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  for (const c of FEEDBACK_REQUIRED) {
    if (!index.has(c)) problems.push({ file, row: 1, column: c, message: `Missing column ${c}; add it to the header` });
  }
  if (!index.has("batch") && options.batch === undefined) {
    problems.push({ file, row: 1, column: "batch", message: "Missing column batch; add it, or give --batch" });
  }
  if (problems.length > 0) throw new InputError(problems);
  const batches = new Set((await mdb.db.all(`SELECT batch_id FROM m.batches`)).map((r) => r.batch_id as string));
  const warned = new Set(
    (await mdb.db.all(`SELECT batch_id || chr(0) || household_id AS k FROM m.batch_rows WHERE band IS NOT NULL`))
      .map((r) => r.k as string),
  );
  const rows: FeedbackRow[] = [];
  table.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const get = (c: string) => (index.has(c) ? (cells[index.get(c)!] ?? "").trim() : "");
    const bad = (column: string, value: string, message: string) =>
      problems.push({ file, row, column, value, message });
    const batch = get("batch") || options.batch || "";
    const household = get("household_id");
    const department = get("department");
    if (!batches.has(batch)) {
      bad(
        "batch",
        batch,
        `Unknown batch; expected one of ${[...batches].sort().join(", ") || "none (run warn first)"}`,
      );
    } else if (!warned.has(`${batch}\u0000${household}`)) {
      bad("household_id", household, `The batch ${batch} did not warn this household; check the id`);
    }
    if (department === "") bad("department", department, "Expected the department that verified the household");
    const need = bool(get("need"));
    if (need === undefined || need === null) bad("need", get("need"), "Expected true or false");
    const accepted = bool(get("accepted"));
    if (accepted === undefined) bad("accepted", get("accepted"), "Expected true, false or empty");
    const amountText = get("amount_yuan");
    const amount = amountText === "" ? null : Number(amountText);
    if (amount !== null && !Number.isFinite(amount)) bad("amount_yuan", amountText, "Expected a number of yuan");
    const on = get("verified_on");
    if (on !== "" && (!/^\d{4}-\d{2}-\d{2}$/.test(on) || Number.isNaN(Date.parse(on)))) {
      bad("verified_on", on, "Expected a date written YYYY-MM-DD");
    }
    rows.push({
      batch_id: batch,
      household_id: household,
      department,
      accepted: accepted ?? null,
      need: need === true,
      assistance: get("assistance") || null,
      amount_yuan: amount,
      verified_on: on || null,
    });
  });
  if (problems.length > 0) throw new InputError(problems);
  const now = options.now ?? new Date().toISOString();
  await inTransaction(mdb, async () => {
    for (const r of rows) {
      await mdb.db.exec(
        `DELETE FROM m.feedback WHERE batch_id = ${lit(r.batch_id)} AND household_id = ${
          lit(r.household_id)
        } AND department = ${lit(r.department)}`,
      );
    }
    await insertRows(
      mdb,
      "feedback",
      rows.map((r) => [
        r.batch_id,
        r.household_id,
        r.department,
        r.accepted,
        r.need,
        r.assistance,
        r.amount_yuan,
        r.verified_on,
        file,
        now,
      ]),
    );
  });
  return rows;
}
