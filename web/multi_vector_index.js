// MultiVectorIndex: late-interaction (ColBERT/ColPali MaxSim) search over bags of vectors, backed by
// the C++ core in WASM (src/index/multi_vector_index.hpp). Vectors are used as given.
import { byteSource } from './byte_source.js';
import { check, InvalidInputError } from './errors.js';
import { HeapScratch, PIECE_BYTES, streamIntoHandle, withHeapCopy } from './wasm.js';
import { WasmHandle } from './wasm_handle.js';

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

function toCounts(counts, n) {
  if (!(counts instanceof Int32Array || counts instanceof Uint32Array || Array.isArray(counts))) {
    throw new InvalidInputError('INVALID_ARGUMENT', 'add: counts must be an Int32Array (vectors per item)');
  }
  if (counts.length !== n) throw new InvalidInputError('INVALID_ARGUMENT', `add: ${n} ids but ${counts.length} counts`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!Number.isInteger(c) || c < 1) throw new InvalidInputError('INVALID_ARGUMENT', `add: item ${i} has ${c} vectors (expected at least 1)`);
    out[i] = c;
  }
  return out;
}

function checkTokens(q, queryCount, dim, what) {
  if (!Number.isInteger(queryCount) || queryCount < 1) throw new InvalidInputError('INVALID_ARGUMENT', `${what}: queryCount must be a positive integer, got ${queryCount}`);
  if (q.length !== queryCount * dim) {
    throw new InvalidInputError('DIMENSION_MISMATCH', `${what}: expected ${queryCount} x ${dim} = ${queryCount * dim} floats, got ${q.length}`);
  }
}

/** A serialized index of `size` bytes delivered as `pieces` (async iterable of Uint8Array); module-internal. */
export async function loadMultiVectorIndex(size, pieces) {
  return new MultiVectorIndex(await streamIntoHandle('MultiVectorHandle', size, pieces, 'MultiVectorIndex.fromBytes'));
}

export class MultiVectorIndex {
  #M;
  #handle;
  #info;
  #scratch; // heap buffer for queries and results (HeapScratch)

  constructor({ M, handle }) {
    this.#M = M;
    this.#handle = new WasmHandle(this, handle, 'MultiVectorIndex');
    this.#info = check(handle.info());
    this.#scratch = new HeapScratch(M, 'MultiVectorIndex');
  }

  /**
   * @param {{dim: number, storage?: 'f32'|'f16'|'i8', pool?: number}} options pool: token pooling
   *   factor (each item's vectors clustered to about count / pool at add time; 0 or 1: off)
   */
  static async create({ dim, storage = 'f32', pool = 0 } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw new InvalidInputError('INVALID_ARGUMENT', `MultiVectorIndex.create: dim must be a positive integer, got ${dim}`);
    if (!Number.isInteger(pool) || pool < 0) throw new InvalidInputError('INVALID_ARGUMENT', `MultiVectorIndex.create: pool must be a non-negative integer, got ${pool}`);
    return new MultiVectorIndex(await WasmHandle.create('MultiVectorHandle', (handle) => check(handle.init(dim, String(storage), pool))));
  }

