// Model: a CLIP-family model in the Hugging Face ONNX layout, run with ONNX Runtime Web (WebGPU first,
// WASM fallback). The C++ core tokenizes and preprocesses; ORT runs one session per tower, created
// only when a call needs it (text search never loads the vision model).
import { check, ClipfindError, ClosedError, InvalidInputError, ModelFileError } from './errors.js';
import { ParallelPreprocessor } from './parallel_preprocessor.js';
import { resolveSource } from './model_source.js';
import { RemoteModel } from './remote_model.js';
import { scoreFromCosine } from './scoring.js';
import { sha256Hex } from './digest.js';
import { Tokenizer } from './tokenizer.js';
import { loadWasm } from './wasm.js';
import { isNode, nodeImport } from './env.js';


// How each family pads text and turns cosine similarity into a score.
const FAMILIES = {
  clip: { padding: 'longest', scoring: 'softmax' },
  siglip: { padding: 'max_length', scoring: 'sigmoid' },
  mobileclip: { padding: 'max_length', padId: 0, scoring: 'softmax' },
  open_clip: { padding: 'max_length', padId: 0, scoring: 'softmax' },
};


const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized', quantized: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4' };

// ONNX Runtime Web: in Node its package entry (WASM backend). In browsers, first the builds the
// repository's build copies to web/vendor/ort/ (pages served as files, no bundler or import map), then
// the `onnxruntime-web` dependency by name, which bundlers (Vite, webpack) resolve and package with its
// .wasm; served unbundled from node_modules, the sibling package's dist/ is the last resort.
const ortBuilds = new Map();
function defaultOrt(backend) {
  const key = isNode ? 'node' : backend === 'webgpu' ? 'webgpu' : 'wasm';
  if (!ortBuilds.has(key)) ortBuilds.set(key, isNode ? nodeImport('onnxruntime-web') : browserOrt(key));
  return ortBuilds.get(key);
}

const ORT_FILES = {
  wasm: { entry: 'ort.wasm.min.mjs', factory: 'ort-wasm-simd-threaded' },
  webgpu: { entry: 'ort.webgpu.min.mjs', factory: 'ort-wasm-simd-threaded.asyncify' },
};
// Directories (relative to this file) that may hold ORT's unbundled files. Held in a variable so
// bundlers do not try to resolve them at build time.
const ORT_DIRS = ['./vendor/ort/', '../../onnxruntime-web/dist/'];

async function browserOrt(key) {
  const { entry, factory } = ORT_FILES[key];
  // A bundler rewrites these literal specifiers to its own chunks; unbundled, a bare specifier fails
  // at once (no request), and the files served beside this module are used.
  try {
    const ort = key === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
    return ort.default?.InferenceSession ? ort.default : ort;
  } catch {}
  let lastError;
  for (const dir of ORT_DIRS) {
    const base = new URL(dir, import.meta.url);
    let ort;
    try {
      ort = await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL(entry, base).href);
    } catch (err) {
      lastError = err;
      continue;
    }
    // ORT starts its WASM threads from the factory script; from a blob URL those workers share this
    // context's service worker, so they load offline as well.
    try {
      const text = await (await fetch(new URL(`${factory}.mjs`, base))).text();
      const mjs = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
      ort.env.wasm.wasmPaths = { mjs, wasm: new URL(`${factory}.wasm`, base).href };
    } catch {
      ort.env.wasm.wasmPaths = base.href;
    }
    return ort;
  }
  throw new ClipfindError('BACKEND_UNAVAILABLE', `ONNX Runtime Web could not be loaded: import 'clipfind' through a bundler, or serve the package with web/vendor/ort/ (npm run build) or node_modules/onnxruntime-web beside it (${lastError?.message ?? 'not found'})`);
}

function concat(parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return all;
}

// A software WebGPU adapter (Chromium's SwiftShader: isFallbackAdapter, on adapter.info in newer
// browsers) runs ORT's kernels on the CPU about 50-100x slower than the WASM backend.
function isSoftwareAdapter(adapter) {
  return Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) || adapter.info?.architecture === 'swiftshader';
}

