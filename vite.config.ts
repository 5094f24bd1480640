/// <reference types="vitest/config" />
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { notebookServed } from "./scripts/_notebook_data.ts";

const NOTEBOOKS = resolve(import.meta.dirname ?? ".", "notebooks");
/** The pages: each is an HTML file in notebooks/ with its module beside it. */
const PAGES = ["index", "calibrate", "audit", "household", "loop", "merge"].filter((p) =>
  existsSync(resolve(NOTEBOOKS, `${p}.html`))
);

const TYPES: Record<string, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/**
 * Serves the demo dataset (as the build ships it: scripts/_notebook_data.ts `notebookServed`), its
 * first-view summary and the default model to the pages at ./data/ and ./models/ (dev server), and
 * copies them into dist/data/ and dist/models/ (build), with ./data/index.json listing the files.
 * The pages fetch them from their own origin; nothing comes from elsewhere.
 */
function notebookData(): Plugin {
  // Computed once per server or build (the Parquet copy and the summary take a few seconds).
  let served: ReturnType<typeof notebookServed> | undefined;
  const servedFiles = () => (served ??= notebookServed());
  return {
    name: "notebook-data",
    configResolved(config) {
      if (config.command === "build") void servedFiles(); // start early: it runs beside the bundling
    },
    configureServer(server) {
      // Computed while the server starts, so the first page finds it ready (not for Vitest's server).
      if (!process.env.VITEST) void servedFiles();
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
        if (!path.startsWith("data/") && !path.startsWith("models/")) return next();
        void servedFiles().then(({ index, files }) => {
          const ext = path.split(".").pop() ?? "";
          const body = path === "data/index.json" ? JSON.stringify(index) : files.find((f) => f.url === path)?.bytes;
          if (body === undefined) return next();
          res.setHeader("content-type", TYPES[ext] ?? "application/octet-stream");
          res.setHeader("cache-control", "no-store");
          res.end(body);
        }, next);
      });
    },
    async generateBundle() {
      const { index, files } = await servedFiles();
      this.emitFile({ type: "asset", fileName: "data/index.json", source: JSON.stringify(index) });
      for (const f of files) this.emitFile({ type: "asset", fileName: f.url, source: f.bytes });
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
