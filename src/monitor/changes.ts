/**
 * What changed between two monthly snapshots, per household: households that appeared or went,
 * members who joined or left, the category, and every other column that changed (with a model:
 * only the columns the model reads, plus the category). One long CSV row per change.
 */
import { toCsv } from "../base/csv.ts";
import { quoteIdent as q, quoteText as lit } from "../base/sql.ts";
import { type DatasetSchema, InputError } from "../contract/mod.ts";
import type { Value } from "../db/mod.ts";
import { checkMonth, type MonitorDb } from "./store.ts";

/** The kinds of change. */
export type ChangeKind =
  | "household_joined"
  | "household_left"
  | "member_joined"
  | "member_left"
  | "category"
  | "household_value"
  | "member_value";

/** One change. */
export interface Change {
  household_id: string;
  person_id: string | null;
  change: ChangeKind;
  column: string | null;
  from: Value;
  to: Value;
}

async function schemaOf(mdb: MonitorDb, asOf: string): Promise<DatasetSchema> {
  const rows = await mdb.db.all(`SELECT schema_json FROM m.snapshots WHERE as_of = ${lit(asOf)}`);
  if (rows.length === 0) {
    const months = (await mdb.db.all(`SELECT as_of FROM m.snapshots ORDER BY as_of`)).map((r) => r.as_of);
    const list = months.length ? months.join(", ") : "none";
    throw new InputError([{
      file: mdb.file,
      message: `holds no snapshot of ${asOf}; import it first (snapshots: ${list})`,
    }]);
  }
  return JSON.parse(rows[0].schema_json as string) as DatasetSchema;
}

