// LateInteractionModel: a ColPali-family model (page image → one vector per patch token, query text →
// one vector per text token) in the layout of Qdrant/colmodernvbert's ONNX export: one ONNX graph with
// inputs input_ids, attention_mask and pixel_values [batch, tiles, 3, S, S], and one output of
// [batch, tokens, dim] vectors. Pages are cut into tiles as the Idefics3 processor does; the steps are
// in models/README.md ("Late-interaction models"). Runs with ONNX Runtime Web where it is loaded (Node,
// a worker, or the page).
import { ClosedError, InvalidInputError, ModelFileError } from './errors.js';
import { decodeImage, ImagePreprocessor } from './image.js';
import { resolveSource } from './model_source.js';
import { defaultOrt, pickBackend } from './ort.js';
import { sha256Hex } from './digest.js';
import { Tokenizer } from './tokenizer.js';
import { isNode } from './env.js';

const MODEL_FILES = ['model_v2.onnx', 'model.onnx', 'onnx/model.onnx'];
const PAGE_PREFIX = '<|begin_of_text|>User:';
const PAGE_SUFFIX = 'Describe the image.<end_of_utterance>\nAssistant:';
const QUERY_AUGMENTATION = '<end_of_utterance>'.repeat(10);

/** True when `source` holds a late-interaction model of this layout (processor_config.json with image_seq_len). */
export async function isLateInteraction(source) {
  const src = resolveSource(source);
  if (!(await src.has('processor_config.json'))) return false;
  try {
    const p = JSON.parse(new TextDecoder().decode(await src.readBytes('processor_config.json')));
    return Number.isInteger(p.image_seq_len) && /ColModernVBert|ColIdefics3|ColSmol/i.test(String(p.processor_class ?? 'ColModernVBert'));
  } catch {
    return false;
  }
}

function field(cond, file, what) {
  if (!cond) throw new ModelFileError('INVALID_MODEL', `${file}: ${what}`);
}

export class LateInteractionModel {
  #src;
  #ort;
  #session = null;
  #file;
  #tokenizer;
  #pre; // { S, longest, split, seq, json: base preprocessor settings }
  #resizers = new Map(); // "HxW" → ImagePreprocessor resizing to exactly that size
  #closed = false;
  info;

  constructor(src, ort, file, tokenizer, pre, info) {
    this.#src = src;
    this.#ort = ort;
    this.#file = file;
    this.#tokenizer = tokenizer;
    this.#pre = pre;
    this.info = info;
  }

  /** @param {{backend?: 'auto'|'webgpu'|'wasm', ort?: object, threads?: number, onProgress?: Function}} [options] */
  static async load(source, { backend = 'auto', ort, threads, onProgress } = {}) {
    const src = resolveSource(source);
    const text = async (file) => new TextDecoder().decode(await src.readBytes(file, onProgress));
    const json = async (file) => {
      try {
        return JSON.parse(await text(file));
      } catch (err) {
        if (err instanceof SyntaxError) throw new ModelFileError('INVALID_MODEL', `${file}: not valid JSON (${err.message})`);
        throw err;
      }
    };
    const config = await json('config.json');
    const pre = await json('preprocessor_config.json');
    const processor = await json('processor_config.json');
    const tokenizerText = await text('tokenizer.json');
    const tokenizerConfig = (await src.has('tokenizer_config.json')) ? await text('tokenizer_config.json') : '';
    const S = pre.max_image_size?.longest_edge ?? config.vision_config?.image_size;
    field(Number.isInteger(S) && S > 0, 'preprocessor_config.json', 'max_image_size.longest_edge (or config.json vision_config.image_size) must be a positive integer');
    const longest = pre.size?.longest_edge ?? 4 * S;
    field(Number.isInteger(longest) && longest >= S, 'preprocessor_config.json', 'size.longest_edge must be an integer >= the tile size');
    field(Number.isInteger(processor.image_seq_len) && processor.image_seq_len > 0, 'processor_config.json', 'image_seq_len must be a positive integer');
    let file = null;
    for (const f of MODEL_FILES) if (await src.has(f)) { file = f; break; }
    field(file !== null, 'model', `no ONNX graph (looked for ${MODEL_FILES.join(', ')})`);
    const tokenizer = await Tokenizer.fromFiles({ tokenizer: tokenizerText, config: tokenizerConfig, maxLength: 0 });
    try {
      for (const t of ['<image>', '<fake_token_around_image>', '<global-img>', '<end_of_utterance>']) {
        field(tokenizer.tokenToId(t) >= 0, 'tokenizer.json', `has no '${t}' token`);
      }
    } catch (err) {
      tokenizer.close();
      throw err;
    }
    const { backend: chosen, note } = await pickBackend(backend, 'fp32');
    const ortModule = ort ?? (await defaultOrt(chosen));
    if (!ort) ortModule.env.logLevel = 'error';
    if (isNode || threads !== undefined) ortModule.env.wasm.numThreads = threads ?? 1;
    const name = config._name_or_path ?? config.name_or_path ?? 'colmodernvbert';
    const enc = new TextEncoder();
    const hash = await sha256Hex(enc.encode(JSON.stringify([config, pre, processor]) + tokenizerText));
    const info = {
      name,
      id: `${name}@${hash.slice(0, 16)}`,
      family: 'late-interaction',
      lateInteraction: true,
      dim: config.embedding_dim ?? config.dim ?? null, // known after the first run otherwise
      backend: chosen,
      backendNote: note,
      scoring: 'maxsim',
      tileSize: S,
      imageSeqLen: processor.image_seq_len,
    };
    const base = { do_resize: true, do_center_crop: false, resample: pre.resample ?? 3, do_rescale: pre.do_rescale ?? true,
      rescale_factor: pre.rescale_factor ?? 1 / 255, do_normalize: pre.do_normalize ?? true,
      image_mean: pre.image_mean ?? [0.5, 0.5, 0.5], image_std: pre.image_std ?? [0.5, 0.5, 0.5] };
    const settings = { S, longest, split: pre.do_image_splitting ?? true, seq: processor.image_seq_len, base };
    return new LateInteractionModel(src, ortModule, file, tokenizer, settings, info);
  }

