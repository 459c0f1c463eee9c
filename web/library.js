// Library: a person's photos, each embedded as an image AND (when it has one) a caption in the model's
// space, searched by text, image or example with fused scores, a per-query relevance cutoff, filters,
// and a versioned, checksummed file format that records the model identity.
import { sha256Hex } from './digest.js';
import { ClipfindError, CorruptDataError, InvalidInputError, NotFoundError } from './errors.js';
import { FlatIndex, loadIndex } from './flat_index.js';
import { imageInfo } from './image.js';
import { checkIndexes, encodeLibraryFile, readLibraryFile, weightsProblem } from './library_file.js';
import { exportSql, readRows, syncTo } from './library_pg.js';
import { openStored, writeStored } from './library_store.js';
import { byteSource } from './byte_source.js';
import { parseQuery, parseTerm } from './query.js';
import { DEFAULT_CUTOFF, librarySample, NULL_TEXTS, nullStats, queryNull, robustStats, symmetricZ } from './relevance.js';

export { DEFAULT_CUTOFF, NULL_TEXTS };

/** Score fusion: items with a caption score image·0.7 + caption·0.3; items without one, image alone. */
export const DEFAULT_WEIGHTS = Object.freeze({ image: 0.7, caption: 0.3 });
/** Texts that describe nothing in particular: the per-item baseline of the relevance cutoff. */
export const NEUTRAL_PROMPTS = Object.freeze(['a photo', 'an image', 'a picture', 'a photo of something', 'a blurry photo', 'a picture of an object']);

// A query term in one shape: { kind: 'text'|'image'|'id', value, weight }.
function normalizeTerm(raw) {
  if (raw?.kind) return { ...raw, weight: raw.weight ?? 1 };
  if (raw?.text !== undefined) return { kind: 'text', value: raw.text, weight: raw.weight ?? 1 };
  if (raw?.image !== undefined) return { kind: 'image', value: raw.image, weight: raw.weight ?? 1 };
  if (raw?.id !== undefined) return { kind: 'id', value: raw.id, weight: raw.weight ?? 1 };
  throw new InvalidInputError('INVALID_ARGUMENT', `unknown query term ${JSON.stringify(raw)}`);
}

// search's `cutoff`: 'auto' (defaults), false (nothing relevant), or knobs overriding DEFAULT_CUTOFF.
function cutoffOptions(cutoff) {
  if (cutoff === false) return { ...DEFAULT_CUTOFF, off: true };
  if (cutoff === 'auto' || cutoff === undefined || cutoff === true) return { ...DEFAULT_CUTOFF };
  if (cutoff === null || typeof cutoff !== 'object' || Array.isArray(cutoff)) throw new InvalidInputError('INVALID_ARGUMENT', "search: cutoff must be 'auto', false or an object of knobs");
  for (const [key, v] of Object.entries(cutoff)) {
    if (!(key in DEFAULT_CUTOFF)) throw new InvalidInputError('INVALID_ARGUMENT', `search: unknown cutoff knob '${key}' (known: ${Object.keys(DEFAULT_CUTOFF).join(', ')})`);
    if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidInputError('INVALID_ARGUMENT', `search: cutoff.${key} must be a number`);
  }
  return { ...DEFAULT_CUTOFF, ...cutoff };
}

export class ModelMismatchError extends ClipfindError {
  constructor(message, libraryModel, model) {
    super('MODEL_MISMATCH', message);
    this.name = 'ModelMismatchError';
    this.libraryModel = libraryModel;
    this.model = model;
  }
}

async function bytesOf(image) {
  if (image instanceof Uint8Array) return image;
  if (image instanceof ArrayBuffer) return new Uint8Array(image);
  if (ArrayBuffer.isView(image)) return new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  if (typeof Blob !== 'undefined' && image instanceof Blob) return new Uint8Array(await image.arrayBuffer());
  throw new InvalidInputError('INVALID_ARGUMENT', 'library items need image bytes (Uint8Array, ArrayBuffer or Blob)');
}