/** What `backend` would run here: { backend, shaderF16, note } (note says why 'auto' took WASM). */
export async function detectBackend(requested = 'auto') {
  if (requested === 'wasm') return { backend: 'wasm', shaderF16: false, note: null };
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  let adapter = null;
  if (gpu) {
    try {
      adapter = await gpu.requestAdapter();
    } catch {
      adapter = null;
    }
  }
  const shaderF16 = Boolean(adapter?.features.has('shader-f16'));
  if (requested === 'webgpu') return { backend: adapter ? 'webgpu' : 'wasm', shaderF16, note: adapter ? null : 'no WebGPU adapter' };
  if (adapter && isSoftwareAdapter(adapter)) return { backend: 'wasm', shaderF16: false, note: 'software GPU skipped' };
  return { backend: adapter ? 'webgpu' : 'wasm', shaderF16, note: null };
}

async function pickBackend(requested, dtype) {
  if (!['auto', 'webgpu', 'wasm'].includes(requested)) throw new InvalidInputError('INVALID_ARGUMENT', `backend must be 'auto', 'webgpu' or 'wasm', got '${requested}'`);
  const found = await detectBackend(requested);
  if (requested === 'webgpu') {
    if (found.backend !== 'webgpu') throw new ClipfindError('BACKEND_UNAVAILABLE', 'WebGPU was requested but no WebGPU adapter is available');
    if (dtype === 'fp16' && !found.shaderF16) throw new ClipfindError('BACKEND_UNAVAILABLE', 'fp16 on WebGPU needs the shader-f16 feature, which this adapter lacks');
    return found;
  }
  if (found.backend === 'webgpu' && dtype === 'fp16' && !found.shaderF16) return { ...found, backend: 'wasm' };
  return found;
}

function l2normalize(data, rows, dim) {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[r * dim + j] * data[r * dim + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) data[r * dim + j] *= inv;
  }
  return data;
}

export class Model {
  #source;
  #opts;
  #files;
  #ort;
  #text = null; // { session, tokenizer }
  #vision = null; // { session, preprocessor }
  #closed = false;
  #turn = Promise.resolve();
  info;
  /** Where the last output tensor lived: 'gpu-buffer' when WebGPU ran the model, else 'cpu'. */
  lastOutputLocation = null;

  constructor(source, opts, files, ort, info) {
    this.#source = source;
    this.#opts = opts;
    this.#files = files;
    this.#ort = ort;
    this.info = info;
  }

  /**
   * @param source a directory (Node), a base URL, a FileList/File[] or a FileSystemDirectoryHandle
   * @param {{backend?: 'auto'|'webgpu'|'wasm', dtype?: string, onProgress?: Function, batchSize?: number, ort?: object, threads?: number, worker?: boolean}} [options]
   *   In pages the model runs in a Web Worker (a RemoteModel with the same API) unless worker: false.
   */
  static async load(source, { backend = 'auto', dtype = 'fp32', onProgress, batchSize = 16, ort, threads, worker } = {}) {
    // In a page, the model runs in a dedicated worker unless told otherwise (or given an ORT module).
    const inPage = typeof window !== 'undefined' && typeof Worker !== 'undefined';
    if (inPage && worker !== false && !ort) return RemoteModel.load(source, { backend, dtype, onProgress, batchSize, threads });
    const src = resolveSource(source);
    if (!(dtype in DTYPE_SUFFIX)) throw new InvalidInputError('INVALID_ARGUMENT', `dtype must be one of ${Object.keys(DTYPE_SUFFIX).join(', ')}, got '${dtype}'`);
    const text = async (file, required = true) => {
      if (!required && !(await src.has(file))) return null;
      return new TextDecoder().decode(await src.readBytes(file, onProgress));
    };
    const files = {
      config: await text('config.json'),
      preprocessor: await text('preprocessor_config.json'),
      tokenizer: await text('tokenizer.json'),
      tokenizerConfig: (await text('tokenizer_config.json', false)) ?? '',
    };
    // config.json is parsed and checked in the C++ core (typed ModelFileError naming the field).
    const config = check((await loadWasm()).parseModelConfig(files.config, src.name));
    const { name, family } = config;
    const { backend: chosen, note: backendNote } = await pickBackend(backend, dtype);
    const ortModule = ort ?? (await defaultOrt(chosen));
    if (!ort) ortModule.env.logLevel = 'error'; // the bundled ORT's warnings are not the user's errors
    if (isNode || threads !== undefined) ortModule.env.wasm.numThreads = threads ?? 1;
    else ortModule.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    const enc = new TextEncoder();
    const hash = await sha256Hex(concat([files.config, files.preprocessor, files.tokenizer, files.tokenizerConfig, dtype].map((s) => enc.encode(s))));
    const rules = FAMILIES[family];
    const info = {
      name,
      id: `${name}@${hash.slice(0, 16)}`,
      family,
      dim: config.dim,
      backend: chosen,
      backendNote,
      threads: chosen === 'wasm' ? ortModule.env.wasm.numThreads : 0,
      dtype,
      scoring: rules.scoring,
      logitScale: config.logitScale,
      logitBias: config.logitBias,
      calibrated: config.calibrated,
    };
    return new Model(src, { backend, requested: backend, dtype, onProgress, batchSize }, files, ortModule, info);
  }

