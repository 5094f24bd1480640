/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * The 闭环 Loop page's Web Worker (bundled by Vite with the page; nothing is fetched): it runs the
 * replications of one request with src/loop (`runRequest`), posting progress after each, and
 * posts back the page's views (`loopViews`: loop.json's figures, the figure series, the swimlane
 * traces) — plain data, so the page only draws.
 */
import { type LoopRequest, loopViews, runRequest } from "../../src/loop/views.ts";
import type { LoopWorkerMessage } from "./loop_run.ts";

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<{ id: number; request: LoopRequest }>) => void) | null;
  postMessage(message: LoopWorkerMessage): void;
};

scope.onmessage = (e) => {
  const { id, request } = e.data;
  try {
    const { input, results, ms } = runRequest(
      request,
      (done, total) => scope.postMessage({ id, kind: "progress", done, total }),
    );
    scope.postMessage({ id, kind: "done", views: loopViews(input, results, request.context, { simulateMs: ms }) });
  } catch (error) {
    scope.postMessage({ id, kind: "error", message: String((error as Error)?.message ?? error) });
  }
};
