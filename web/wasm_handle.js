// One lifecycle for the C++ objects JS holds (FlatIndex, Tokenizer, ImagePreprocessor): created and
// initialised in one step (a failed init frees it), used through live() (ClosedError after close),
// freed by close() or, when the owner is garbage-collected unclosed, by a finalization registry.
import { ClosedError } from './errors.js';
import { loadWasm } from './wasm.js';

const registry = new FinalizationRegistry((handle) => handle.delete());

export class WasmHandle {
  #handle;
  #what;

  constructor(owner, handle, what) {
    this.#handle = handle;
    this.#what = what;
    registry.register(owner, handle, this);
  }

  /**
   * A new `new M[className]()`, set up by init(handle, M); on failure it is deleted and the error thrown.
   * @returns {Promise<{M: any, handle: any}>}
   */
  static async create(className, init) {
    const M = await loadWasm();
    const handle = new M[className]();
    try {
      init(handle, M);
    } catch (err) {
      handle.delete();
      throw err;
    }
    return { M, handle };
  }

  /** The C++ object; ClosedError once closed. */
  live() {
    if (!this.#handle) throw new ClosedError(`${this.#what} is closed`);
    return this.#handle;
  }

  /** Frees the C++ object; false when it was already closed. */
  close() {
    if (!this.#handle) return false;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
    return true;
  }
}
