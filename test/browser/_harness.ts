/**
 * Browser-test helpers: build the notebooks once, serve a folder on 127.0.0.1 with a tiny static
 * server, and drive Debian's Chromium through playwright-core, recording every request and every
 * console error so tests can assert that nothing leaves the page's origin.
 */
import { createServer, type Server } from "node:http";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { spawn } from "node:child_process";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { NotebookHook } from "../../notebooks/lib/hook.ts";

/** Where Debian installs Chromium (CI installs it; the tests skip without it). */
export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** The project root. */
export const ROOT = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../..");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".parquet": "application/octet-stream",
};

/** A static file server over `dir` on 127.0.0.1 (a random free port). */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) throw new Error("outside");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        // As a static host would: Vite's content-named assets (and so the compiled wasm) stay cached.
        "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Runs a command in the project root; rejects with its output when it fails. */
export function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on(
      "close",
      (code) => (code === 0 ? ok(out) : fail(new Error(`${command} ${args.join(" ")} exited ${code}:\n${out}`))),
    );
  });
}

/** Builds the notebooks into `outDir` with the project's Vite (the same command as `deno task build`). */
export async function buildNotebooks(outDir: string, env: Record<string, string> = {}): Promise<void> {
  await run(process.execPath, ["run", "-A", "npm:vite@8.3.8", "build", "--outDir", outDir, "--emptyOutDir"], env);
}

/** A headless Chromium with a throw-away profile. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "civic-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did: every request URL (page and workers) and every console error or page error. */
export interface PageLog {
  requests: string[];
  errors: string[];
}

/** Opens a new page that records its requests and errors. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; log: PageLog }> {
  const page = await context.newPage();
  const log: PageLog = { requests: [], errors: [] };
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") log.errors.push(m.text());
  });
  page.on("pageerror", (e) => log.errors.push(`pageerror: ${e.message}`));
  return { page, log };
}

/** Requests that left the origin `base` (data:, blob: and about: URLs stay in the page). */
export function foreignRequests(log: PageLog, base: string): string[] {
  const origin = new URL(base).origin;
  return log.requests.filter((u) => !/^(data|blob|about):/.test(u) && new URL(u).origin !== origin);
}

/** The page's one test hook (`globalThis.__notebook`, see notebooks/lib/hook.ts), or undefined before the page installs it. */
export function readHook(page: Page): Promise<NotebookHookView | undefined> {
  return page.evaluate(() => {
    const hook = (globalThis as { __notebook?: NotebookHook }).__notebook;
    // Only what crosses to the test as JSON: cells holding DOM or databases stay in the page.
    return hook && { ...hook, values: undefined };
  }) as Promise<NotebookHookView | undefined>;
}

/** The hook without its cell values (read those one by one with {@link readValue}). */
export type NotebookHookView = Omit<NotebookHook, "values">;

/** The latest value of one named cell of the page, as JSON. */
export function readValue<T = unknown>(page: Page, name: string): Promise<T> {
  return page.evaluate(
    (n) => JSON.parse(JSON.stringify((globalThis as { __notebook?: NotebookHook }).__notebook?.values[n] ?? null)),
    name,
  ) as Promise<T>;
}

/** Waits until the page's hook says every cell has settled. */
export async function waitReady(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(() => (globalThis as { __notebook?: NotebookHook }).__notebook?.ready === true, null, {
    timeout,
  });
}

/** Waits until the page has recorded more than `count` ticks. */
export async function waitTicks(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => ((globalThis as { __notebook?: NotebookHook }).__notebook?.ticks.length ?? 0) > n,
    count,
  );
}