  /**
   * Query texts → one vector per token (the text and 10 <end_of_utterance> augmentation tokens, as
   * colpali-engine's query processing adds them), used as the model gives them.
   * @returns {Promise<{vectors: Float32Array, counts: Int32Array}>} Σcounts × dim
   */
  async embedQueryTokens(texts) {
    this.#check();
    if (typeof texts === 'string') texts = [texts];
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new InvalidInputError('INVALID_ARGUMENT', 'embedQueryTokens: expected an array of strings');
    const S = this.#pre.S;
    const blank = new Float32Array(3 * S * S); // one blank tile: the graph needs pixel_values
    const parts = [];
    for (const t of texts) {
      const ids = this.#tokenizer.encode(t + QUERY_AUGMENTATION, { truncation: false });
      parts.push(await this.#run(ids, blank, 1));
    }
    return this.#concat(parts);
  }

  /**
   * Page images (bytes, Blobs) → one vector per token of the page prompt (image tokens of every tile
   * and the prompt's text tokens, as ColModernVBERT embeds a page).
   * @returns {Promise<{vectors: Float32Array, counts: Int32Array}>}
   */
  async embedPages(images) {
    this.#check();
    if (!Array.isArray(images)) images = [images];
    const parts = [];
    for (const image of images) {
      const { tiles, rows, cols } = await this.pageTiles(image);
      const ids = this.#tokenizer.encode(PAGE_PREFIX + this.#imagePrompt(rows, cols) + PAGE_SUFFIX, { truncation: false });
      parts.push(await this.#run(ids, tiles, tiles.length / (3 * this.#pre.S * this.#pre.S)));
    }
    return this.#concat(parts);
  }

  /** One dense vector per text (the mean of its query token vectors, L2-normalized): for captions. */
  async embedTexts(texts) { return this.#dense(await this.embedQueryTokens(texts)); }

  /** One dense vector per image (the mean of its page token vectors, L2-normalized): image queries. */
  async embedImages(images) { return this.#dense(await this.embedPages(images)); }

  /** Scores are cosines (or MaxSim means): as they are. */
  score(cosine) { return cosine; }

  #dense({ vectors, counts }) {
    const dim = this.info.dim;
    const out = new Float32Array(counts.length * dim);
    let row = 0;
    counts.forEach((n, i) => {
      for (let r = 0; r < n; r++, row++) for (let j = 0; j < dim; j++) out[i * dim + j] += vectors[row * dim + j];
      let s = 0;
      for (let j = 0; j < dim; j++) s += out[i * dim + j] ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < dim; j++) out[i * dim + j] *= inv;
    });
    return out;
  }

  /** The page's tiles as the model sees them: [tiles, 3, S, S] (grid tiles row by row, then the whole page). */
  async pageTiles(image) {
    const { S, longest, split } = this.#pre;
    const { data, width, height } = await decodeImage(image);
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0, j = 0; i < width * height; i++, j += 4) {
      rgba[j] = data[3 * i]; rgba[j + 1] = data[3 * i + 1]; rgba[j + 2] = data[3 * i + 2]; rgba[j + 3] = 255;
    }
    const scale = longest / Math.max(width, height);
    const w1 = Math.max(1, Math.round(width * scale)), h1 = Math.max(1, Math.round(height * scale));
    let rows = Math.ceil(h1 / S), cols = Math.ceil(w1 / S);
    if (!split || rows * cols === 1) rows = cols = 0;
    const tile = 3 * S * S;
    const tiles = new Float32Array((rows * cols + 1) * tile);
    if (rows) {
      const big = (await this.#resizer(rows * S, cols * S)).preprocessRGBA(rgba, width, height).data;
      const W = cols * S;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const o = (r * cols + c) * tile;
          for (let ch = 0; ch < 3; ch++) {
            for (let y = 0; y < S; y++) {
              const from = ch * rows * S * W + (r * S + y) * W + c * S;
              tiles.set(big.subarray(from, from + S), o + ch * S * S + y * S);
            }
          }
        }
      }
    }
    tiles.set((await this.#resizer(S, S)).preprocessRGBA(rgba, width, height).data, rows * cols * tile);
    return { tiles, rows, cols };
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session?.release?.();
    this.#tokenizer.close();
    for (const p of this.#resizers.values()) p.close();
  }

  #imagePrompt(rows, cols) {
    const tile = '<image>'.repeat(this.#pre.seq);
    const global = `<fake_token_around_image><global-img>${tile}<fake_token_around_image>`;
    if (!rows) return global;
    let s = '';
    for (let r = 1; r <= rows; r++) {
      for (let c = 1; c <= cols; c++) s += `<fake_token_around_image><row_${r}_col_${c}>${tile}`;
      s += '\n';
    }
    return `${s}\n${global}`;
  }

  async #resizer(h, w) {
    const key = `${h}x${w}`;
    if (!this.#resizers.has(key)) {
      this.#resizers.set(key, await ImagePreprocessor.fromConfig(JSON.stringify({ ...this.#pre.base, size: { height: h, width: w } })));
    }
    return this.#resizers.get(key);
  }

  async #run(ids, pixels, tiles) {
    const ort = this.#ort;
    const S = this.#pre.S;
    if (!this.#session) {
      const bytes = await this.#src.readBytes(this.#file);
      try {
        this.#session = await ort.InferenceSession.create(bytes, { executionProviders: [this.info.backend === 'webgpu' ? 'webgpu' : 'wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
      } catch (err) {
        throw new ModelFileError('INVALID_MODEL', `${this.#file}: ONNX Runtime could not load it (${String(err.message ?? err).split('\n')[0]})`);
      }
    }
    const n = ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      pixel_values: new ort.Tensor('float32', pixels, [1, tiles, 3, S, S]),
    };
    let out;
    try {
      out = (await this.#session.run(feeds))[this.#session.outputNames[0]];
    } catch (err) {
      throw new ModelFileError('INVALID_MODEL', `${this.#file}: inference failed: ${err.message}`);
    }
    const dims = out.dims;
    if (dims.length !== 3 || dims[1] !== n) throw new ModelFileError('INVALID_MODEL', `${this.#file}: output has shape [${dims}], expected [1, ${n}, dim]`);
    this.info.dim ??= dims[2];
    if (dims[2] !== this.info.dim) throw new ModelFileError('INVALID_MODEL', `${this.#file}: ${dims[2]}-dimensional output, expected ${this.info.dim}`);
    const data = out.location === 'gpu-buffer' ? await out.getData(true) : out.data;
    return Float32Array.from(data);
  }

  #concat(parts) {
    const dim = this.info.dim;
    const counts = Int32Array.from(parts, (p) => p.length / dim);
    const vectors = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      vectors.set(p, at);
      at += p.length;
    }
    return { vectors, counts };
  }

  #check() {
    if (this.#closed) throw new ClosedError('Model is closed');
  }
}