// Item metadata is saved as JSON: it must survive a round trip, and the fields the library itself
// reads back (tags, dateTaken) must have their types.
function plainMeta(meta) {
  if (meta === undefined || meta === null) return {};
  let copy;
  try {
    copy = JSON.parse(JSON.stringify(meta));
  } catch (err) {
    throw new InvalidInputError('INVALID_ARGUMENT', `item.meta cannot be saved as JSON (${err.message})`);
  }
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw new InvalidInputError('INVALID_ARGUMENT', 'item.meta must be an object');
  if (copy.tags !== undefined && !(Array.isArray(copy.tags) && copy.tags.every((t) => typeof t === 'string'))) throw new InvalidInputError('INVALID_ARGUMENT', 'item.meta.tags must be an array of strings');
  if (copy.dateTaken !== undefined && copy.dateTaken !== null && typeof copy.dateTaken !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'item.meta.dateTaken must be a string');
  return copy;
}

// Library.add sends images to the model GROUP per call with GROUPS_IN_FLIGHT calls outstanding: enough
// for the model to decode the next photos while it runs some, and to batch them.
const GROUP = 4;
const GROUPS_IN_FLIGHT = 2;

function aborted(signal) {
  if (signal?.aborted) throw Object.assign(new ClipfindError('ABORTED', 'indexing was cancelled'), { name: 'AbortError' });
}

function parseExifDate(s) {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s || '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : null;
}

