/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Runs a loop request in the page's Web Worker (`loop_worker.ts`): one worker at a time; a new
 * request stops the one still running (a slider moved again), so only the latest scenario's
 * figures are drawn.
 */
import type { LoopRequest, LoopViews } from "../../src/loop/views.ts";

/** What the worker posts back. */
export type LoopWorkerMessage =
  | { id: number; kind: "progress"; done: number; total: number }
  | { id: number; kind: "done"; views: LoopViews }
  | { id: number; kind: "error"; message: string };

/** The page's one worker. */
export class LoopRunner {
  #worker: Worker | null = null;
  #id = 0;

  /** Runs `request`; `progress(done, total)` after each replication. Resolves with the views and the worker's wall time. */
  run(
    request: LoopRequest,
    progress: (done: number, total: number) => void,
  ): Promise<{ views: LoopViews; workerMs: number }> {
    this.stop();
    const id = ++this.#id;
    const worker = new Worker(new URL("./loop_worker.ts", import.meta.url), { type: "module", name: "loop" });
    this.#worker = worker;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<LoopWorkerMessage>) => {
        const m = e.data;
        if (m.id !== id) return;
        if (m.kind === "progress") progress(m.done, m.total);
        else {
          worker.terminate();
          if (this.#worker === worker) this.#worker = null;
          if (m.kind === "done") resolve({ views: m.views, workerMs: performance.now() - started });
          else reject(new Error(m.message));
        }
      };
      worker.onerror = (e) => {
        reject(new Error(e.message || "the loop worker failed"));
      };
      worker.postMessage({ id, request });
    });
  }

  /**
   * Stops the running request, if any. Its promise never settles: the page's runtime has already
   * moved on to the newer value of the cell that asked.
   */
  stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
