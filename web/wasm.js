// Loads the clipfind WASM module once per realm, and the heap plumbing every wrapper uses. In browsers
// the .wasm is fetched beside this file; in Node it is read from disk and handed over as `wasmBinary`
// (the emscripten 3.1.6 ES6 glue would otherwise reach for __dirname/require, which ES modules lack).
import createClipfindModule from './wasm/clipfind.mjs';
import { check, ClipfindError, outOfMemory } from './errors.js';
import { isNode, nodeImport } from './env.js';

let modulePromise = null;
let loaded = null;

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
    modulePromise = instantiate().then((M) => {
      loaded = M;
      return M;
    }, (err) => {
      modulePromise = null;
      throw new ClipfindError('BACKEND_UNAVAILABLE', `the clipfind WASM core could not be loaded (${err?.message ?? err})`, { cause: err });
    });
  }
  return modulePromise;
}

/** The module, for synchronous code that runs only once an object built on it exists. */
export function loadedWasm() {
  if (!loaded) throw new ClipfindError('INTERNAL', 'the clipfind WASM core is not loaded yet');
  return loaded;
}

/** A heap allocation of `bytes` (at least 1); free with M._free. */
export function heapAlloc(M, bytes, what) {
  const ptr = M._malloc(Math.max(bytes, 1));
  if (ptr === 0) throw outOfMemory(what);
  return ptr;
}

/**
 * A new `M[className]` filled from a serialized object of `size` bytes delivered as `pieces` (async
 * iterable of Uint8Array) through its loadBegin/loadFeed/loadEnd, a heap piece at a time (the bytes are
 * never whole in memory); on any failure the handle is deleted and the error thrown.
 */
export async function streamIntoHandle(className, size, pieces, what) {
  const M = await loadWasm();
  const handle = new M[className]();
  try {
    check(handle.loadBegin(size));
    for await (const piece of pieces) forEachHeapPiece(M, piece, what, (ptr, length) => check(handle.loadFeed(ptr, length)));
    check(handle.loadEnd());
  } catch (err) {
    handle.delete();
    throw err;
  }
  return { M, handle };
}

/** A heap buffer an object reuses for its queries and results, grown on demand (never shrunk). */
export class HeapScratch {
  #M;
  #what;
  #ptr = 0;
  #bytes = 0;

  constructor(M, what) {
    this.#M = M;
    this.#what = what;
  }

  /** A pointer to at least `bytes` bytes (4 KiB at least: small queries never reallocate). */
  get(bytes) {
    if (bytes > this.#bytes) {
      this.free();
      const size = Math.max(bytes, 4096);
      this.#ptr = heapAlloc(this.#M, size, this.#what);
      this.#bytes = size;
    }
    return this.#ptr;
  }

  free() {
    if (this.#ptr) this.#M._free(this.#ptr);
    this.#ptr = 0;
    this.#bytes = 0;
  }
}

/**
 * Copies a typed array into a fresh heap allocation, calls fn(ptr), and frees it. The view is taken
 * after _malloc because the heap may grow (and detach old views) inside it.
 */
export function withHeapCopy(M, array, fn) {
  const bytes = array.byteLength;
  const ptr = heapAlloc(M, bytes, 'copying into the WASM heap');
  try {
    new Uint8Array(M.HEAPU8.buffer, ptr, bytes).set(new Uint8Array(array.buffer, array.byteOffset, bytes));
    return fn(ptr);
  } finally {
    M._free(ptr);
  }
}

// Bulk data crosses into the heap at most this many bytes at a time: a big index or library file is
// never whole in the heap next to what is built from it (a WASM heap never shrinks).
export const PIECE_BYTES = 1 << 20;

/** Calls fn(ptr, length) for each piece of `bytes` (a Uint8Array) copied into one reused heap buffer. */
export function forEachHeapPiece(M, bytes, what, fn) {
  const ptr = heapAlloc(M, Math.min(bytes.length, PIECE_BYTES), what);
  try {
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) {
      const piece = bytes.subarray(at, at + PIECE_BYTES);
      new Uint8Array(M.HEAPU8.buffer, ptr, piece.length).set(piece); // a fresh view: the heap may have grown
      fn(ptr, piece.length);
    }
  } finally {
    M._free(ptr);
  }
}
