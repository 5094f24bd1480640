/// <reference types="vitest/config" />
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { notebookAssets, notebookSummaryBytes, readAsset } from "./scripts/_notebook_data.ts";
import { SUMMARY_FILE } from "./notebooks/lib/summary.ts";

const NOTEBOOKS = resolve(import.meta.dirname ?? ".", "notebooks");
/** The pages: each is an HTML file in notebooks/ with its module beside it. */
const PAGES = ["index", "calibrate", "audit", "household", "loop", "merge"].filter((p) =>
  existsSync(resolve(NOTEBOOKS, `${p}.html`))
);

const TYPES: Record<string, string> = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" };

/**
 * Serves the demo dataset and the default model to the pages at ./data/ and ./models/ (dev
 * server), and copies them into dist/data/ and dist/models/ (build), with ./data/index.json
 * listing the files. The pages fetch them from their own origin; nothing comes from elsewhere.
 */
function notebookData(): Plugin {
  // The first-view summary (notebooks/lib/summary.ts), computed once per server or build.
  let summary: Promise<Uint8Array | undefined> | undefined;
  const summaryBytes = () => (summary ??= notebookSummaryBytes());
  return {
    name: "notebook-data",
    configResolved(config) {
      if (config.command === "build") void summaryBytes(); // start early: it runs beside the bundling
    },
    configureServer(server) {
      // Computed while the server starts, so the first page finds it ready (not for Vitest's server).
      if (!process.env.VITEST) void summaryBytes();
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
        if (!path.startsWith("data/") && !path.startsWith("models/")) return next();
        const { index, files } = notebookAssets();
        const ext = path.split(".").pop() ?? "";
        if (path === "data/index.json") {
          res.setHeader("content-type", TYPES.json);
          return void summaryBytes().then((b) =>
            res.end(JSON.stringify(b ? { ...index, summary: SUMMARY_FILE } : index))
          );
        }
        if (path === SUMMARY_FILE) {
          return void summaryBytes().then((
            b,
          ) => (b ? (res.setHeader("cache-control", "no-store"), res.end(b)) : next()));
        }
        const file = files.find((f) => f.url === path);
        if (!file) return next();
        res.setHeader("content-type", TYPES[ext] ?? "application/octet-stream");
        res.setHeader("cache-control", "no-store");
        res.end(readAsset(file.path));
      });
    },
    async generateBundle() {
      const { index, files } = notebookAssets();
      const bytes = await summaryBytes();
      if (bytes) this.emitFile({ type: "asset", fileName: SUMMARY_FILE, source: bytes });
      const served = bytes ? { ...index, summary: SUMMARY_FILE } : index;
      this.emitFile({ type: "asset", fileName: "data/index.json", source: JSON.stringify(served) });
      for (const f of files) this.emitFile({ type: "asset", fileName: f.url, source: readAsset(f.path) });
    },
  };
}

// One config for the notebooks (Vite) and the tests (Vitest).
export default defineConfig({
  root: "notebooks",
  base: "./",
  plugins: [notebookData()],
  // Pages key their IndexedDB caches by the build, so a new build never reads an old build's cache.
  define: { __NOTEBOOK_BUILD__: JSON.stringify(new Date().toISOString()) },
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: Object.fromEntries(PAGES.map((p) => [p, resolve(NOTEBOOKS, `${p}.html`)])) },
  },
  worker: { format: "es" },
  test: {
    root: ".",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
