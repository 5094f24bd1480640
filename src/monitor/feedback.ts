/**
 * Departments' returns: a CSV or `.xlsx` file (first sheet) with one row per household a
 * department verified, stored as the `verified` rows of its batch (`m.feedback`). Every row is
 * checked first (known batch, a household the batch holds and warned, booleans, amount, date);
 * one bad row refuses the file and nothing is stored. Workbook cells are read as Excel typed
 * them (date cells as dates); formula, error and merged cells are refused.
 */
import { isIsoDate } from "../base/calendar.ts";
import { quoteText as lit } from "../base/sql.ts";
import { InputError, type Problem } from "../contract/mod.ts";
import { parseCsv } from "../ingest/mod.ts";
import { columnLetters, readWorkbook } from "../ingest/xlsx.ts";
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

/** A returns table: the header, then rows with their row numbers in the file (1-based, header row 1). */
interface ReturnsTable {
  file: string;
  rows: { r: number; cells: string[] }[];
}

/** The first sheet of a returns workbook as text cells (CSV's forms); formula, error and merged cells refused. */
async function workbookReturns(bytes: Uint8Array, file: string): Promise<ReturnsTable> {
  let sheet;
  try {
    sheet = (await readWorkbook(bytes)).sheet();
  } catch (error) {
    throw new InputError([{ file, message: `Cannot read the Excel workbook: ${(error as Error).message}` }]);
  }
  if (!sheet) {
    throw new InputError([{ file, message: "Workbook has no worksheet; put the returns in its first sheet" }]);
  }
  const at = `${file} (sheet ${sheet.name})`;
  const problems: Problem[] = [];
  const head = sheet.rows[0]?.r === 1 ? sheet.rows[0].cells : [];
  const columnOf = (c: number) => {
    const h = head[c];
    return h !== undefined && String(h.value).trim() !== "" ? String(h.value).trim() : columnLetters(c);
  };
  for (const m of sheet.merges) {
    problems.push({
      file: at,
      row: m.r1,
      column: columnOf(m.c1),
      message: `Cells ${m.ref} are merged; unmerge them and fill in every row`,
    });
  }
  const rows = sheet.rows.map((row) => ({
    r: row.r,
    cells: Array.from(row.cells, (cell, c) => {
      if (cell === undefined) return "";
      const ref = `${columnLetters(c)}${row.r}`;
      if (cell.formula !== undefined) {
        problems.push({
          file: at,
          row: row.r,
          column: columnOf(c),
          message: `Cell ${ref} holds a formula (=${cell.formula}); replace the formulas with their values ` +
            "(copy, then Paste Special → Values) and save again",
        });
      } else if (cell.kind === "error") {
        problems.push({
          file: at,
          row: row.r,
          message: `Cell ${ref} holds the error ${cell.value}; correct or clear it`,
        });
      }
      if (cell.kind === "boolean") return cell.value ? "true" : "false";
      return String(cell.value);
    }),
  }));
  if (problems.length > 0) throw new InputError(problems);
  if (rows.length > 0 && rows[0].r !== 1) {
    throw new InputError([{ file: at, row: 1, message: "Row 1 is empty; put the header in row 1" }]);
  }
  return { file: at, rows };
}

/**
 * Checks and stores a feedback file (`.xlsx` by its name, else CSV text; `file` names it in
 * messages). Returns the rows stored, as {@link importFeedback}.
 */
export async function importFeedbackFile(
  mdb: MonitorDb,
  bytes: Uint8Array,
  file: string,
  options: { batch?: string; now?: string } = {},
): Promise<FeedbackRow[]> {
  if (/\.xlsx$/i.test(file)) return await storeReturns(mdb, await workbookReturns(bytes, file), file, options);
  return await importFeedback(mdb, new TextDecoder().decode(bytes), file, options);
}

/**
 * Checks and stores a feedback file's rows (CSV text as read; `file` names it in messages). Returns
 * the rows stored. Rows for a batch, household and department already returned replace the old ones.
 */
export async function importFeedback(
  mdb: MonitorDb,
  text: string,
  file: string,
  options: { batch?: string; now?: string } = {},
): Promise<FeedbackRow[]> {
  const rows = parseCsv(text).map((cells, i) => ({ r: i + 1, cells }));
  return await storeReturns(mdb, { file, rows }, file, options);
}

async function storeReturns(
  mdb: MonitorDb,
  returns: ReturnsTable,
  source: string,
  options: { batch?: string; now?: string },
): Promise<FeedbackRow[]> {
  const file = returns.file;
  const table = returns.rows;
  const problems: Problem[] = [];
  if (table.length === 0) {
    throw new InputError([{ file, message: "is empty; expected a header and one row per return" }]);
  }
  const header = table[0].cells.map((h) => h.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  for (const c of FEEDBACK_REQUIRED) {
    if (!index.has(c)) problems.push({ file, row: 1, column: c, message: `Missing column ${c}; add it to the header` });
  }
  if (!index.has("batch") && options.batch === undefined) {
    problems.push({ file, row: 1, column: "batch", message: "Missing column batch; add it, or give --batch" });
  }
  if (problems.length > 0) throw new InputError(problems);
  const batches = new Set((await mdb.db.all(`SELECT batch_id FROM m.batches`)).map((r) => r.batch_id as string));
  const known = (list: Set<string>) => [...list].sort().join(", ") || "none (run warn first)";
  if (options.batch !== undefined && !batches.has(options.batch)) {
    throw new InputError([{
      file: "--batch",
      value: options.batch,
      message: `The database holds no batch "${options.batch}"; give one of: ${known(batches)}`,
    }]);
  }
  const warned = new Set<string>();
  const held = new Set<string>();
  for (const r of await mdb.db.all(`SELECT batch_id || chr(0) || household_id AS k, band FROM m.batch_rows`)) {
    held.add(r.k as string);
    if (r.band !== null) warned.add(r.k as string);
  }
  const rows: FeedbackRow[] = [];
  table.slice(1).forEach(({ r: row, cells }) => {
    const get = (c: string) => (index.has(c) ? (cells[index.get(c)!] ?? "").trim() : "");
    const bad = (column: string, value: string, message: string) =>
      problems.push({ file, row, column, value, message });
    const batch = get("batch") || options.batch || "";
    const household = get("household_id");
    const department = get("department");
    if (!batches.has(batch)) {
      bad("batch", batch, `Unknown batch; expected one of ${known(batches)}`);
    } else if (!held.has(`${batch}\u0000${household}`)) {
      bad(
        "household_id",
        household,
        `Unknown household: batch ${batch} scored no household of this id; check the id against the work list`,
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
    if (on !== "" && !isIsoDate(on)) {
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
        source,
        now,
      ]),
    );
  });
  return rows;
}
