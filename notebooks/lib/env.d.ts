/** Set by vite.config.ts: when this build was made (keys the pages' caches). */
declare const __NOTEBOOK_BUILD__: string;
