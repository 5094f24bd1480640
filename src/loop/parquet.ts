/**
 * `events.parquet` beside `events.csv`: the same rows, typed (replication INTEGER, day DOUBLE,
 * the rest VARCHAR; an empty household_id or department is NULL), written by native DuckDB's
 * `COPY … (FORMAT parquet)` from the CSV just written, on one thread so that the same CSV gives
 * the same bytes.
 */
import type { Db } from "../db/types.ts";
import { quoteText } from "../base/sql.ts";

/** The column types of `events.parquet`. */
export const EVENT_PARQUET_TYPES = {
  replication: "INTEGER",
  case_id: "VARCHAR",
  household_id: "VARCHAR",
  channel: "VARCHAR",
  department: "VARCHAR",
  event: "VARCHAR",
  day: "DOUBLE",
} as const;

/** Writes `parquetPath` from `events.csv` at `csvPath` through a native database (row order kept). */
export async function writeEventsParquet(db: Db, csvPath: string, parquetPath: string): Promise<void> {
  const columns = Object.entries(EVENT_PARQUET_TYPES).map(([k, t]) => `${quoteText(k)}: ${quoteText(t)}`).join(", ");
  await db.exec("SET threads = 1; SET preserve_insertion_order = true");
  await db.exec(
    `COPY (SELECT * FROM read_csv(${quoteText(csvPath)}, header = true, columns = {${columns}}, ` +
      `quote = '"', escape = '"')) TO ${quoteText(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
  );
}
