/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// One config for the notebooks (Vite) and the tests (Vitest).
export default defineConfig({
  root: "notebooks",
  base: "./",
  build: { outDir: "../dist", emptyOutDir: true, target: "es2022" },
  worker: { format: "es" },
  test: {
    root: ".",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
