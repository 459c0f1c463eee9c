// ParallelPreprocessor: image decode + preprocessing on a thread of its own (a dedicated worker running
// web/preprocess_worker.js), so that Model.embedImages is a pipeline: while ONNX Runtime runs one
// batch (synchronously, on the model's thread), the next images decode beside it. A 12 MP JPEG takes
// about as long to decode as ViT-B/32 takes to embed it on one WASM thread, so this is where indexing
// real photos gains most. Where no worker can start (Node, a CSP without worker-src, a failed start)
// the same work runs in this thread, in order: same results, no overlap. In Node the worker is a
// worker_threads Worker (the CLI's indexing overlaps the same way).
import { isNode, nodeImport } from './env.js';
import { makeError } from './errors.js';
import { ImagePreprocessor } from './image.js';

// Served unbundled, the worker starts from a blob-URL bootstrap that imports the file by its URL: a
// blob worker inherits its creator's service worker, so it also loads offline (see remote_model.js).
// Bundlers recognise the literal `new Worker(new URL(...), ...)` form and bundle the worker with it.
async function startWorker() {
  if (isNode) {
    const { Worker: NodeWorker } = await nodeImport('node:worker_threads');
    const w = new NodeWorker(new URL('./preprocess_worker.js', import.meta.url));
    // Referenced only while it owes answers: an idle preprocessor never keeps the process alive.
    let owed = 0;
    w.unref();
    // the Web Worker interface the rest of this file uses
    const shim = {
      postMessage: (m, t) => {
        if (owed++ === 0) w.ref();
        w.postMessage(m, t);
      },
      terminate: () => w.terminate(),
      onmessage: null,
      onerror: null,
    };
    w.on('message', (data) => {
      if (--owed === 0) w.unref();
      shim.onmessage?.({ data });
    });
    w.on('error', (err) => shim.onerror?.({ message: err.message }));
    return shim;
  }
  if (typeof Worker === 'undefined') return null;
  try {
    if (import.meta.url.endsWith('/parallel_preprocessor.js')) {
      const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(new URL('./preprocess_worker.js', import.meta.url).href)};`], { type: 'text/javascript' }));
      setTimeout(() => URL.revokeObjectURL(boot), 60000);
      return new Worker(boot, { type: 'module', name: 'clipfind-preprocess' });
    }
    return new Worker(new URL('./preprocess_worker.js', import.meta.url), { type: 'module', name: 'clipfind-preprocess' });
  } catch {
    return null;
  }
}

function isRaster(img) {
  return (typeof ImageData !== 'undefined' && img instanceof ImageData) || (typeof ImageBitmap !== 'undefined' && img instanceof ImageBitmap);
}

export class ParallelPreprocessor {
  #local; // the in-thread preprocessor: ImageData/ImageBitmap inputs, and the fallback
  #worker = null;
  #ready = null; // resolves true once the worker answered its config, false if it cannot be used
  #pending = new Map();
  #next = 1;

  constructor(local) { this.#local = local; }

  /** @param {string} configText preprocessor_config.json's text */
  static async fromConfig(configText, { offThread = true } = {}) {
    const pp = new ParallelPreprocessor(await ImagePreprocessor.fromConfig(configText));
    if (offThread) await pp.#start(configText);
    return pp;
  }

  /** Whether images decode on a thread of their own (false until the worker answered, or without one). */
  async offThread() { return this.#ready ? this.#ready : false; }

  /** One image (bytes, Blob, ImageData or ImageBitmap) to float32 CHW: {data, dims}. */
  async preprocess(img) {
    if (isRaster(img)) return this.#raster(img);
    if (this.#ready && (await this.#ready)) {
      const bytes = img instanceof Blob ? img : img instanceof ArrayBuffer ? new Uint8Array(img) : img;
      try {
        return await this.#call({ input: bytes });
      } catch (err) {
        if (!err.workerFailed) throw err;
      }
    }
    return this.#local.fromEncoded(img);
  }

  close() {
    this.#local.close();
    this.#worker?.terminate();
    this.#worker = null;
    for (const p of this.#pending.values()) p.reject(makeError('CLOSED', 'ImagePreprocessor is closed'));
    this.#pending.clear();
  }

  async #start(configText) {
    const worker = await startWorker().catch(() => null);
    if (!worker) return;
    this.#worker = worker;
    worker.onmessage = (e) => {
      const { id, result, error } = e.data;
      const p = this.#pending.get(id);
      if (!p) return;
      this.#pending.delete(id);
      if (error) p.reject(makeError(error.code, error.message));
      else p.resolve(result);
    };
    // A worker that cannot load (blocked, missing file) fails every request: they fall back to this
    // thread, and so does everything after.
    worker.onerror = (e) => {
      e.preventDefault?.();
      this.#ready = Promise.resolve(false);
      worker.terminate();
      if (this.#worker === worker) this.#worker = null;
      for (const p of this.#pending.values()) p.reject(Object.assign(new Error('preprocess worker failed'), { workerFailed: true }));
      this.#pending.clear();
    };
    this.#ready = this.#call({ config: configText }).then(() => true, () => false);
  }

  #call(msg) {
    if (!this.#worker) return Promise.reject(Object.assign(new Error('no preprocess worker'), { workerFailed: true }));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...msg });
    });
  }

  #raster(img) {
    if (img instanceof ImageData) return this.#local.fromRGBA(img.data, img.width, img.height);
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height);
    return this.#local.fromRGBA(d.data, d.width, d.height);
  }
}
