// Loads the clipfind WASM module once per realm. In browsers the .wasm is fetched beside this file;
// in Node it is read from disk and handed over as `wasmBinary` (the emscripten 3.1.6 ES6 glue would
// otherwise reach for __dirname/require, which ES modules lack).
import createClipfindModule from './wasm/clipfind.mjs';
import { isNode, nodeImport } from './env.js';

let modulePromise = null;


async function instantiate() {
  const wasmUrl = new URL('./wasm/clipfind.wasm', import.meta.url);
  if (isNode) {
    const { readFile } = await nodeImport('node:fs/promises');
    return createClipfindModule({ wasmBinary: await readFile(wasmUrl) });
  }
  // The one file the glue asks for is the .wasm; handing over the literal URL above lets bundlers emit it.
  return createClipfindModule({ locateFile: (file) => (file.endsWith('.wasm') ? wasmUrl.href : file) });
}

/** @returns {Promise<any>} the initialized Emscripten module */
export function loadWasm() {
  if (modulePromise === null) {
    modulePromise = instantiate().catch((err) => {
      modulePromise = null;
      throw err;
    });
  }
  return modulePromise;
}

/**
 * Copies a typed array into a fresh heap allocation and returns its pointer; free with M._free.
 * Views are taken after _malloc because the heap may grow (and detach old views) inside it.
 */
export function copyToHeap(M, array) {
  const bytes = array.byteLength;
  const ptr = M._malloc(Math.max(bytes, 1));
  if (ptr === 0) throw new RangeError('clipfind: out of WASM memory');
  new Uint8Array(M.HEAPU8.buffer, ptr, bytes).set(new Uint8Array(array.buffer, array.byteOffset, bytes));
  return ptr;
}
