// Tokenizer: Hugging Face tokenizer.json (CLIP byte-level BPE, SentencePiece Unigram/BPE) in WASM.
import { check, InvalidInputError } from './errors.js';
import { withHeapCopy } from './wasm.js';
import { WasmHandle } from './wasm_handle.js';

function textArg(text, what) {
  if (typeof text === 'string') return text;
  if (text instanceof Uint8Array) return text; // raw bytes; invalid UTF-8 becomes U+FFFD
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected a string or Uint8Array, got ${typeof text}`);
}

export class Tokenizer {
  #M;
  #handle;

  constructor({ M, handle }) {
    this.#M = M;
    this.#handle = new WasmHandle(this, handle, 'Tokenizer');
  }

  /**
   * @param {{tokenizer: string, config?: string, maxLength?: number, padId?: number}} files
   *   tokenizer: the text of tokenizer.json; config: the text of tokenizer_config.json.
   */
  static async fromFiles({ tokenizer, config = '', maxLength, padId } = {}) {
    if (typeof tokenizer !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'Tokenizer.fromFiles: `tokenizer` must be the text of tokenizer.json');
    if (typeof config !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'Tokenizer.fromFiles: `config` must be the text of tokenizer_config.json');
    return new Tokenizer(await WasmHandle.create('TokenizerHandle', (handle) => {
      check(handle.init(tokenizer, config));
      check(handle.configure(maxLength ?? -1, padId ?? -1));
    }));
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
    return withHeapCopy(this.#M, arr, (ptr) => check(h.decode(ptr, arr.length, skipSpecialTokens)));
  }

  tokenToId(token) {
    const id = check(this.#live().tokenToId(String(token)));
    return id < 0 ? undefined : id;
  }

  close() { this.#handle.close(); }

  #live() { return this.#handle.live(); }
}
