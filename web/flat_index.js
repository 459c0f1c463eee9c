// FlatIndex: exact similarity search over vectors with string ids, backed by the C++ core in WASM.
import { byteSource } from './byte_source.js';
import { check, InvalidInputError } from './errors.js';
import { HeapScratch, PIECE_BYTES, streamIntoHandle, withHeapCopy } from './wasm.js';
import { WasmHandle } from './wasm_handle.js';

/** Internal (clipfind/internal): the scan-bandwidth probe over an index's f32 bytes, for benchmarks. */
export let probeBandwidth;


function toFloat32(vectors, what) {
  if (vectors instanceof Float32Array) return vectors;
  if (Array.isArray(vectors) || ArrayBuffer.isView(vectors)) return Float32Array.from(vectors.flat ? vectors.flat() : vectors);
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected a Float32Array`);
}

function toIds(ids, what) {
  if (typeof ids === 'string') ids = [ids];
  if (!Array.isArray(ids)) throw new InvalidInputError('INVALID_ARGUMENT', `${what}: ids must be an array of strings`);
  for (const id of ids) {
    if (typeof id !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', `${what}: ids must be strings, got ${typeof id}`);
  }
  return ids;
}

/**
 * A serialized index of `size` bytes delivered as `pieces` (an async iterable of Uint8Array views),
 * read straight into block storage a heap piece at a time. Module-internal: Library reads its file's
 * index sections with it.
 */
export async function loadIndex(size, pieces) {
  return new FlatIndex(await streamIntoHandle('IndexHandle', size, pieces, 'FlatIndex.fromBytes'));
}

export class FlatIndex {
  #M;
  #handle;
  #info;
  #scratch; // heap buffer for queries and results (HeapScratch)

  static {
    probeBandwidth = (index) => index.#live().probe();
  }

  constructor({ M, handle }) {
    this.#M = M;
    this.#handle = new WasmHandle(this, handle, 'FlatIndex');
    this.#info = check(handle.info());
    this.#scratch = new HeapScratch(M, 'FlatIndex');
  }

  /**
   * @param {{dim: number, storage?: 'f32'|'f16'|'i8', metric?: 'cosine'|'ip', rerank?: number}} options
   */
  static async create({ dim, storage = 'f32', metric = 'cosine', rerank = 0 } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw new InvalidInputError('INVALID_ARGUMENT', `FlatIndex.create: dim must be a positive integer, got ${dim}`);
    return new FlatIndex(await WasmHandle.create('IndexHandle', (handle) => check(handle.init(dim, String(storage), String(metric), rerank >>> 0))));
  }

  /**
   * Restores an index from toBytes() output: bytes, or a Blob/File read a slice at a time straight into
   * the index's storage (the file is never whole in memory). Damaged or truncated input throws
   * CorruptDataError.
   */
  static async fromBytes(bytes) {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes) || (typeof Blob !== 'undefined' && bytes instanceof Blob))) {
      throw new InvalidInputError('INVALID_ARGUMENT', 'FlatIndex.fromBytes: expected a Uint8Array, ArrayBuffer or Blob');
    }
    const { size, chunks } = byteSource(bytes, 'FlatIndex.fromBytes');
    return loadIndex(size, chunks);
  }

  get dim() { return this.#info.dim; }
  get storage() { return this.#info.storage; }
  get metric() { return this.#info.metric; }
  get size() { return this.#live().size(); }
  /** Approximate bytes held in WASM memory by vectors and ids. */
  get memoryBytes() { return this.#live().memoryBytes(); }

  /** Adds vectors (n × dim, row-major) under new ids; all-or-nothing. Duplicate ids throw (use update). */
  add(ids, vectors) {
    const h = this.#live();
    const list = toIds(ids, 'add');
    const v = toFloat32(vectors, 'add');
    // In pieces of whole vectors, each stored in its final place; the ids commit the batch.
    check(h.addBegin(list.length, v.length));
    const rows = Math.max(1, Math.floor(PIECE_BYTES / (4 * this.dim)));
    const ptr = this.#scratch.get(Math.min(v.length, rows * this.dim) * 4);
    for (let at = 0; at < v.length; at += rows * this.dim) {
      const piece = v.subarray(at, at + rows * this.dim);
      new Float32Array(this.#M.HEAPF32.buffer, ptr, piece.length).set(piece); // a fresh view: the heap may have grown
      check(h.addRows(ptr, piece.length));
    }
    check(h.addCommit(list));
  }

  /** Replaces the vectors of existing ids; unknown ids throw NotFoundError. */
  update(ids, vectors) {
    const h = this.#live();
    const list = toIds(ids, 'update');
    const v = toFloat32(vectors, 'update');
    withHeapCopy(this.#M, v, (ptr) => check(h.update(list, ptr, v.length)));
  }

  /** Removes ids; returns how many were present. */
  remove(ids) { return check(this.#live().remove(toIds(ids, 'remove'))); }

  has(id) { return check(this.#live().has(String(id))); }

  /** The stored vector (dequantized for f16/i8). */
  get(id) {
    const h = this.#live();
    const ptr = this.#scratch.get(this.dim * 4);
    check(h.getVector(String(id), ptr));
    return new Float32Array(this.#M.HEAPF32.buffer, ptr, this.dim).slice();
  }

  /** @returns {{ids: string[], scores: Float32Array}} best first, ties in insertion order */
  search(query, k = 10) {
    const h = this.#live();
    const q = toFloat32(query, 'search');
    if (!Number.isInteger(k) || k < 0) throw new InvalidInputError('INVALID_ARGUMENT', `search: k must be a non-negative integer, got ${k}`);
    k = Math.min(k, h.size());
    const ptr = this.#scratch.get(q.byteLength + k * 4);
    const M = this.#M;
    new Float32Array(M.HEAPF32.buffer, ptr, q.length).set(q);
    const scoresPtr = ptr + q.byteLength;
    const ids = check(h.search(ptr, q.length, k, scoresPtr));
    const scores = new Float32Array(M.HEAPF32.buffer, scoresPtr, ids.length).slice();
    return { ids, scores };
  }

  toBytes() { return check(this.#live().toBytes()); }

  /** Every stored id, in the order scoreAll() reports scores (changes when the index changes). */
  ids() { return check(this.#live().ids()); }

  /** Scores of all stored vectors against query, in ids() order. */
  scoreAll(query) {
    const h = this.#live();
    const q = toFloat32(query, 'scoreAll');
    const n = h.size();
    const ptr = this.#scratch.get(q.byteLength + n * 4);
    new Float32Array(this.#M.HEAPF32.buffer, ptr, q.length).set(q);
    check(h.scoreAll(ptr, q.length, ptr + q.byteLength));
    return new Float32Array(this.#M.HEAPF32.buffer, ptr + q.byteLength, n).slice();
  }

  /** Frees the WASM memory; the index is unusable afterwards. Safe to call twice. */
  close() {
    if (!this.#handle.close()) return;
    this.#scratch.free();
  }

  #live() { return this.#handle.live(); }
}