async function rowsOf(
  mdb: MonitorDb,
  table: string,
  key: string,
  columns: string[],
  asOf: string,
): Promise<Map<string, Record<string, Value>>> {
  const list = [...new Set([key, "household_id", ...columns])].map(q).join(", ");
  const rows = await mdb.db.all(
    `SELECT ${list} FROM m.${q(table)} WHERE snapshot = ${
      lit(asOf)
    } AND household_id IN (SELECT household_id FROM _monitor_changed) ORDER BY ${q(key)}`,
  );
  return new Map(rows.map((r) => [r[key] as string, r]));
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

/**
 * The changes from snapshot `from` to snapshot `to`. `columns`, when given, limits the value
 * changes to those columns (the model's); the category is always compared.
 */
export async function snapshotChanges(
  mdb: MonitorDb,
  from: string,
  to: string,
  columns?: ReadonlySet<string>,
): Promise<Change[]> {
  checkMonth(from, "--from");
  checkMonth(to, "--to");
  const [a, b] = [await schemaOf(mdb, from), await schemaOf(mdb, to)];
  const common = (t: "households" | "members") =>
    Object.keys(a[t]).filter((c) => c in b[t] && (columns === undefined || columns.has(c) || c === "category"));
  const hCols = common("households").filter((c) => c !== "household_id");
  const mCols = common("members").filter((c) => c !== "person_id" && c !== "household_id");
  // The households with any change, found in SQL: only their rows are read into memory.
  const rowOf = (alias: string, cols: string[]) =>
    cols.length === 0 ? "NULL" : `ROW(${cols.map((c) => `${alias}.${q(c)}`).join(", ")})`;
  const side = (table: string, asOf: string) => `(SELECT * FROM m.${q(table)} WHERE snapshot = ${lit(asOf)})`;
  await mdb.db.exec(`CREATE OR REPLACE TEMP TABLE _monitor_changed AS
SELECT coalesce(a.household_id, b.household_id) AS household_id
FROM ${side("households", from)} a FULL OUTER JOIN ${side("households", to)} b USING (household_id)
WHERE a.household_id IS NULL OR b.household_id IS NULL OR ${rowOf("a", hCols)} IS DISTINCT FROM ${rowOf("b", hCols)}
UNION
SELECT unnest([a.household_id, b.household_id]) AS household_id
FROM ${side("members", from)} a FULL OUTER JOIN ${side("members", to)} b USING (person_id)
WHERE a.person_id IS NULL OR b.person_id IS NULL OR a.household_id IS DISTINCT FROM b.household_id
  OR ${rowOf("a", mCols)} IS DISTINCT FROM ${rowOf("b", mCols)}`);
  const [h0, h1] = [
    await rowsOf(mdb, "households", "household_id", hCols, from),
    await rowsOf(mdb, "households", "household_id", hCols, to),
  ];
  const [m0, m1] = [
    await rowsOf(mdb, "members", "person_id", mCols, from),
    await rowsOf(mdb, "members", "person_id", mCols, to),
  ];
  await mdb.db.exec(`DROP TABLE _monitor_changed`);
  const out: Change[] = [];
  const ids = [...new Set([...h0.keys(), ...h1.keys()])].sort();
  const membersBy = (m: Map<string, Record<string, Value>>) => {
    const by = new Map<string, string[]>();
    for (const [pid, r] of m) {
      const h = r.household_id as string;
      if (!by.has(h)) by.set(h, []);
      by.get(h)!.push(pid);
    }
    return by;
  };
  const [p0, p1] = [membersBy(m0), membersBy(m1)];
  for (const id of ids) {
    const [x, y] = [h0.get(id), h1.get(id)];
    if (!x) {
      out.push({ household_id: id, person_id: null, change: "household_joined", column: null, from: null, to: null });
    } else if (!y) {
      out.push({ household_id: id, person_id: null, change: "household_left", column: null, from: null, to: null });
    } else {
      for (const c of hCols) {
        if (!same(x[c], y[c])) {
          out.push({
            household_id: id,
            person_id: null,
            change: c === "category" ? "category" : "household_value",
            column: c,
            from: x[c] ?? null,
            to: y[c] ?? null,
          });
        }
      }
    }
    const persons = [...new Set([...(p0.get(id) ?? []), ...(p1.get(id) ?? [])])].sort();
    for (const pid of persons) {
      const [u, v] = [m0.get(pid), m1.get(pid)];
      const inHere = (r: Record<string, Value> | undefined) => r !== undefined && r.household_id === id;
      if (!inHere(u)) {
        out.push({ household_id: id, person_id: pid, change: "member_joined", column: null, from: null, to: null });
      } else if (!inHere(v)) {
        out.push({ household_id: id, person_id: pid, change: "member_left", column: null, from: null, to: null });
      } else {
        for (const c of mCols) {
          if (!same(u![c], v![c])) {
            out.push({
              household_id: id,
              person_id: pid,
              change: "member_value",
              column: c,
              from: u![c] ?? null,
              to: v![c] ?? null,
            });
          }
        }
      }
    }
  }
  return out;
}

/** The columns of `changes.csv`. */
export const CHANGE_COLUMNS = ["household_id", "person_id", "change", "column", "from", "to"] as const;

/** `changes.csv`. */
export function changesCsv(changes: readonly Change[]): string {
  return toCsv(CHANGE_COLUMNS, changes.map((c) => CHANGE_COLUMNS.map((k) => c[k])));
}

/** A short summary in words: how many households changed, and how many changes of each kind. */
export function changesSummary(changes: readonly Change[], from: string, to: string): string {
  const kinds: ChangeKind[] = [
    "household_joined",
    "household_left",
    "member_joined",
    "member_left",
    "category",
    "household_value",
    "member_value",
  ];
  const households = new Set(changes.map((c) => c.household_id)).size;
  const lines = [`Changes from ${from} to ${to}: ${households} households changed, ${changes.length} changes.`];
  for (const k of kinds) {
    const n = changes.filter((c) => c.change === k).length;
    if (n > 0) lines.push(`  ${k}: ${n}`);
  }
  const byColumn = new Map<string, number>();
  for (const c of changes) {
    if (c.column !== null && c.change !== "category") byColumn.set(c.column, (byColumn.get(c.column) ?? 0) + 1);
  }
  const top = [...byColumn].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10);
  if (top.length > 0) lines.push(`  columns changed most: ${top.map(([c, n]) => `${c} ${n}`).join(", ")}`);
  return lines.join("\n") + "\n";
}
