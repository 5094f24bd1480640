/** Set by vite.config.ts: when this build was made (keys the pages' caches). */
declare const __NOTEBOOK_BUILD__: string;

/** Vite's `?url` imports: the URL of the bundled file. */
declare module "*?url" {
  const url: string;
  export default url;
}