// Indices of the `want` best eligible slots, best first: the query's own items, then relevant ones,
// then by score; ties go to the lower slot.
function topIndices(scores, eligible, want, first, relevant) {
  if (want <= 0) return [];
  const heap = []; // min-heap by (first, relevant, score, -slot)
  const worse = (a, b) => first[a] !== first[b] ? first[a] < first[b] : relevant[a] !== relevant[b] ? relevant[a] < relevant[b] : scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const up = (i) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (!eligible[i]) continue;
    if (heap.length < want) {
      heap.push(i);
      up(heap.length - 1);
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

export class Library {
  #model;
  #images;
  #captions;
  #items = new Map(); // id -> meta
  #weights;
  #modelInfo;
  #neutral = null; // Float32Array of neutral prompt embeddings (lazy)
  #null = null; // Float32Array of NULL_TEXTS embeddings (lazy)
  #slots = null; // cached { imageIds, captionOf, imageNull, captionNull }

  constructor(model, images, captions, modelInfo, weights) {
    this.#model = model;
    this.#images = images;
    this.#captions = captions;
    this.#modelInfo = modelInfo;
    this.#weights = { ...DEFAULT_WEIGHTS, ...weights };
  }

  /** An empty library for `model` (anything with info {id, dim}, embedTexts, embedImages). */
  static async create(model, { weights, storage = 'f32' } = {}) {
    const problem = weightsProblem(weights);
    if (problem) throw new InvalidInputError('INVALID_ARGUMENT', `Library.create: ${problem}`);
    const dim = model?.info?.dim ?? (await model.embedTexts(['a photo'])).length;
    const info = { id: model.info.id, name: model.info.name, family: model.info.family, dim };
    return new Library(model, await FlatIndex.create({ dim, storage }), await FlatIndex.create({ dim, storage }), info, weights);
  }

  /**
   * Reads toBytes() output: bytes, a Blob/File or a ReadableStream, streamed straight into the indexes'
   * WASM storage (the file is never whole in memory). A damaged file is a CorruptDataError, another
   * model a ModelMismatchError.
   */
  static async fromBytes(bytes, model, options) {
    return Library.#read(byteSource(bytes, 'Library.fromBytes'), model, options);
  }

  static async #read(source, model, { allowModelMismatch = false } = {}) {
    let file;
    try {
      file = await readLibraryFile(source, {
        loadIndex,
        onHeader(header) {
          if (model && model.info.id !== header.model.id && !allowModelMismatch) {
            throw new ModelMismatchError(`this library was indexed with ${header.model.id}, not ${model.info.id}: open it with that model, or re-index it (library.reindex)`, header.model, model.info);
          }
        },
      });
      checkIndexes(file.header, file.images, file.captions);
    } catch (err) {
      if (file) for (const index of [file.images, file.captions]) index.close();
      if (err instanceof CorruptDataError) err.message = err.message.replace(/^index bytes:/, 'library file: index:');
      throw err;
    }
    const { header } = file;
    const lib = new Library(model, file.images, file.captions, header.model, header.weights ?? undefined);
    for (const it of header.items) lib.#items.set(it.id, it);
    return lib;
  }

  /** Opens a saved library (a file path in Node, a name in the browser's private storage), read in chunks. */
  static async open(name, model, options) {
    try {
      return await Library.#read(await openStored(name), model, options);
    } catch (err) {
      // Name the file: a person with several libraries needs to know which one is damaged.
      if (err instanceof ClipfindError && !err.message.startsWith(`${name}:`)) err.message = `${name}: ${err.message}`;
      throw err;
    }
  }

  /** Saves atomically: an interrupted save leaves the previous version readable. */
  async save(name) {
    await writeStored(name, this.toBytes());
  }

  toBytes() {
    const header = { model: this.#modelInfo, weights: this.#weights, items: [...this.#items.values()] };
    return encodeLibraryFile(header, this.#images.toBytes(), this.#captions.toBytes());
  }


  get size() { return this.#items.size; }
  /** Bytes the two indexes hold in WASM memory (vectors, ids). */
  get memoryBytes() { return this.#images.memoryBytes + this.#captions.memoryBytes; }
  get modelInfo() { return { ...this.#modelInfo }; }
  get weights() { return { ...this.#weights }; }
  get(id) {
    const it = this.#items.get(id);
    return it ? structuredClone(it) : undefined;
  }
  has(id) { return this.#items.has(id); }
  *items() { for (const it of this.#items.values()) yield structuredClone(it); }

  /**
   * Adds or re-imports items `{ id, image, caption?, meta? }`: image bytes/Blob; unchanged content
   * (same id, same hash) is skipped, changed content replaced. A bad image fails that item only.
   * @returns {Promise<{added: number, updated: number, skipped: number, failed: {id: string, error: Error}[]}>}
   */
  async add(items, { onProgress, signal, batchSize = 16 } = {}) {
    const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
    const total = items.length;
    const t0 = Date.now();
    let done = 0;
    const report = () => {
      if (!onProgress) return;
      const secs = (Date.now() - t0) / 1000;
      const perSecond = secs > 0 ? done / secs : 0;
      onProgress({ done, total, perSecond, eta: perSecond > 0 ? (total - done) / perSecond : null });
    };
    report();
    for (let i = 0; i < items.length; i += batchSize) {
      aborted(signal);
      const batch = [];
      for (let item of items.slice(i, i + batchSize)) {
        try {
          if (!item || typeof item.id !== 'string' || !item.id) throw new InvalidInputError('INVALID_ARGUMENT', 'item.id must be a non-empty string');
          item = { ...item, meta: plainMeta(item.meta) };
          const bytes = await bytesOf(item.image);
          const hash = await sha256Hex(bytes);
          const old = this.#items.get(item.id);
          if (old && old.hash === hash && (item.caption === undefined || item.caption === old.caption)) {
            summary.skipped++;
            done++;
            continue;
          }
          batch.push({ item, bytes, hash, old });
        } catch (error) {
          summary.failed.push({ id: item?.id, error });
          done++;
        }
      }
      // Images go to the model a few per call, two calls in flight: it decodes the next ones while it
      // runs these (its pipeline) and batches them. A call that fails is redone image by image, so one
      // broken file fails alone. A cancel keeps what was embedded and drops the calls in flight.
      const ok = [];
      const dim = this.#modelInfo.dim;
      const groups = [];
      for (let g = 0; g < batch.length; g += GROUP) groups.push(batch.slice(g, g + GROUP));
      const one = (b) => this.#model.embedImages([b.bytes]).then((vector) => ({ vector }), (error) => ({ error }));
      const embed = (group) => this.#model.embedImages(group.map((b) => b.bytes)).then(
        (v) => (v.length === group.length * dim ? group.map((b, j) => ({ vector: v.slice(j * dim, (j + 1) * dim) })) : Promise.all(group.map(one))),
        (error) => (group.length === 1 ? [{ error }] : Promise.all(group.map(one))));
      const results = groups.map(() => null);
      const start = (g) => { if (groups[g]) results[g] = embed(groups[g]); };
      for (let g = 0; g < GROUPS_IN_FLIGHT; g++) start(g);
      for (let g = 0; g < groups.length && !signal?.aborted; g++) {
        start(g + GROUPS_IN_FLIGHT);
        const got = await results[g];
        groups[g].forEach((b, j) => {
          if (got[j].error) summary.failed.push({ id: b.item.id, error: got[j].error });
          else {
            b.vector = got[j].vector;
            ok.push(b);
          }
          done++;
        });
        report();
      }
      const captioned = ok.filter((b) => typeof b.item.caption === 'string' && b.item.caption.trim());
      const capVectors = captioned.length ? await this.#model.embedTexts(captioned.map((b) => b.item.caption)) : null;
      const neutral = await this.#neutralEmbeddings();
      captioned.forEach((b, k) => { b.capVector = capVectors.subarray(k * dim, (k + 1) * dim); });
      for (const b of ok) {
        const info = await imageInfo(b.bytes).catch(() => ({ dateTaken: '' }));
        const id = b.item.id;
        const slash = id.lastIndexOf('/');
        const meta = {
          fileName: slash >= 0 ? id.slice(slash + 1) : id,
          folder: slash >= 0 ? id.slice(0, slash) : '',
          dateTaken: parseExifDate(info.dateTaken),
          size: b.bytes.byteLength,
          tags: [],
          ...(b.old ? { tags: b.old.tags } : {}),
          ...b.item.meta,
        };
        // The fields the library relies on come last: user meta cannot overwrite them.
        const record = { ...meta, id, hash: b.hash, caption: b.capVector ? b.item.caption : null, neutral: this.#baseline(b.vector, neutral) };
        if (b.old) {
          this.#images.update([id], b.vector);
          this.#captions.remove([id]);
          summary.updated++;
        } else {
          this.#images.add([id], b.vector);
          summary.added++;
        }
        if (b.capVector) this.#captions.add([id], b.capVector);
        this.#items.set(id, record);
      }
      this.#slots = null;
      // Cancelled: what was embedded before the cancel is in (progress counted it), the rest is not.
      aborted(signal);
    }
    report();
    return summary;
  }

  /** Removes items; returns how many were present. */
  remove(ids) {
    const list = Array.isArray(ids) ? ids : [ids];
    const n = this.#images.remove(list);
    this.#captions.remove(list);
    for (const id of list) this.#items.delete(id);
    this.#slots = null;
    return n;
  }

  /** Sets (or clears, with null/'') an item's caption and re-embeds it. */
  async updateCaption(id, caption) {
    const it = this.#items.get(id);
    if (!it) throw new NotFoundError('NOT_FOUND', `no item '${id}' in the library`);
    this.#captions.remove([id]);
    it.caption = null;
    if (typeof caption === 'string' && caption.trim()) {
      this.#captions.add([id], await this.#model.embedTexts([caption]));
      it.caption = caption;
    }
    this.#slots = null;
  }

  /** Replaces an item's tags (e.g. after review of tag() suggestions). */
  setTags(id, tags) {
    const it = this.#items.get(id);
    if (!it) throw new NotFoundError('NOT_FOUND', `no item '${id}' in the library`);
    it.tags = [...new Set(tags.map(String))];
  }

  /**
   * Searches. `query`: a query line ('red car -night, 2:beach'), or terms
   * [{ text | image (bytes) | id, weight }]. Results carry the raw `imageScore` and `captionScore`
   * (cosines), their calibrated `evidence` (z-scores against null distributions of their own kind),
   * the fused calibrated `score`, and `relevant`; relevant results come first, then by score.
   * `cutoff`: false, or knobs overriding DEFAULT_CUTOFF (README "Relevance").
   */
  async search(query, { k = 20, offset = 0, cutoff = 'auto', weights, filter, target = 'items' } = {}) {
    const terms = typeof query === 'string' ? parseQuery(query) : Array.isArray(query) ? query.map((t) => (typeof t === 'string' ? parseTerm(t) : t)) : [query];
    if (!terms.length) throw new InvalidInputError('INVALID_ARGUMENT', 'empty query');
    const opts = cutoffOptions(cutoff);
    const problem = weightsProblem(weights);
    if (problem) throw new InvalidInputError('INVALID_ARGUMENT', `search: ${problem}`);
    const w = { ...this.#weights, ...weights };
    const normalized = terms.map(normalizeTerm);
    const q = await this.#queryVector(normalized);
    const textOnly = normalized.every((t) => t.kind === 'text');
    const nullVectors = await this.#nullEmbeddings();
    const { imageIds, captionOf, imageNull, captionNull, imagePeers } = this.#slotMaps(nullVectors);
    const imageScores = this.#images.scoreAll(q);
    // Text queries meet captions in text space; an image query has a caption side only when every
    // image in it is a library item with a caption (README "Relevance").
    const captionQuery = textOnly ? q : this.#queryCaptionVector(normalized);
    const captionScores = captionQuery && this.#captions.size ? this.#captions.scoreAll(captionQuery) : new Float32Array(0);
    const libImage = robustStats(imageScores, opts.minLibrary);
    const libCaption = robustStats(captionScores, opts.minLibrary);
    // A text query's own null (text–text scores are judged from both sides, README "Relevance").
    const qNull = textOnly && captionScores.length ? queryNull(q, nullVectors, this.#modelInfo.dim) : null;
    const selfIds = new Set(normalized.filter((t) => t.kind === 'id' && t.weight > 0).map((t) => t.value));
    // The sigmoid only means something with the model's learned scale and bias (info.calibrated).
    const siglip = textOnly && this.#modelInfo.family === 'siglip' && this.#model?.info?.calibrated === true && typeof this.#model.score === 'function';
    const keep = this.#filterFn(filter);
    const n = imageIds.length;
    const useImage = target !== 'captions' && w.image > 0;
    const useCaption = target === 'captions' || w.caption > 0;
    // Per slot, in typed arrays; objects only for the page returned.
    const score = new Float32Array(n), zImage = new Float32Array(n), zCaption = new Float32Array(n), libI = new Float32Array(n), libC = new Float32Array(n);
    const relevant = new Uint8Array(n), first = new Uint8Array(n), eligible = new Uint8Array(n);
    const z = (x, st) => (st ? (x - st.median) / st.scale : NaN);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const cs = captionScores.length ? captionOf[i] : -1;
      if (target === 'captions' && cs < 0) continue;
      if (keep && !keep(this.#items.get(imageIds[i]))) continue;
      eligible[i] = 1;
      count++;
      const s = imageScores[i];
      libI[i] = z(s, libImage);
      libC[i] = cs >= 0 ? z(captionScores[cs], libCaption) : NaN;
      let relImage, relCaption = false;
      if (textOnly) {
        zImage[i] = (s - imageNull.mean[i]) / imageNull.sd[i];
        relImage = zImage[i] >= opts.z && !(libI[i] < opts.zLibrary) && (!siglip || this.#model.score(s) >= opts.probability);
        zCaption[i] = cs >= 0 ? symmetricZ((captionScores[cs] - captionNull.mean[cs]) / captionNull.sd[cs], (captionScores[cs] - qNull.mean) / qNull.sd) : NaN;
        relCaption = cs >= 0 && zCaption[i] >= opts.z && !(libC[i] < opts.zLibrary);
      } else {
        // Images against images: the query photo's null is the library's scores for it, the candidate's
        // its own scores against a sample of the library (symmetricZ); below minLibrary items only
        // copies count.
        zImage[i] = symmetricZ(libI[i], (s - imagePeers.mean[i]) / imagePeers.sd[i]);
        // Exact and near copies (cosine >= copy) are relevant whatever the library looks like.
        relImage = (libImage !== null && zImage[i] >= opts.z) || s >= opts.copy;
        zCaption[i] = libC[i];
        // The query photo itself first, then its copies, then the rest: a caption never drags a photo
        // below its own copy.
        first[i] = selfIds.has(imageIds[i]) ? 2 : s >= opts.copy ? 1 : 0;
        if (first[i]) relImage = true;
      }
      // The score is the fused cosine (0.7 · image + 0.3 · caption by default): what the ranking means,
      // the same number pgvector computes (README "Outgrowing one device"); the calibrated z-scores
      // behind `relevant` are in `evidence`.
      score[i] = target === 'captions' ? captionScores[cs] : cs < 0 ? s : w.image * s + w.caption * captionScores[cs];
      relevant[i] = opts.off ? 0 : (useImage && relImage) || (useCaption && relCaption) ? 1 : 0;
      if (Number.isNaN(score[i])) score[i] = -Infinity;
    }
    const want = Math.min(offset + k, count);
    const top = topIndices(score, eligible, want, first, relevant);
    const num = (x) => (Number.isFinite(x) ? x : null);
    const results = top.slice(offset).map((i) => {
      const cs = captionOf[i];
      const hasCaption = cs >= 0 && captionScores.length > 0;
      return {
        id: imageIds[i],
        score: score[i],
        imageScore: imageScores[i],
        captionScore: hasCaption ? captionScores[cs] : null,
        relevant: relevant[i] === 1,
        evidence: { image: num(zImage[i]), caption: hasCaption ? num(zCaption[i]) : null, library: { image: num(libI[i]), caption: hasCaption ? num(libC[i]) : null } },
        meta: this.get(imageIds[i]),
      };
    });
    return { total: count, results };
  }

  /**
   * Zero-shot tagging: each item's image against the labels (softmax over the labels with the model's
   * logit scale); labels at or above `threshold` become suggested tags, best first.
   */
  async tag(labels, { threshold = 0.5, apply = false } = {}) {
    if (!Array.isArray(labels) || !labels.length) throw new InvalidInputError('INVALID_ARGUMENT', 'tag: give at least one label');
    const dim = this.#modelInfo.dim;
    const lv = await this.#model.embedTexts(labels);
    const scale = this.#model.info?.logitScale ?? 100;
    const perLabel = labels.map((_, j) => this.#images.scoreAll(lv.subarray(j * dim, (j + 1) * dim)));
    const ids = this.#images.ids();
    return ids.map((id, i) => {
      const logits = perLabel.map((s) => s[i] * scale);
      const m = Math.max(...logits);
      const e = logits.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      const tags = labels.map((label, j) => ({ label, score: e[j] / z, cosine: perLabel[j][i] })).filter((t) => t.score >= threshold).sort((a, b) => b.score - a.score);
      if (apply) this.setTags(id, [...(this.#items.get(id).tags ?? []), ...tags.map((t) => t.label)]);
      return { id, tags };
    });
  }

  /** Near-duplicate groups: items whose images are at cosine >= threshold, transitively. */
  dupes({ threshold = 0.95 } = {}) {
    const ids = this.#images.ids();
    const parent = new Map(ids.map((id) => [id, id]));
    const find = (x) => {
      while (parent.get(x) !== x) {
        parent.set(x, parent.get(parent.get(x)));
        x = parent.get(x);
      }
      return x;
    };
    for (const id of ids) {
      const { ids: near, scores } = this.#images.search(this.#images.get(id), 16);
      near.forEach((other, j) => {
        if (other !== id && scores[j] >= threshold) parent.set(find(other), find(id));
      });
    }
    const groups = new Map();
    for (const id of ids) {
      const r = find(id);
      if (!groups.has(r)) groups.set(r, []);
      groups.get(r).push(id);
    }
    return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
  }

  /** Adds another library's items (same model only); items already here are kept. */
  merge(other) {
    if (other.modelInfo.id !== this.#modelInfo.id) throw new ModelMismatchError(`cannot merge a library of ${other.modelInfo.id} into one of ${this.#modelInfo.id}`, other.modelInfo, this.#modelInfo);
    let added = 0;
    for (const it of other.items()) {
      if (this.#items.has(it.id)) continue;
      this.#images.add([it.id], other._vector(it.id, 'image'));
      if (it.caption) this.#captions.add([it.id], other._vector(it.id, 'caption'));
      this.#items.set(it.id, it);
      added++;
    }
    this.#slots = null;
    return added;
  }

  /** Re-embeds every item with a new model; `loadImage(id)` returns its bytes (e.g. from disk). */
  async reindex(model, loadImage, options) {
    const items = [];
    for (const it of this.#items.values()) items.push({ id: it.id, image: await loadImage(it.id), caption: it.caption ?? undefined, meta: { tags: it.tags } });
    const fresh = await Library.create(model, { weights: this.#weights });
    const summary = await fresh.add(items, options);
    return { library: fresh, summary };
  }

  /** The SQL script that puts this library into PostgreSQL + pgvector (schema in README). */
  toSql(options) { return [...this.sqlStatements(options)].join(''); }

  /** The same script statement by statement, for libraries too large for one string. */
  sqlStatements(options) { return exportSql(this.#pgSource(), options); }

  /** Makes a PostgreSQL table equal to this library: incremental, in bounded transactions, resumable. */
  syncTo(client, options) { return syncTo(this.#pgSource(), client, options); }

  /** A library from a table that toSql/syncTo wrote, embedded with `model` (checked per row). */
  static async fromPostgres(client, model, { table, weights, storage } = {}) {
    const rows = await readRows(client, { table, model: model.info.id, dim: model.info.dim });
    const lib = await Library.create(model, { weights, storage });
    try {
      const neutral = await lib.#neutralEmbeddings();
      for (const r of rows) {
        lib.#images.add([r.id], r.image);
        const caption = r.caption && r.captionVector ? r.caption : null;
        if (caption) lib.#captions.add([r.id], r.captionVector);
        lib.#items.set(r.id, { tags: [], ...r.meta, id: r.id, caption, neutral: lib.#baseline(r.image, neutral) });
      }
    } catch (err) {
      lib.close();
      throw err;
    }
    return lib;
  }

  // What library_pg.js reads: the model identity, items and their vectors.
  #pgSource() {
    return {
      model: this.#modelInfo.id,
      dim: this.#modelInfo.dim,
      items: this.#items.values(),
      vectors: (id) => ({ image: this.#images.get(id), caption: this.#captions.has(id) ? this.#captions.get(id) : undefined }),
    };
  }

  close() {
    this.#images.close();
    this.#captions.close();
  }

  _vector(id, kind) { return (kind === 'caption' ? this.#captions : this.#images).get(id); }

  // Per-slot views of the indexes, rebuilt only after a change: ids, caption slot (-1: none), and the
  // null statistics of every image and caption (its scores against NULL_TEXTS, and each image's against
  // a sample of the library's images): derived from the stored vectors, so the file format does not
  // carry them and old files get them too.
  #slotMaps(nullVectors) {
    if (!this.#slots) {
      const captionSlot = new Map();
      this.#captions.ids().forEach((id, i) => captionSlot.set(id, i));
      const imageIds = this.#images.ids();
      const captionOf = new Int32Array(imageIds.length);
      imageIds.forEach((id, i) => { captionOf[i] = captionSlot.get(id) ?? -1; });
      const dim = this.#modelInfo.dim;
      this.#slots = {
        imageIds, captionOf, imageNull: nullStats(this.#images, nullVectors, dim), captionNull: nullStats(this.#captions, nullVectors, dim),
        imagePeers: nullStats(this.#images, librarySample(this.#images, imageIds, dim), dim),
      };
    }
    return this.#slots;
  }

  async #nullEmbeddings() {
    this.#null ??= await this.#model.embedTexts([...NULL_TEXTS]);
    return this.#null;
  }

  async #neutralEmbeddings() {
    this.#neutral ??= await this.#model.embedTexts([...NEUTRAL_PROMPTS]);
    return this.#neutral;
  }

  #baseline(imageVector, neutral) {
    const dim = this.#modelInfo.dim;
    let best = -Infinity;
    for (let j = 0; j < neutral.length / dim; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += imageVector[d] * neutral[j * dim + d];
      best = Math.max(best, s);
    }
    return best;
  }

  #filterFn(filter) {
    if (!filter) return null;
    const { folder, from, to, tags } = filter;
    return (it) => {
      if (folder !== undefined && !(it.folder === folder || String(it.folder ?? '').startsWith(`${folder}/`))) return false;
      if (from && (!it.dateTaken || it.dateTaken < from)) return false;
      if (to && (!it.dateTaken || it.dateTaken > to)) return false;
      if (tags?.length && !tags.every((t) => it.tags?.includes(t))) return false;
      return true;
    };
  }

  async #queryVector(terms) {
    const dim = this.#modelInfo.dim;
    const q = new Float32Array(dim);
    for (const t of terms) {
      let v;
      if (t.kind === 'text') v = await this.#model.embedTexts([t.value]);
      else if (t.kind === 'image') v = await this.#model.embedImages([await bytesOf(t.value)]);
      else {
        if (!this.#items.has(t.value)) throw new NotFoundError('NOT_FOUND', `no item '${t.value}' in the library`);
        v = this.#images.get(t.value);
      }
      for (let d = 0; d < dim; d++) q[d] += t.weight * v[d];
    }
    const norm = Math.hypot(...q);
    if (!(norm > 1e-6)) throw new InvalidInputError('INVALID_VALUE', 'the query terms cancel out (zero vector)');
    for (let d = 0; d < dim; d++) q[d] /= norm;
    return q;
  }

  // The caption side of an image query: the weighted sum of the query items' captions, or null when
  // any image in the query (bytes, or an item without a caption) has none.
  #queryCaptionVector(terms) {
    const images = terms.filter((t) => t.kind !== 'text');
    if (!images.length || !images.every((t) => t.kind === 'id' && this.#captions.has(t.value))) return null;
    const dim = this.#modelInfo.dim;
    const q = new Float32Array(dim);
    for (const t of images) {
      const v = this.#captions.get(t.value);
      for (let d = 0; d < dim; d++) q[d] += t.weight * v[d];
    }
    const norm = Math.hypot(...q);
    if (!(norm > 1e-6)) return null;
    for (let d = 0; d < dim; d++) q[d] /= norm;
    return q;
  }
}
