/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * What every analysis page does first: open the session (dataset + model) with a progress line,
 * show why when it cannot (with a link to the data page), and label the page with the model.
 */
import { openSession, type Session, SessionError } from "./session.ts";
import { fail, h, problemList, Progress, show } from "./ui.ts";

/**
 * Opens the page's session. On failure it shows the problems, marks the page ready (so tests and
 * benchmarks stop waiting) and rethrows. The progress line stays open for the page's own steps.
 */
export async function openPageSession(state: { ready: boolean }): Promise<{ session: Session; progress: Progress }> {
  const $ = (id: string) => document.getElementById(id)!;
  const progress = new Progress($("progress"));
  let session: Session;
  try {
    session = await openSession((s) => progress.step(s));
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
  $("model-label").textContent = `${session.model.id} ${session.model.version}${
    session.modelSource === "adjusted" ? " (adjusted)" : ""
  } · ${session.origin.label}`;
  return { session, progress };
}
