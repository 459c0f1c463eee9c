// VoyageModel: Voyage AI's hosted multimodal embedding model behind the Embedder interface. This is the
// ONLY path in clipfind that sends a person's data off the device: every text and image given to
// embedTexts/embedImages is uploaded to `baseUrl` (https://api.voyageai.com by default). Nothing is
// sent by load(): the first request is the first embed call. The API key lives in a private field,
// goes only into the Authorization header, and is scrubbed from every error message.
import { ClipfindError, ClosedError, InvalidInputError, RemoteError } from './errors.js';
import { voyageImage } from './voyage_images.js';

export const VOYAGE_ORIGIN = 'https://api.voyageai.com';

// Documented limits of POST /v1/multimodalembeddings (docs.voyageai.com/reference/multimodal-
// embeddings-api, "the following constraints apply to the inputs list"):
//  - the list must not contain more than 1,000 inputs;
//  - every 560 pixels of an image count as one token; each input must not exceed 32,000 tokens and
//    the total over the list must not exceed 320,000 tokens (voyage-multimodal-3);
//  - each image at most 16 million pixels and 20 MB (voyage_images.js).
export const MAX_INPUTS = 1000;
export const MAX_TOKENS_PER_REQUEST = 320_000;
export const PIXELS_PER_TOKEN = 560;
// Not documented: a cap of our own on one request's JSON, so a batch of large photos is several
// requests of tens of MB rather than one of hundreds (a dropped connection then costs one of them).
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const MODELS = { 'voyage-multimodal-3': { dim: 1024, maxTextTokens: 32000 } };

// Tokens of a text, from above: a token covers at least one UTF-8 byte, so the byte count never
// undercounts what Voyage's tokenizer makes of it (a batch planned on it stays within the limit).
const textTokens = (text) => new TextEncoder().encode(text).length;

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

