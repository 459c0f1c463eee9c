// Where this code runs, decided once for every module: nothing else in web/ tests the environment.

/** True in Node (not in a page or a worker, even where a bundler polyfills `process`). */
export const isNode = typeof process !== 'undefined' && process.versions?.node != null
  && typeof window === 'undefined' && typeof WorkerGlobalScope === 'undefined';

/** True in a page (a window) that can start Web Workers: models run in one there. */
export const isPage = !isNode && typeof window !== 'undefined' && typeof Worker !== 'undefined';

/**
 * Imports a module that exists only in Node (node:fs, onnxruntime-web's Node entry). The specifier is a
 * variable, so bundlers leave it alone instead of stubbing or packaging it for the browser.
 */
export const nodeImport = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