  /** Restores toBytes() output (bytes or a Blob); damaged or truncated input throws CorruptDataError. */
  static async fromBytes(bytes) {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes) || (typeof Blob !== 'undefined' && bytes instanceof Blob))) {
      throw new InvalidInputError('INVALID_ARGUMENT', 'MultiVectorIndex.fromBytes: expected a Uint8Array, ArrayBuffer or Blob');
    }
    const { size, chunks } = byteSource(bytes, 'MultiVectorIndex.fromBytes');
    return loadMultiVectorIndex(size, chunks);
  }

  get dim() { return this.#info.dim; }
  get storage() { return this.#info.storage; }
  /** The token pooling factor (0: off). */
  get pool() { return this.#info.pool; }
  /** Items stored. */
  get size() { return this.#live().size(); }
  /** Vectors stored over all items (after pooling). */
  get vectorCount() { return this.#live().vectorCount(); }
  get memoryBytes() { return this.#live().memoryBytes(); }

  /**
   * Adds items: item i has counts[i] vectors, taken in order from `vectors` (Σ counts × dim floats).
   * All-or-nothing; a duplicate id throws.
   */
  add(ids, vectors, counts) {
    const h = this.#live();
    const list = toIds(ids, 'add');
    const v = toFloat32(vectors, 'add');
    const c = toCounts(counts, list.length);
    const dim = this.dim;
    let total = 0;
    for (const n of c) total += n;
    if (v.length !== total * dim) {
      throw new InvalidInputError('DIMENSION_MISMATCH', `add: counts sum to ${total} vectors x ${dim} = ${total * dim} floats, got ${v.length}`);
    }
    withHeapCopy(this.#M, c, (ptr) => check(h.addBegin(ptr, c.length)));
    // Whole items, about a heap piece at a time (an item bigger than a piece goes alone).
    for (let i = 0, at = 0; i < c.length;) {
      let floats = c[i++] * dim;
      while (i < c.length && (floats + c[i] * dim) * 4 <= PIECE_BYTES) floats += c[i++] * dim;
      const ptr = this.#scratch.get(floats * 4);
      new Float32Array(this.#M.HEAPF32.buffer, ptr, floats).set(v.subarray(at, at + floats)); // a fresh view: the heap may have grown
      check(h.addItems(ptr, floats));
      at += floats;
    }
    check(h.addCommit(list));
  }

  /** Removes ids; returns how many were present. */
  remove(ids) { return check(this.#live().remove(toIds(ids, 'remove'))); }

  has(id) { return check(this.#live().has(String(id))); }

  /** Vectors stored for one item (after pooling); an unknown id throws NotFoundError. */
  vectorsOf(id) { return check(this.#live().countOf(String(id))); }

  /**
   * Top k items by MaxSim: Σ over the query's tokens of the best inner product with any of an item's
   * vectors. queryVectors: queryCount × dim floats.
   * @returns {{ids: string[], scores: Float32Array}} best first, ties in insertion order
   */
  search(queryVectors, queryCount, k = 10) {
    const h = this.#live();
    const q = toFloat32(queryVectors, 'search');
    checkTokens(q, queryCount, this.dim, 'search');
    if (!Number.isInteger(k) || k < 0) throw new InvalidInputError('INVALID_ARGUMENT', `search: k must be a non-negative integer, got ${k}`);
    k = Math.min(k, h.size());
    const ptr = this.#scratch.get(q.byteLength + k * 4);
    new Float32Array(this.#M.HEAPF32.buffer, ptr, q.length).set(q);
    const scoresPtr = ptr + q.byteLength;
    const ids = check(h.search(ptr, q.length, queryCount, k, scoresPtr));
    const scores = new Float32Array(this.#M.HEAPF32.buffer, scoresPtr, ids.length).slice();
    return { ids, scores };
  }

  /** Every item id, in the order scoreAll() reports scores (changes when the index changes). */
  ids() { return check(this.#live().ids()); }

  /** MaxSim scores of every item, in ids() order. */
  scoreAll(queryVectors, queryCount) {
    const h = this.#live();
    const q = toFloat32(queryVectors, 'scoreAll');
    checkTokens(q, queryCount, this.dim, 'scoreAll');
    const n = h.size();
    const ptr = this.#scratch.get(q.byteLength + n * 4);
    new Float32Array(this.#M.HEAPF32.buffer, ptr, q.length).set(q);
    check(h.scoreAll(ptr, q.length, queryCount, ptr + q.byteLength));
    return new Float32Array(this.#M.HEAPF32.buffer, ptr + q.byteLength, n).slice();
  }

  toBytes() { return check(this.#live().toBytes()); }

  /** Frees the WASM memory; the index is unusable afterwards. Safe to call twice. */
  close() {
    if (!this.#handle.close()) return;
    this.#scratch.free();
  }

  #live() { return this.#handle.live(); }
}