// Retry-After: seconds, or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable.
function retryAfterMs(value) {
  if (value == null || value === '') return null;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

function l2normalize(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

export class VoyageModel {
  #apiKey;
  #url;
  #fetch;
  #maxRetries;
  #batchSize;
  #maxPixels;
  #closed = false;
  info;
  lastOutputLocation = null;

  constructor({ model, apiKey, baseUrl, fetch: fetchFn, maxRetries, batchSize, maxPixels }) {
    this.#apiKey = apiKey;
    this.#url = `${baseUrl.replace(/\/+$/, '')}/v1/multimodalembeddings`;
    this.#fetch = (url, init) => fetchFn.call(globalThis, url, init); // a page's fetch must be called on the window
    this.#maxRetries = maxRetries;
    this.#batchSize = batchSize;
    this.#maxPixels = maxPixels;
    const { dim, maxTextTokens } = MODELS[model];
    this.info = {
      name: model,
      id: `voyage:${model}`,
      family: 'voyage',
      dim,
      backend: 'remote',
      backendNote: `runs at ${new URL(baseUrl).origin}: texts and images are sent there`,
      threads: 0,
      dtype: 'fp32',
      scoring: 'cosine',
      logitScale: 1,
      logitBias: 0,
      calibrated: false,
      remote: { provider: 'voyage', origin: new URL(baseUrl).origin },
      // PDF pages render at 2 × 512 on the short edge: about 1.3 MP, 2,400 tokens an A4 page.
      imageSize: 512,
      maxTextTokens,
    };
  }

  /**
   * @param {{provider: 'voyage', model?: string, apiKey: string, baseUrl?: string, fetch?: typeof fetch, maxRetries?: number, batchSize?: number, maxPixels?: number}} options
   */
  static async load({ provider, model = 'voyage-multimodal-3', apiKey, baseUrl = VOYAGE_ORIGIN, fetch: fetchFn = globalThis.fetch, maxRetries = 5, batchSize = MAX_INPUTS, maxPixels = 16_000_000 } = {}) {
    if (provider !== 'voyage') throw new InvalidInputError('INVALID_ARGUMENT', `unknown model provider '${provider}' (the one remote provider is 'voyage')`);
    if (!(model in MODELS)) throw new InvalidInputError('INVALID_ARGUMENT', `unknown Voyage model '${model}' (supported: ${Object.keys(MODELS).join(', ')})`);
    if (typeof apiKey !== 'string' || !apiKey.trim()) throw new InvalidInputError('INVALID_ARGUMENT', 'a Voyage model needs apiKey (a string)');
    let url;
    try {
      url = new URL(baseUrl);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new InvalidInputError('INVALID_ARGUMENT', `baseUrl must be an http(s) URL, got '${baseUrl}'`);
    if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new InvalidInputError('INVALID_ARGUMENT', `maxRetries must be a whole number >= 0, got ${maxRetries}`);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_INPUTS) throw new InvalidInputError('INVALID_ARGUMENT', `batchSize must be 1..${MAX_INPUTS}, got ${batchSize}`);
    if (!(maxPixels >= 1 && maxPixels <= 16_000_000)) throw new InvalidInputError('INVALID_ARGUMENT', `maxPixels must be 1..16000000, got ${maxPixels}`);
    if (typeof fetchFn !== 'function') throw new ClipfindError('BACKEND_UNAVAILABLE', 'no fetch() here: pass options.fetch');
    return new VoyageModel({ model, apiKey, baseUrl: url.href, fetch: fetchFn, maxRetries, batchSize, maxPixels });
  }

  /** Texts → n × 1024, L2-normalized. `inputType` 'query' (default: search terms, prompts) or 'document' (captions). */
  async embedTexts(texts, { inputType = 'query' } = {}) {
    this.#check();
    if (typeof texts === 'string') texts = [texts];
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) throw new InvalidInputError('INVALID_ARGUMENT', 'embedTexts: expected an array of strings');
    return this.#embed(texts.map((text) => ({ part: { type: 'text', text }, tokens: Math.max(1, textTokens(text)), size: text.length + 32 })), inputType);
  }

  /** Images → n × 1024, L2-normalized. `inputType` 'document' (default: library items) or 'query' (a query photo). */
  async embedImages(images, { inputType = 'document' } = {}) {
    this.#check();
    if (!Array.isArray(images)) images = [images];
    const inputs = [];
    for (const image of images) {
      const img = await voyageImage(image, { maxPixels: this.#maxPixels });
      inputs.push({ part: { type: 'image_base64', image_base64: img.dataUrl }, tokens: Math.ceil(img.pixels / PIXELS_PER_TOKEN), size: img.dataUrl.length + 48 });
    }
    return this.#embed(inputs, inputType);
  }

  score(cosine) { return cosine; }

  async close() { this.#closed = true; }

  #check() {
    if (this.#closed) throw new ClosedError('Model is closed');
  }

  // Inputs in requests within the documented limits (count, total tokens) and our body cap, one
  // request at a time, results in order.
  async #embed(inputs, inputType) {
    if (inputType !== 'query' && inputType !== 'document') throw new InvalidInputError('INVALID_ARGUMENT', `inputType must be 'query' or 'document', got '${inputType}'`);
    const dim = this.info.dim;
    const out = new Float32Array(inputs.length * dim);
    let start = 0;
    while (start < inputs.length) {
      let end = start;
      let tokens = 0;
      let size = 0;
      while (end < inputs.length && end - start < this.#batchSize) {
        const next = inputs[end];
        if (end > start && (tokens + next.tokens > MAX_TOKENS_PER_REQUEST || size + next.size > MAX_BODY_BYTES)) break;
        tokens += next.tokens;
        size += next.size;
        end++;
      }
      const batch = inputs.slice(start, end);
      const body = { inputs: batch.map((b) => ({ content: [b.part] })), model: this.info.name, input_type: inputType, truncation: true };
      const data = await this.#post(body, batch.length);
      data.forEach((v, i) => out.set(l2normalize(v), (start + i) * dim));
      start = end;
    }
    this.lastOutputLocation = 'cpu';
    return out;
  }

  // One request, retried on 429/5xx/network failures with exponential backoff (0.5 s × 2^attempt,
  // at most 30 s, with jitter) or the server's Retry-After when it gives one.
  async #post(body, n) {
    const json = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      this.#check();
      let res;
      try {
        res = await this.#fetch(this.#url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.#apiKey}` },
          body: json,
        });
      } catch (err) {
        if (attempt < this.#maxRetries) {
          await sleep(this.#backoff(attempt, null));
          continue;
        }
        throw new RemoteError('REMOTE_UNREACHABLE', this.#scrub(`Voyage API unreachable at ${new URL(this.#url).origin} after ${attempt + 1} attempts (${err?.message ?? err})`));
      }
      if (res.ok) return this.#parse(await res.text(), n);
      const detail = this.#scrub(await res.text().catch(() => ''));
      const retryable = res.status === 429 || res.status >= 500;
      if (retryable && attempt < this.#maxRetries) {
        await sleep(this.#backoff(attempt, retryAfterMs(res.headers.get('retry-after'))));
        continue;
      }
      const { code, message } = this.#httpError(res.status, detail, attempt + 1);
      throw new RemoteError(code, message);
    }
  }

  #backoff(attempt, retryAfter) {
    if (retryAfter != null) return Math.min(retryAfter, 120_000);
    const base = Math.min(30_000, 500 * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  // The code and message of an HTTP failure (the key scrubbed).
  #httpError(status, detail, attempts) {
    let message = detail;
    try {
      message = JSON.parse(detail).detail ?? detail;
    } catch {}
    message = this.#scrub(String(message)).slice(0, 500);
    if (status === 401 || status === 403) return { code: 'REMOTE_UNAUTHORIZED', message: `Voyage API refused the API key (HTTP ${status}): check the key${message ? ` (${message})` : ''}` };
    if (status === 429) return { code: 'REMOTE_RATE_LIMITED', message: `Voyage API rate limit: still HTTP 429 after ${attempts} attempts${message ? ` (${message})` : ''}` };
    if (status >= 500) return { code: 'REMOTE_UNAVAILABLE', message: `Voyage API error HTTP ${status} after ${attempts} attempts${message ? ` (${message})` : ''}` };
    return { code: 'REMOTE_BAD_REQUEST', message: `Voyage API rejected the request (HTTP ${status})${message ? `: ${message}` : ''}` };
  }

  // The key never appears in what we throw, even when a server echoes it back.
  #scrub(text) {
    return this.#apiKey ? String(text).split(this.#apiKey).join('[API key]') : String(text);
  }

  #parse(text, n) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RemoteError('REMOTE_BAD_RESPONSE', 'Voyage API answered with something other than JSON');
    }
    const data = Array.isArray(body?.data) ? body.data : null;
    if (!data || data.length !== n) throw new RemoteError('REMOTE_BAD_RESPONSE', `Voyage API returned ${data ? data.length : 'no'} embeddings for ${n} inputs`);
    const out = new Array(n);
    for (const d of data) {
      const i = d?.index;
      const e = d?.embedding;
      if (!Number.isInteger(i) || i < 0 || i >= n || out[i] || !Array.isArray(e) || e.length !== this.info.dim || !e.every(Number.isFinite)) {
        throw new RemoteError('REMOTE_BAD_RESPONSE', `Voyage API returned a malformed embedding (index ${i}, ${Array.isArray(e) ? e.length : 'no'} values; expected ${this.info.dim})`);
      }
      out[i] = Float32Array.from(e);
    }
    return out;
  }
}
