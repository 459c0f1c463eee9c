// Serialized data read in pieces: a big index or library is streamed into the WASM heap a chunk at a
// time, so the JS heap never holds the whole file next to the index built from it. A source is bytes
// (read as views, no copy), a Blob or File (read a slice at a time), a ReadableStream of bytes, or an
// (async) iterable of Uint8Array chunks.
import { InvalidInputError } from './errors.js';
import { crc32 } from './checksum.js';
import { concatBytes } from './bytes.js';

/** The size of the pieces read from a Blob, and the most a byte source hands on at once. */
export const CHUNK_BYTES = 1 << 20;

const isBlob = (v) => typeof Blob !== 'undefined' && v instanceof Blob;
const isStream = (v) => typeof ReadableStream !== 'undefined' && v instanceof ReadableStream;

function asBytes(chunk, what) {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: a stream gave a chunk that is not bytes`);
}

// A Blob's byte stream read into one reused buffer leaves no garbage behind; where the stream is not a
// byte stream, each slice's arrayBuffer() is a fresh buffer, collected whenever the engine next runs
// its GC (so the peak memory of a read can run ahead of what it keeps).
async function* blobChunks(blob) {
  let reader = null;
  try {
    reader = blob.stream().getReader({ mode: 'byob' });
  } catch {
    for (let at = 0; at < blob.size; at += CHUNK_BYTES) yield new Uint8Array(await blob.slice(at, at + CHUNK_BYTES).arrayBuffer());
    return;
  }
  let buffer = new ArrayBuffer(Math.min(CHUNK_BYTES, Math.max(blob.size, 1)));
  let done = false;
  try {
    while (!done) {
      const read = await reader.read(new Uint8Array(buffer));
      done = read.done;
      if (read.value) buffer = read.value.buffer; // the same memory, handed back
      if (!done) yield read.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

async function* streamChunks(stream, what) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield asBytes(value, what);
    }
  } finally {
    reader.releaseLock();
  }
}

async function* iterableChunks(iterable, what) {
  for await (const chunk of iterable) yield asBytes(chunk, what);
}

// Views of at most CHUNK_BYTES, so a big chunk is copied into the WASM heap a piece at a time.
async function* bounded(chunks) {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += CHUNK_BYTES) yield chunk.subarray(at, at + CHUNK_BYTES);
  }
}

/**
 * { size, chunks }: the source's byte count where it is known up front (null for streams) and an
 * async iterator of its bytes as Uint8Array chunks of at most CHUNK_BYTES. A chunk is only valid
 * until the next one is requested (a file reader may reuse its buffer).
 */
export function byteSource(source, what) {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    const bytes = asBytes(source, what);
    return { size: bytes.length, chunks: bounded([bytes]) };
  }
  if (isBlob(source)) return { size: source.size, chunks: blobChunks(source) };
  if (isStream(source)) return { size: null, chunks: bounded(streamChunks(source, what)) };
  if (source?.chunks && typeof source.chunks[Symbol.asyncIterator] === 'function') return source; // already a byte source
  if (source && (typeof source[Symbol.asyncIterator] === 'function' || typeof source[Symbol.iterator] === 'function') && typeof source !== 'string') {
    return { size: null, chunks: bounded(iterableChunks(source, what)) };
  }
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected a Uint8Array, ArrayBuffer, Blob or ReadableStream`);
}

/**
 * Reads a byte source in order. crc is the CRC-32 of everything consumed except the last 4 bytes
 * (a file's trailing checksum), tail those 4 bytes: whether a file ends where its structure says or
 * not, its checksum can be checked once everything is read. read() copies small fields out;
 * pieces() hands big sections on as views, never gathering them.
 */
export class ByteReader {
  #chunks;
  #chunk = new Uint8Array(0);
  #at = 0;
  #done = false;
  #fail;
  #tail = new Uint8Array(0); // consumed, not yet in crc: the last min(4, consumed) bytes
  crc = 0;
  consumed = 0;

  /** fail(why): the error to throw when the source ends early. */
  constructor(source, fail) {
    this.#chunks = source.chunks[Symbol.asyncIterator]();
    this.size = source.size;
    this.#fail = fail;
  }

  /** The last 4 bytes consumed, as a little-endian u32 (the stored checksum once all is read). */
  get tail() {
    const t = this.#tail;
    return t.length < 4 ? null : (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0;
  }

  async #fill() {
    while (this.#at === this.#chunk.length && !this.#done) {
      const { done, value } = await this.#chunks.next();
      if (done) this.#done = true;
      else {
        this.#chunk = value;
        this.#at = 0;
      }
    }
    return this.#at < this.#chunk.length;
  }

  #take(n) {
    const view = this.#chunk.subarray(this.#at, this.#at + n);
    this.#at += view.length;
    this.consumed += view.length;
    if (view.length >= 4) {
      this.crc = crc32(view.subarray(0, view.length - 4), crc32(this.#tail, this.crc));
      this.#tail = view.slice(view.length - 4);
    } else {
      const pending = new Uint8Array(this.#tail.length + view.length);
      pending.set(this.#tail);
      pending.set(view, this.#tail.length);
      const keep = Math.max(0, pending.length - 4);
      this.crc = crc32(pending.subarray(0, keep), this.crc);
      this.#tail = pending.slice(keep);
    }
    return view;
  }

  /**
   * Exactly n bytes (a copy; fail('truncated') if the source ends first), or with upTo what there is
   * of them. Gathered piece by piece, so a bogus length in a damaged file costs no more than the data.
   */
  async read(n, { upTo = false } = {}) {
    const parts = [];
    let got = 0;
    while (got < n && (await this.#fill())) {
      const view = this.#take(Math.min(n - got, CHUNK_BYTES));
      parts.push(view.slice());
      got += view.length;
    }
    if (got < n && !upTo) throw this.#fail('truncated');
    return parts.length === 1 ? parts[0] : concatBytes(parts);
  }

  /** n bytes as views of at most CHUNK_BYTES, in order; each valid until the next is asked for. */
  async *pieces(n) {
    let left = n;
    while (left > 0) {
      if (!(await this.#fill())) throw this.#fail('truncated');
      const view = this.#take(Math.min(left, CHUNK_BYTES));
      left -= view.length;
      yield view;
    }
  }

  /** Stops reading (closes a file the source had open); safe to call at any point, and twice. */
  async close() {
    this.#done = true;
    await this.#chunks.return?.();
  }

  /** Reads and drops everything left (so crc and tail cover the whole input); returns the byte count. */
  async skipRest() {
    let n = 0;
    while (await this.#fill()) n += this.#take(this.#chunk.length - this.#at).length;
    return n;
  }
}