  /** Embeds texts: Float32Array of n × dim, L2-normalized. */
  async embedTexts(texts) {
    this.#check();
    if (typeof texts === 'string') texts = [texts];
    if (!Array.isArray(texts)) throw new InvalidInputError('INVALID_ARGUMENT', 'embedTexts: expected an array of strings');
    const tower = await this.#textTower();
    const out = [];
    for (let i = 0; i < texts.length; i += this.#opts.batchSize) {
      const batch = texts.slice(i, i + this.#opts.batchSize);
      const rules = FAMILIES[this.info.family];
      const { inputIds, attentionMask, dims } = tower.tokenizer.encodeBatch(batch, { padding: rules.padding });
      const feeds = { input_ids: new this.#ort.Tensor('int64', inputIds, dims) };
      if (tower.session.inputNames.includes('attention_mask')) feeds.attention_mask = new this.#ort.Tensor('int64', attentionMask, dims);
      out.push(await this.#exclusive(() => this.#run(tower, feeds, batch.length, 'text')));
    }
    return this.#concat(out, texts.length);
  }

  /**
   * Embeds images: bytes (Uint8Array/ArrayBuffer), Blobs, ImageData or ImageBitmaps.
   * A pipeline: the next batch decodes and preprocesses on its own thread (ParallelPreprocessor)
   * while ONNX Runtime runs this one; concurrent calls share the pipeline (runs take turns).
   * @returns {Promise<Float32Array>} n × dim, L2-normalized
   */
  async embedImages(images) {
    this.#check();
    if (!Array.isArray(images)) images = [images];
    const tower = await this.#visionTower();
    const size = this.#opts.batchSize;
    // Preprocessing runs up to two batches ahead of inference (ParallelPreprocessor's workers), and
    // each run takes the images that are ready (at least one, at most a batch): the first run starts
    // after one image, and where decoding is the slower stage runs stay small instead of waiting.
    const queue = [];
    let started = 0;
    const refill = (consumed) => {
      for (; started < images.length && started < consumed + 2 * size; started++) {
        const entry = { ready: false };
        entry.promise = tower.preprocessor.preprocess(images[started]);
        entry.promise.then(() => { entry.ready = true; }, () => { entry.ready = true; });
        queue.push(entry);
      }
    };
    const out = [];
    for (let i = 0; i < images.length;) {
      refill(i);
      await queue[i].promise;
      // let results that arrived during the last run be delivered before taking the ready ones
      if (queue[i + 1] && !queue[i + 1].ready) await new Promise((r) => setTimeout(r, 0));
      let n = 1;
      while (n < size && queue[i + n]?.ready) n++;
      const items = await Promise.all(queue.slice(i, i + n).map((e) => e.promise));
      const [c, h, w] = items[0].dims;
      const data = new Float32Array(n * c * h * w);
      items.forEach((it, k) => {
        if (it.dims[1] !== h || it.dims[2] !== w) throw new InvalidInputError('DIMENSION_MISMATCH', 'embedImages: images preprocess to different sizes');
        data.set(it.data, k * c * h * w);
      });
      for (let k = i; k < i + n; k++) queue[k] = null; // their pixels can go
      i += n;
      refill(i);
      const feeds = { pixel_values: new this.#ort.Tensor('float32', data, [n, c, h, w]) };
      out.push(await this.#exclusive(() => this.#run(tower, feeds, n, 'image')));
    }
    return this.#concat(out, images.length);
  }

  /** What backend 'auto' (or the one given) would run here, without loading a model. */
  static detectBackend(requested = 'auto') { return detectBackend(requested); }

  /** Cosine similarity to the model's own score: softmax logits (CLIP) or a sigmoid probability (SigLIP). */
  score(cosine) { return scoreFromCosine(this.info, cosine); }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [this.#text, this.#vision]) {
      if (!t) continue;
      const tower = await t.catch(() => null);
      if (!tower) continue;
      await tower.session.release?.();
      (tower.tokenizer ?? tower.preprocessor).close();
    }
  }

  #check() {
    if (this.#closed) throw new ClosedError('Model is closed');
  }

  // One session run at a time: calls overlap in preprocessing, not in ONNX Runtime.
  #exclusive(fn) {
    const run = this.#turn.then(fn);
    this.#turn = run.catch(() => {});
    return run;
  }

  #concat(parts, n) {
    const dim = parts.length ? parts[0].data.length / parts[0].rows : this.info.dim ?? 0;
    const out = new Float32Array(n * dim);
    let off = 0;
    for (const p of parts) {
      out.set(p.data, off);
      off += p.data.length;
    }
    return out;
  }

  async #run(tower, feeds, rows, kind) {
    let results;
    try {
      results = await tower.session.run(feeds);
    } catch (err) {
      throw new ModelFileError('INVALID_MODEL', `${tower.file}: inference failed: ${err.message}`);
    }
    const names = kind === 'text' ? ['text_embeds', 'pooler_output', 'sentence_embedding'] : ['image_embeds', 'pooler_output'];
    const name = names.find((n) => n in results) ?? tower.session.outputNames[0];
    const t = results[name];
    if (t.dims.length !== 2 || t.dims[0] !== rows) throw new ModelFileError('INVALID_MODEL', `${tower.file}: output '${name}' has shape [${t.dims}], expected [${rows}, dim]`);
    const dim = t.dims[1];
    if (this.info.dim == null) this.info.dim = dim;
    if (dim !== this.info.dim) {
      throw new ModelFileError('INVALID_MODEL', `${tower.file}: ${kind} embeddings have ${dim} dimensions but the model's are ${this.info.dim} (towers of different dims)`);
    }
    const location = t.location ?? 'cpu';
    const data = location === 'gpu-buffer' ? await t.getData(true) : t.data;
    this.lastOutputLocation = location;
    return { data: l2normalize(Float32Array.from(data), rows, dim), rows };
  }

  async #session(file) {
    const bytes = await this.#source.readBytes(file, this.#opts.onProgress);
    const webgpu = this.info.backend === 'webgpu';
    // On WebGPU the outputs stay on the GPU ('gpu-buffer') until read: proof of where inference ran.
    const options = webgpu ? { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' } : { executionProviders: ['wasm'] };
    try {
      // logSeverityLevel 3: ORT's own warnings (node placement, unused initializers) stay out of the console; errors still throw.
      return await this.#ort.InferenceSession.create(bytes, { ...options, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    } catch (err) {
      if (this.info.backend === 'webgpu' && this.#opts.requested === 'auto') {
        // WebGPU could not run this model: fall back, and say so in info.backend.
        this.info.backend = 'wasm';
        this.info.backendNote = 'WebGPU could not run this model';
        this.info.threads = this.#ort.env.wasm.numThreads;
        return this.#session(file);
      }
      throw new ModelFileError('INVALID_MODEL', `${file}: ONNX Runtime could not load it (${String(err.message ?? err).split('\n')[0]})`);
    }
  }

  #textTower() {
    this.#text ??= (async () => {
      const file = `onnx/text_model${DTYPE_SUFFIX[this.#opts.dtype]}.onnx`;
      const rules = FAMILIES[this.info.family];
      const tokenizer = await Tokenizer.fromFiles({ tokenizer: this.#files.tokenizer, config: this.#files.tokenizerConfig, padId: rules.padId });
      try {
        const session = await this.#session(file);
        return { session, tokenizer, file };
      } catch (err) {
        tokenizer.close();
        throw err;
      }
    })();
    this.#text.catch(() => { this.#text = null; });
    return this.#text;
  }

  #visionTower() {
    this.#vision ??= (async () => {
      const file = `onnx/vision_model${DTYPE_SUFFIX[this.#opts.dtype]}.onnx`;
      // inference's share of the cores decides how decoding overlaps it (ParallelPreprocessor)
      const computeThreads = this.info.backend === 'wasm' ? this.#ort.env.wasm.numThreads : 0;
      const preprocessor = await ParallelPreprocessor.fromConfig(this.#files.preprocessor, { computeThreads }).catch((err) => {
        err.message = `preprocessor_config.json: ${err.message.replace(/^preprocessor_config\.json: /, '')}`;
        throw err;
      });
      try {
        const session = await this.#session(file);
        return { session, preprocessor, file };
      } catch (err) {
        preprocessor.close();
        throw err;
      }
    })();
    this.#vision.catch(() => { this.#vision = null; });
    return this.#vision;
  }

  /** Which towers are loaded (for tests: text search must not load the vision model). */
  get loadedTowers() {
    return { text: this.#text !== null, vision: this.#vision !== null };
  }
}
