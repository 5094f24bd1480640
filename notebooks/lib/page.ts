/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * What every analysis page does first: open the session (dataset + model) with a progress line,
 * show why when it cannot (with a link to the data page), and label the page with the model.
 */
import { openStagedSession, sameHitCounts, type Session, SessionError } from "./session.ts";
import { fail, h, problemList, Progress, show } from "./ui.ts";

/**
 * Opens the page's session. On failure it shows the problems, marks the page ready (so tests and
 * benchmarks stop waiting) and rethrows. The progress line stays open for the page's own steps.
 */
export async function openPageSession(state: { ready: boolean }): Promise<{ session: Session; progress: Progress }> {
  const progress = new Progress(document.getElementById("progress")!);
  const session = await livePageSession(state, openStagedSession((s) => progress.step(s)).live, progress);
  return { session, progress };
}

/**
 * The page's session in stages, as a cell's generator: first the preview from the build's
 * first-view summary (when one applies), then the live session once the data is validated in this
 * browser. The line `#stage` says which the figures show; the progress line stays until the live
 * session is in. `drawn` (the page's first figures) holds validation back so the preview draws first.
 */
export async function* stagedPageSession(
  state: { ready: boolean; stage?: Session["stage"] },
  drawn: Promise<void>,
): AsyncGenerator<Session> {
  const progress = new Progress(document.getElementById("progress")!);
  const staged = openStagedSession((s) => progress.step(s), drawn);
  const preview = await staged.preview;
  if (preview) {
    labelPage(preview);
    showStage(preview);
    state.stage = "summary";
    yield preview;
  }
  const live = await livePageSession(state, staged.live, progress);
  progress.done();
  showStage(live, preview);
  state.stage = "live";
  yield live;
  if (!live.recheck) return;
  // The build's hit counts, checked here with SQL once the live figures are drawn (so that the check
  // does not hold up the page's own queries): the line says so, and different counts replace them.
  while (!state.ready) await new Promise((ok) => setTimeout(ok, 100));
  const corrected = await live.recheck().catch((error) => {
    console.warn("Could not check the build's hit counts:", error);
    return undefined;
  });
  showStage(corrected ?? live, preview, corrected ? "differ" : "same");
  if (corrected) yield corrected;
}

/**
 * Says in the page which figures it shows: the build's preview, or the data validated here (with
 * the hit counts computed here, or the build's for the same validated files and how their check
 * with SQL here came out: `checked`).
 */
function showStage(session: Session, preview?: Session, checked?: "same" | "differ"): void {
  const el = document.getElementById("stage");
  if (!el) return;
  el.dataset.stage = session.stage;
  el.dataset.checked = checked ?? "";
  if (session.stage === "summary") {
    el.textContent = `预览 Preview: these figures come from the summary computed when the notebooks were built ` +
      `(${session.origin.label}, validated then by the command line's rules). ` +
      `The data is being loaded and validated in this browser; the figures will be replaced when it is done.`;
    return;
  }
  if (preview === undefined) {
    // A cached visit draws the live figures at once; a user's own dataset says nothing here.
    el.textContent = session.cached.tables && session.cached.hits
      ? `已校验 Validated in this browser before: the figures come from this browser's cache of the same files, ` +
        `validated here by this build (the tables are restored into DuckDB meanwhile).`
      : "";
    return;
  }
  const copy = session.servedCopy
    ? ` (served as the build's typed Parquet copy of ${session.origin.label}; the same report as the command line's)`
    : "";
  const validated = `已校验 Validated in this browser${copy}: the figures are now computed from the data loaded here`;
  if (checked === "differ") {
    el.textContent = `${validated}; the hit counts computed here differ from the build's, which were replaced.`;
  } else if (session.hitsFrom === "build") {
    el.textContent = checked === "same"
      ? `${validated}, with the build's hit counts for these same files, checked here with SQL: the same hit counts.`
      : `${validated}, with the build's hit counts for these same files (being checked here with SQL…).`;
  } else {
    el.textContent = sameHitCounts(preview.hits, session.hits)
      ? `${validated} (the same hit counts as the build's preview).`
      : `${validated}; they differ from the build's preview, which was replaced.`;
  }
}

/** Awaits the live session; on failure shows the problems, marks the page ready and rethrows. */
async function livePageSession(
  state: { ready: boolean },
  live: Promise<Session>,
  progress: Progress,
): Promise<Session> {
  const $ = (id: string) => document.getElementById(id)!;
  let session: Session;
  try {
    session = await live;
  } catch (error) {
    progress.done();
    if (error instanceof SessionError) {
      show(
        $("error"),
        h(
          "div",
          { class: "error" },
          error.message,
          " — ",
          h("a", { href: "./index.html" }, "数据页 open the data page"),
        ),
        problemList(error.problems),
      );
    } else fail($("error"), error);
    state.ready = true;
    throw error;
  }
  labelPage(session);
  return session;
}

/** Labels the page with the model and the dataset. */
function labelPage(session: Session): void {
  document.getElementById("model-label")!.textContent = `${session.model.id} ${session.model.version}${
    session.modelSource === "adjusted" ? " (adjusted)" : ""
  } · ${session.origin.label}`;
}
