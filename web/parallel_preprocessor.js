// ParallelPreprocessor: image decode + preprocessing on threads of their own (dedicated workers running
// web/preprocess_worker.js), so that Model.embedImages is a pipeline. ONNX Runtime runs a batch
// synchronously on the model's thread; a 12 MP JPEG takes about as long to decode and resize as
// ViT-B/32 (q8) takes to embed it, so where decoding waits for inference, real photos index at half
// speed. One worker per core that ORT's threads leave (at least one, at most three) decodes the next
// images while ORT runs; requests are posted ahead, so the workers keep going while the model's
// thread is busy. Where no worker can start (a CSP without worker-src, a failed start) the same work
// runs in the calling thread, in order: same results, no overlap. In Node the workers are
// worker_threads Workers (the CLI's indexing overlaps the same way).
import { isNode, nodeImport } from './env.js';
import { makeError } from './errors.js';
import { ImagePreprocessor } from './image.js';

const MAX_WORKERS = 3; // each holds a WASM heap big enough for a 12 MP photo

async function cores() {
  if (isNode) return (await nodeImport('node:os')).availableParallelism?.() ?? 2;
  return (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
}

// Served unbundled, a worker starts from a blob-URL bootstrap that imports the file by its URL: a
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

const workerFailed = () => Object.assign(new Error('preprocess worker failed'), { workerFailed: true });

// One worker and the answers it owes.
class Lane {
  pending = new Map();
  next = 1;
  dead = false;

  constructor(worker) {
    this.worker = worker;
    worker.onmessage = (e) => {
      const { id, result, error } = e.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error) p.reject(makeError(error.code, error.message));
      else p.resolve(result);
    };
    // A worker that cannot load (blocked, missing file) fails what it owes: that work falls back to
    // the calling thread, and the lane takes no more.
    worker.onerror = (e) => {
      e.preventDefault?.();
      this.close(workerFailed());
    };
  }

  call(msg) {
    if (this.dead) return Promise.reject(workerFailed());
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg });
    });
  }

  close(reason) {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }
}

export class ParallelPreprocessor {
  #local; // the in-thread preprocessor: ImageData/ImageBitmap inputs, and the fallback
  #lanes = [];

  constructor(local) { this.#local = local; }

  /**
   * @param {string} configText preprocessor_config.json's text
   * @param {{computeThreads?: number, offThread?: boolean}} [options] computeThreads: the threads
   *   inference takes on this machine's cores (ORT's WASM threads; 0 on WebGPU)
   */
  static async fromConfig(configText, { computeThreads = 1, offThread = true } = {}) {
    const pp = new ParallelPreprocessor(await ImagePreprocessor.fromConfig(configText));
    if (!offThread) return pp;
    const count = Math.max(1, Math.min(MAX_WORKERS, (await cores()) - computeThreads));
    const lanes = [];
    for (let i = 0; i < count; i++) {
      const worker = await startWorker().catch(() => null);
      if (worker) lanes.push(new Lane(worker));
    }
    const ok = await Promise.all(lanes.map((l) => l.call({ config: configText }).then(() => true, () => false)));
    pp.#lanes = lanes.filter((l, i) => {
      if (!ok[i]) l.close(workerFailed());
      return ok[i];
    });
    return pp;
  }

  /** How many workers decode (0: this thread does). */
  get workers() { return this.#lanes.filter((l) => !l.dead).length; }

  /** One image (bytes, Blob, ImageData or ImageBitmap) to float32 CHW: {data, dims}. */
  preprocess(img) {
    if (isRaster(img)) return Promise.resolve().then(() => this.#raster(img));
    const lane = this.#lanes.filter((l) => !l.dead).sort((a, b) => a.pending.size - b.pending.size)[0];
    if (!lane) return this.#local.fromEncoded(img);
    const input = img instanceof ArrayBuffer ? new Uint8Array(img) : img;
    return lane.call({ input }).catch((err) => {
      if (err.workerFailed) return this.#local.fromEncoded(img);
      throw err;
    });
  }

  close() {
    this.#local.close();
    for (const l of this.#lanes) l.close(makeError('CLOSED', 'ImagePreprocessor is closed'));
    this.#lanes = [];
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
