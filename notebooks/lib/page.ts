/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * What every analysis page does first: open the session (dataset + model) with a progress line,
 * show why when it cannot (with a link to the data page), and label the page with the model.
 */
import { openStagedSession, type Session, SessionError } from "./session.ts";
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
}

/** Says in the page which figures it shows: the build's preview, or the data validated here. */
function showStage(session: Session, preview?: Session): void {
  const el = document.getElementById("stage");
  if (!el) return;
  el.dataset.stage = session.stage;
  if (session.stage === "summary") {
    el.textContent = `预览 Preview: these figures come from the summary computed when the notebooks were built ` +
      `(${session.origin.label}, validated then by the command line's rules). ` +
      `The data is being loaded and validated in this browser; the figures will be replaced when it is done.`;
    return;
  }
  const same = preview === undefined || sameHits(preview, session);
  el.textContent = preview === undefined
    ? ""
    : same
    ? `已校验 Validated in this browser: the figures are now computed from the data loaded here ` +
      `(the same hit counts as the build's preview).`
    : `已校验 Validated in this browser: the figures are now computed from the data loaded here; ` +
      `they differ from the build's preview, which was replaced.`;
}

/** Whether two sessions have the same households and hit counts. */
function sameHits(a: Session, b: Session): boolean {
  const [x, y] = [a.hits, b.hits];
  if (x.householdIds.length !== y.householdIds.length || x.hits.length !== y.hits.length) return false;
  if (x.householdIds.some((id, i) => id !== y.householdIds[i])) return false;
  return x.hits.every((col, k) => col.every((v, h) => v === y.hits[k][h]));
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
