// LocalModel: a CLIP-family model in the Hugging Face ONNX layout, run here (Node, a worker, or a page
// that asked for no worker) with ONNX Runtime Web (WebGPU first, WASM fallback). The C++ core reads
// config.json (family rules: padding, pad id, score), tokenizes and preprocesses; ORT runs one session
// per tower, created only when a call needs it (text search never loads the vision model).
import { check, ClosedError, InvalidInputError, ModelFileError } from './errors.js';
import { ParallelPreprocessor } from './parallel_preprocessor.js';
import { resolveSource } from './model_source.js';
import { defaultOrt, pickBackend } from './ort.js';
import { scoreFromCosine } from './scoring.js';
import { sha256Hex } from './digest.js';
import { Tokenizer } from './tokenizer.js';
import { loadWasm } from './wasm.js';
import { isNode } from './env.js';
import { concatBytes } from './bytes.js';
import { decodeAudio } from './audio_decode.js';
import { clapFeatures, featureBatch } from './audio_features.js';

/** Internal (clipfind/internal): which towers a local model has loaded (text search must not load the vision one). */
export let loadedTowers;

const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized', quantized: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4' };

function l2normalize(data, rows, dim) {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[r * dim + j] * data[r * dim + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) data[r * dim + j] *= inv;
  }
  return data;
}

// The vision input's edge and the text tower's token length as config.json states them (what PDF
// pages are rendered and their text cut for); absent fields stay absent.
function inputSizes(configText) {
  let c;
  try {
    c = JSON.parse(configText);
  } catch {
    return {};
  }
  const out = {};
  const edge = c?.vision_config?.image_size;
  const tokens = c?.text_config?.max_position_embeddings;
  if (Number.isInteger(edge) && edge > 0) out.imageSize = edge;
  if (Number.isInteger(tokens) && tokens > 0) out.maxTextTokens = tokens;
  return out;
}

export class LocalModel {
  #source;
  #opts;
  #files;
  #ort;
  #rules; // the family's { padding, padId } from the C++ config
  #text = null; // { session, tokenizer }
  #vision = null; // { session, preprocessor }
  #audio = null; // { session, file } (CLAP models: family 'clap')
  #closed = false;
  #turn = Promise.resolve();
  info;
  /** Where the last output tensor lived: 'gpu-buffer' when WebGPU ran the model, else 'cpu'. */
  lastOutputLocation = null;

  static {
    loadedTowers = (model) => ({ text: model.#text !== null, vision: model.#vision !== null });
  }

  constructor(source, opts, files, ort, info, rules) {
    this.#source = source;
    this.#opts = opts;
    this.#files = files;
    this.#ort = ort;
    this.info = info;
    this.#rules = rules;
  }

  /**
   * @param source a directory (Node), a base URL, a FileList/File[], a FileSystemDirectoryHandle or a reader
   * @param {{backend?: 'auto'|'webgpu'|'wasm', dtype?: string, onProgress?: Function, batchSize?: number, ort?: object, threads?: number}} [options]
   */
  static async load(source, { backend = 'auto', dtype = 'fp32', onProgress, batchSize = 16, ort, threads } = {}) {
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
    const hash = await sha256Hex(concatBytes([files.config, files.preprocessor, files.tokenizer, files.tokenizerConfig, dtype].map((s) => enc.encode(s))));
    const info = {
      name,
      id: `${name}@${hash.slice(0, 16)}`,
      family,
      dim: config.dim,
      backend: chosen,
      backendNote,
      threads: chosen === 'wasm' ? ortModule.env.wasm.numThreads : 0,
      dtype,
      scoring: config.scoring,
      logitScale: config.logitScale,
      logitBias: config.logitBias,
      calibrated: config.calibrated,
      ...inputSizes(files.config),
    };
    return new LocalModel(src, { backend, requested: backend, dtype, onProgress, batchSize }, files, ortModule, info, { padding: config.padding, padId: config.padId });
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
      const { inputIds, attentionMask, dims } = tower.tokenizer.encodeBatch(batch, { padding: this.#rules.padding });
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
    if (this.info.family === 'clap') throw new InvalidInputError('INVALID_ARGUMENT', `embedImages: ${this.info.name} is an audio-text model (CLAP): it embeds audio and text, not images`);
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

  /**
   * Embeds sounds (CLAP models): audio file bytes/Blobs/Files (WAV/FLAC/MP3/OGG: decodeAudioData in a
   * page, ffmpeg in Node), AudioBuffers or { samples: Float32Array (mono), sampleRate }. Features are
   * the C++ ClapFeatureExtractor's (web/audio_features.js). `names` name the inputs in errors.
   * @returns {Promise<Float32Array>} n × dim, L2-normalized
   */
  async embedAudio(inputs, { names } = {}) {
    this.#check();
    if (this.info.family !== 'clap') throw new InvalidInputError('INVALID_ARGUMENT', `embedAudio: ${this.info.name} is not an audio model (family '${this.info.family}'; a CLAP model embeds audio)`);
    if (!Array.isArray(inputs)) inputs = [inputs];
    const tower = await this.#audioTower();
    const out = [];
    for (let i = 0; i < inputs.length; i += this.#opts.batchSize) {
      const features = [];
      for (let j = i; j < Math.min(inputs.length, i + this.#opts.batchSize); j++) {
        const name = names?.[j] ?? `audio ${j}`;
        const decoded = await decodeAudio(inputs[j], { name, rate: tower.rate });
        features.push(await clapFeatures(this.#files.preprocessor, decoded, name));
      }
      const { data, dims, isLonger } = featureBatch(features);
      const feeds = { input_features: new this.#ort.Tensor('float32', data, dims) };
      if (tower.session.inputNames.includes('is_longer')) feeds.is_longer = new this.#ort.Tensor('bool', Uint8Array.from(isLonger, Number), [dims[0], 1]);
      out.push(await this.#exclusive(() => this.#run(tower, feeds, dims[0], 'audio')));
    }
    return this.#concat(out, inputs.length);
  }

  /** Cosine similarity to the model's own score: softmax logits (CLIP) or a sigmoid probability (SigLIP). */
  score(cosine) { return scoreFromCosine(this.info, cosine); }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [this.#text, this.#vision, this.#audio]) {
      if (!t) continue;
      const tower = await t.catch(() => null);
      if (!tower) continue;
      await tower.session.release?.();
      (tower.tokenizer ?? tower.preprocessor)?.close();
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
    const names = kind === 'text' ? ['text_embeds', 'pooler_output', 'sentence_embedding'] : kind === 'audio' ? ['audio_embeds', 'pooler_output'] : ['image_embeds', 'pooler_output'];
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
      const tokenizer = await Tokenizer.fromFiles({ tokenizer: this.#files.tokenizer, config: this.#files.tokenizerConfig, padId: this.#rules.padId ?? undefined });
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

  #audioTower() {
    this.#audio ??= (async () => {
      const { samplingRate } = check((await loadWasm()).clapFeatureConfig(this.#files.preprocessor));
      const file = `onnx/audio_model${DTYPE_SUFFIX[this.#opts.dtype]}.onnx`;
      return { session: await this.#session(file), file, rate: samplingRate };
    })();
    this.#audio.catch(() => { this.#audio = null; });
    return this.#audio;
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
}
