// Tokenizer: Hugging Face tokenizer.json (CLIP byte-level BPE, SentencePiece Unigram/BPE) in WASM.
import { check, ClosedError, InvalidInputError } from './errors.js';
import { copyToHeap, loadWasm } from './wasm.js';

const registry = new FinalizationRegistry((handle) => handle.delete());

function textArg(text, what) {
  if (typeof text === 'string') return text;
  if (text instanceof Uint8Array) return text; // raw bytes; invalid UTF-8 becomes U+FFFD
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected a string or Uint8Array, got ${typeof text}`);
}

export class Tokenizer {
  #M;
  #handle;

  constructor(M, handle) {
    this.#M = M;
    this.#handle = handle;
    registry.register(this, handle, this);
  }

  /**
   * @param {{tokenizer: string, config?: string, maxLength?: number, padId?: number}} files
   *   tokenizer: the text of tokenizer.json; config: the text of tokenizer_config.json.
   */
  static async fromFiles({ tokenizer, config = '', maxLength, padId } = {}) {
    if (typeof tokenizer !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'Tokenizer.fromFiles: `tokenizer` must be the text of tokenizer.json');
    if (typeof config !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'Tokenizer.fromFiles: `config` must be the text of tokenizer_config.json');
    const M = await loadWasm();
    const handle = new M.TokenizerHandle();
    try {
      check(handle.init(tokenizer, config));
      check(handle.configure(maxLength ?? -1, padId ?? -1));
    } catch (err) {
      handle.delete();
      throw err;
    }
    return new Tokenizer(M, handle);
  }

  /** { maxLength, padId, vocabSize, padding } as read from the files. */
  get info() { return check(this.#live().info()); }

  /** Ids with special tokens, truncated to the model's max length (end token kept), unpadded. */
  encode(text, { addSpecialTokens = true, truncation = true } = {}) {
    return check(this.#live().encode(textArg(text, 'encode'), addSpecialTokens, truncation));
  }

  /**
   * @param {string[]} texts
   * @param {{padding?: 'longest'|'max_length'|false}} [options] default: the model's own rule
   * @returns {{inputIds: BigInt64Array, attentionMask: BigInt64Array, dims: [number, number]}}
   */
  encodeBatch(texts, { padding } = {}) {
    const h = this.#live();
    if (!Array.isArray(texts)) throw new InvalidInputError('INVALID_ARGUMENT', 'encodeBatch: expected an array of strings');
    texts = texts.map((t) => textArg(t, 'encodeBatch'));
    if (padding === undefined) padding = h.info().padding === 'max_length' ? 'max_length' : 'longest';
    const mode = padding === false ? 'none' : String(padding);
    const { ptr, rows, cols } = check(h.encodeBatch(texts, mode));
    const n = rows * cols;
    const all = new BigInt64Array(this.#M.HEAPU8.buffer, ptr, 2 * n);
    return { inputIds: all.slice(0, n), attentionMask: all.slice(n, 2 * n), dims: [rows, cols] };
  }

  decode(ids, { skipSpecialTokens = true } = {}) {
    const h = this.#live();
    const arr = Int32Array.from(ids, Number);
    const ptr = copyToHeap(this.#M, arr);
    try {
      return check(h.decode(ptr, arr.length, skipSpecialTokens));
    } finally {
      this.#M._free(ptr);
    }
  }

  tokenToId(token) {
    const id = check(this.#live().tokenToId(String(token)));
    return id < 0 ? undefined : id;
  }

  close() {
    if (!this.#handle) return;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  #live() {
    if (!this.#handle) throw new ClosedError('Tokenizer is closed');
    return this.#handle;
  }
}
