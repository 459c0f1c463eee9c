// WorkerModel: the model of a page, a LocalModel run in a dedicated Web Worker (web/worker.js) so the
// page never blocks; the same Embedder interface, its calls posted as messages.
import { decodeAudio } from './audio_decode.js';
import { ClosedError, makeError } from './errors.js';
import { scoreFromCosine } from './scoring.js';

// Served as the package's own files (this module keeps its name), a page controlled by a service worker
// starts the worker from a blob-URL bootstrap: it inherits the page's service worker, so the worker's
// modules load from the offline cache too (a worker started from its own URL, outside the service
// worker's scope, was not intercepted in Chromium). Otherwise the worker starts with the one expression
// bundlers (Vite, webpack 5, Parcel) recognise and bundle with its imports.
const WORKER_FILE = './worker.js';
function startWorker() {
  const unbundled = import.meta.url.endsWith('/worker_model.js');
  if (unbundled && typeof navigator !== 'undefined' && navigator.serviceWorker?.controller) {
    const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(new URL(WORKER_FILE, import.meta.url).href)};`], { type: 'text/javascript' }));
    setTimeout(() => URL.revokeObjectURL(boot), 60000);
    return new Worker(boot, { type: 'module', name: 'clipfind-model' });
  }
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'clipfind-model' });
}

export class WorkerModel {
  #worker;
  #pending = new Map();
  #next = 1;
  #progress = new Map();
  info;
  lastOutputLocation = null;

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = (e) => {
      const msg = e.data;
      if (msg.progress !== undefined) {
        this.#progress.get(msg.progress)?.(msg.event);
        return;
      }
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(makeError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    };
    worker.onerror = (e) => {
      for (const p of this.#pending.values()) p.reject(makeError('INTERNAL', `model worker failed: ${e.message ?? 'unknown error'}`));
      this.#pending.clear();
    };
  }

  static async load(source, { onProgress, ...options } = {}) {
    // The worker's own location is a blob: URL, so relative model URLs are resolved here.
    if (typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(source)) source = new URL(source, location.href).href;
    const worker = startWorker();
    const remote = new WorkerModel(worker);
    try {
      remote.info = await remote.#call('load', [source, options], onProgress);
    } catch (err) {
      worker.terminate();
      throw err;
    }
    return remote;
  }

  async embedTexts(texts) { return this.#embed('embedTexts', typeof texts === 'string' ? [texts] : texts); }

  async embedImages(images) { return this.#embed('embedImages', Array.isArray(images) ? images : [images]); }

  /**
   * Sounds are decoded here on the page (decodeAudioData needs a window; workers have no Web Audio),
   * at 48 kHz, CLAP's rate; the worker's LocalModel computes the features and embeds.
   */
  async embedAudio(inputs, { names } = {}) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const decoded = [];
    for (let i = 0; i < list.length; i++) decoded.push(await decodeAudio(list[i], { name: names?.[i] ?? `audio ${i}`, rate: 48000 }));
    const { data, location, info } = await this.#call('embedAudio', [decoded, { names }]);
    this.lastOutputLocation = location;
    this.info = info;
    return data;
  }

  score(cosine) { return scoreFromCosine(this.info, cosine); }

  async close() {
    if (!this.#worker) return;
    try {
      await this.#call('close', []);
    } finally {
      this.#worker.terminate();
      this.#worker = null;
      this.#progress.clear();
    }
  }

  async #embed(method, args) {
    const { data, location, info } = await this.#call(method, [args]);
    this.lastOutputLocation = location;
    this.info = info;
    return data;
  }

  #call(method, args, onProgress) {
    if (!this.#worker) return Promise.reject(new ClosedError('Model is closed'));
    const id = this.#next++;
    if (onProgress) this.#progress.set(id, onProgress);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args });
    }).finally(() => {
      // The towers' .onnx files download on first use, after load() returned: its listener stays.
      if (method !== 'load') this.#progress.delete(id);
    });
  }
}
