/**
 * The one test hook every notebook page installs at `globalThis.__notebook`, derived from its
 * cell graph (see cells.ts). Tests and the browser benchmark read pages only through it.
 */

/** One recomputation after an input: the `tick` cell's timing. */
export interface Tick {
  /** Time in the `compute` cells (the re-score). */
  computeMs: number;
  /** Time in the `figure` cells (drawing). */
  renderMs: number;
  /** From the input event to the last figure drawn. */
  latencyMs: number;
  /** From the input event until the browser has painted the redrawn figures (set a moment later). */
  paintedMs?: number;
}

/** The one test hook of every page: `globalThis.__notebook`. */
export interface NotebookHook {
  /** The page's name ("data", "calibrate", "audit", "household"). */
  page: string;
  /** True once every cell has settled (a value or an error), so tests and benchmarks may look. */
  ready: boolean;
  /** Page start → every cell settled the first time (the first figures, perhaps a preview), ms. */
  firstChartMs?: number;
  /** Page start → `ready` (the figures of the validated, live session), ms. */
  readyMs?: number;
  /** What the figures show: `summary` (the build's precomputed preview) or `live` (validated in this browser). */
  stage?: "summary" | "live";
  /** The latest value of every named cell. */
  values: Record<string, unknown>;
  /** The latest error of a cell, by name (absent when it has a value). */
  errors: Record<string, string>;
  /** One entry per recomputation after an input (not the first drawing). */
  ticks: Tick[];
  /** Time of each cell's last computation, ms (for the benchmark). */
  parts: Record<string, number>;
}
