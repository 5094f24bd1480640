/**
 * Loading a dataset folder (contract §1) into DuckDB tables `households`, `members` and `verified`,
 * validating all of it on the way. Validation is a list of named steps, run in order; each reads
 * what the steps before it built and returns its problems. Every problem names the file, the row
 * (header = row 1), the column, the value and the fix.
 *
 * The step functions live in `_steps_*.ts`; what they share is in `_context.ts`.
 */
import { type Problem, sha256Hex } from "../contract/mod.ts";
import type { Db } from "../db/types.ts";
import { initialState, type LoadContext, type LoadState, type LoadStep, type StepResult } from "./_context.ts";
import { listIgnored, readDescription, releaseRaw, stageTables } from "./_steps_files.ts";
import { buildTypedEarly, buildTypedTables, checkRequiredColumns, decideColumnTypes } from "./_steps_columns.ts";
import { checkPersonalData } from "./_steps_personal.ts";
import {
  checkHouseholdRows,
  checkMemberReferences,
  checkMemberRows,
  checkMembersPerHousehold,
  checkVerifiedReferences,
  checkVerifiedRows,
} from "./_steps_rows.ts";
import { finishTables, listRejected, listRowProblems } from "./_steps_finish.ts";
import {
  type DatasetFile,
  IN_PLACE_ROWS,
  LARGE_CSV,
  type LoadOptions,
  type LoadReport,
  type StepTiming,
} from "./types.ts";

export type {
  ColumnReport,
  DatasetFile,
  LoadOptions,
  LoadReport,
  RejectedRow,
  StepTiming,
  TableReport,
} from "./types.ts";

/** The validation steps of {@link loadDataset}, in the order they run: name, what it checks or builds, function. */
export const LOAD_STEPS: readonly LoadStep[] = [
  step("description", "dataset.json, if present: optional column descriptions and types", readDescription),
  step("inventory", "files that are not tables of the contract (reported as not loaded)", listIgnored),
  step(
    "staging",
    "each table's CSV or Parquet file into `_raw_<table>` with its row numbers: UTF-8, header, CSV structure",
    stageTables,
  ),
  step("required_columns", "the contract's required columns are in each header", checkRequiredColumns),
  step("column_types", "each column's type: contract, dataset.json, Parquet, or inferred", decideColumnTypes),
  step("typed_tables", "`_typed_<table>` with converted values; values that do not convert", buildTypedTables),
  step("personal_data", "no raw resident identity or mobile numbers in any column", checkPersonalData),
  step("household_rows", "household_id present and unique, village present, category known", checkHouseholdRows),
  step("member_rows", "person_id present and unique, household_id present", checkMemberRows),
  step("verified_rows", "household_id present, channel (when given) known", checkVerifiedRows),
  step("member_references", "members of unknown households (lenient: of rejected ones)", checkMemberReferences),
  step("members_per_household", "every household has a member (lenient: an accepted one)", checkMembersPerHousehold),
  step("verified_references", "verified rows of unknown or rejected households", checkVerifiedReferences),
  step("row_problems", "the row problems counted, the first maxProblems listed in report order", listRowProblems),
  step("lenient_rejection", "lenient: every rejected row with its reasons", listRejected),
  step(
    "staged_views",
    "the views over Parquet and CSV files dropped (their rows are in the typed tables now)",
    dropViews,
  ),
  step("tables", "households, members, verified without rejected rows; null and distinct counts", finishTables),
];

/** Loads and validates a dataset, running {@link LOAD_STEPS} in order. Strict mode creates no tables when anything is invalid. */
export async function loadDataset(db: Db, files: DatasetFile[], options: LoadOptions = {}): Promise<LoadReport> {
  const folder = options.folder ?? ".";
  const maxProblems = options.maxProblems ?? 200;
  const problems: Problem[] = [];
  let problemCount = 0;
  let fatal = false;
  let state: LoadState = initialState();
  const add = (p: Problem) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };
  const ctx: LoadContext = {
    db,
    files,
    byName: new Map(files.map((f) => [f.name, f])),
    folder,
    lenient: options.lenient ?? false,
    maxProblems,
    columnCounts: options.columnCounts ?? true,
    inPlaceRows: options.inPlaceRows ?? IN_PLACE_ROWS,
    largeCsv: options.largeCsv ?? LARGE_CSV,
    onStaged: (raw) => buildTypedEarly(ctx, raw),
    early: new Map(),
    path: (name) => (folder === "." || folder === "" ? name : `${folder.replace(/\/+$/, "")}/${name}`),
    get state() {
      return state;
    },
    get problemCount() {
      return problemCount;
    },
    get fatal() {
      return fatal;
    },
  };
  const apply = async (result: StepResult) => {
    for (const p of result.fatal ?? []) {
      fatal = true;
      add(p);
    }
    for (const sql of result.rows ?? []) await db.exec(`INSERT INTO _problems ${sql}`);
    for (const p of result.listed ?? []) add(p);
    problemCount += result.unlisted ?? 0;
    if (result.state) state = { ...state, ...result.state };
  };

  await db.exec(
    `CREATE OR REPLACE TEMP TABLE _problems (tbl VARCHAR, "row" INTEGER, col VARCHAR, val VARCHAR, message VARCHAR)`,
  );
  const timings: StepTiming[] = [];
  try {
    for (const [index, step] of LOAD_STEPS.entries()) {
      options.onStep?.(step.name, index, LOAD_STEPS.length);
      const start = performance.now();
      await apply(await step.run(ctx));
      if (options.timings) timings.push({ step: step.name, ms: performance.now() - start });
    }
  } finally {
    // A step that failed leaves no statement running on another connection when the caller closes
    // the database, and no copy of a file on disk (the steps release each once it is read).
    await Promise.allSettled(ctx.early.values());
    for (const raw of Object.values(state.raws)) if (raw.registered) await db.unregisterFile(raw.registered);
  }
  const report: LoadReport = {
    folder,
    valid: problemCount === 0,
    lenient: ctx.lenient,
    tables: state.tables,
    problems,
    problemCount,
    rejected: state.rejected,
    ignored: state.ignored,
    schema: state.schema,
    digest: await sha256Hex([...state.digestParts].sort().join("\n")),
  };
  if (options.timings) report.timings = timings;
  return report;
}

/** Step `staged_views`: drops the raw views (Parquet files read in place, CSV files' rewritten bytes); every later step reads typed tables. */
async function dropViews(ctx: LoadContext): Promise<StepResult> {
  for (const raw of Object.values(ctx.state.raws)) if (raw.view) await releaseRaw(ctx.db, raw);
  return {};
}

/** One row of the step table. */
function step(name: string, description: string, run: LoadStep["run"]): LoadStep {
  return { name, description, run };
}
