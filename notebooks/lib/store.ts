/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * What the pages share: the dataset the user opened and the model they adjusted, kept in this
 * browser's IndexedDB on this computer (never sent anywhere), so every page opens on them.
 * Without a stored dataset the pages open on the demo county served beside them.
 */
import type { DatasetFile } from "../../src/ingest/load.ts";

const DB_NAME = "civic-notebooks";
const STORE = "session";
const CACHE = "cache";

/** A dataset folder the user opened, as file names and bytes. */
export interface StoredDataset {
  label: string;
  files: { name: string; bytes: Uint8Array }[];
  lenient: boolean;
  /** SHA-256 over the files' names and bytes (as `./data/index.json` gives it for the demo county). */
  digest: string;
  savedAt: string;
}

/** A model the user adjusted on the calibrate page. */
export interface StoredModel {
  text: string;
  file: string;
  savedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      for (const name of [STORE, CACHE]) {
        if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
      }
    };
    request.onsuccess = () => ok(request.result);
    request.onerror = () => fail(request.error);
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  f: (store: IDBObjectStore) => IDBRequest<T>,
  name = STORE,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((ok, fail) => {
      const tx = db.transaction(name, mode);
      const request = f(tx.objectStore(name));
      tx.oncomplete = () => ok(request.result);
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored dataset; undefined when none, or when this browser offers no storage (private windows). */
export const getStoredDataset = (): Promise<StoredDataset | undefined> =>
  withStore<StoredDataset | undefined>("readonly", (s) => s.get("dataset")).catch(() => undefined);
export const setStoredDataset = (d: StoredDataset): Promise<IDBValidKey> =>
  withStore("readwrite", (s) => s.put(d, "dataset"));
export const clearStoredDataset = (): Promise<undefined> => withStore("readwrite", (s) => s.delete("dataset"));
/** The stored adjusted model; undefined when none, or without storage. */
export const getStoredModel = (): Promise<StoredModel | undefined> =>
  withStore<StoredModel | undefined>("readonly", (s) => s.get("model")).catch(() => undefined);
export const setStoredModel = (m: StoredModel): Promise<IDBValidKey> =>
  withStore("readwrite", (s) => s.put(m, "model"));
export const clearStoredModel = (): Promise<undefined> => withStore("readwrite", (s) => s.delete("model"));

/** Stored files as ingest takes them. */
export function datasetFilesOf(stored: StoredDataset): DatasetFile[] {
  return stored.files.map((f) => ({ name: f.name, source: { bytes: f.bytes } }));
}

/**
 * The pages' cache: a validated dataset's tables (Arrow IPC) and report, and the indicator hit
 * counts of a model's rules, so the second page opens without validating and evaluating again.
 * Keys start with a kind ("tables:", "hits:"); only the newest `keep` entries of a kind are kept.
 */
export async function getCached<T>(key: string): Promise<T | undefined> {
  try {
    const entry = await withStore<{ at: number; value: T } | undefined>("readonly", (s) => s.get(key), CACHE);
    return entry?.value;
  } catch {
    return undefined;
  }
}

export async function putCached(key: string, value: unknown, keep = 2): Promise<void> {
  const kind = key.slice(0, key.indexOf(":") + 1);
  const keys = (await withStore("readonly", (s) => s.getAllKeys(), CACHE)) as string[];
  const old = keys.filter((k) => k.startsWith(kind) && k !== key);
  const db = await open();
  try {
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction(CACHE, "readwrite");
      const store = tx.objectStore(CACHE);
      // Bound the cache: keep at most `keep` entries of a kind.
      for (const k of old.slice(0, Math.max(0, old.length - (keep - 1)))) store.delete(k);
      store.put({ at: Date.now(), value }, key);
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Forgets every cached table and hit count. */
export const clearCache = (): Promise<undefined> => withStore("readwrite", (s) => s.clear(), CACHE);
