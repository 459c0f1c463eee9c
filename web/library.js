// Library: a person's photos, each embedded as an image AND (when it has one) a caption in the model's
// space, searched by text, image or example with fused scores, a per-query relevance cutoff, filters,
// and a versioned, checksummed file format that records the model identity. This file holds the state,
// persistence (files, bytes, PostgreSQL) and bookkeeping; adding/embedding is in library_add.js,
// searching/scoring in library_search.js, both working on the state object below.
import { byteSource } from './byte_source.js';
import { ClipfindError, CorruptDataError, InvalidInputError, ModelMismatchError, NotFoundError } from './errors.js';
import { FlatIndex, loadIndex } from './flat_index.js';
import { addItems, baseline, neutralEmbeddings, setCaption } from './library_add.js';
import { addMixed, attachAudioModel, checkAudioItems, createAudioSection, searchMixed } from './library_audio.js';
import { checkIndexes, encodeLibraryFile, readLibraryFile, weightsProblem } from './library_file.js';
import { loadSection } from './library_sections.js';
import { exportSql, readRows, syncTo } from './library_pg.js';
import { addWithPdfs, hasPdf } from './pdf_library.js';
import { dupeGroups, searchLibrary, tagItems } from './library_search.js';
import { openStored, writeStored } from './library_store.js';
import { copyRows, itemsFromRows, pgOwner, pgRows, rowsOf } from './video_library.js';
import { loadWasm } from './wasm.js';

export { NEUTRAL_PROMPTS } from './library_add.js';
export { DEFAULT_CUTOFF, NULL_TEXTS } from './relevance.js';

/** Score fusion: items with a caption score image·0.7 + caption·0.3; items without one, image alone. */
export const DEFAULT_WEIGHTS = Object.freeze({ image: 0.7, caption: 0.3 });

// The embedder of a library opened without a model: its identity is the file's, and anything that
// needs new embeddings says what is missing.
function storedVectorsOnly(info) {
  const missing = () => Promise.reject(new InvalidInputError('INVALID_ARGUMENT', `this library was opened without a model: open it with ${info.id} to add items or search by text or image`));
  return { info: { ...info }, embedTexts: missing, embedImages: missing, score: (cosine) => cosine, close: async () => {} };
}

export class Library {
  // model: the Embedder; images/captions: FlatIndex; items: id -> record; modelInfo/weights: saved in
  // the file; neutral/nullTexts: prompt embeddings (lazy); slots: search's per-slot views (null: stale);
  // extras: name -> the extra sections (library_sections.js), saved after the two indexes.
  #s;

  constructor(model, images, captions, modelInfo, weights, extras = new Map()) {
    this.#s = { model, images, captions, extras, items: new Map(), modelInfo, weights: { ...DEFAULT_WEIGHTS, ...weights }, neutral: null, nullTexts: null, slots: null };
  }

  /**
   * An empty library for `model` (an Embedder: Model.load's result, or anything with its shape);
   * `audioModel` (a CLAP model) lets it hold sounds too (library_audio.js).
   */
  static async create(model, { weights, storage = 'f32', audioModel } = {}) {
    const problem = weightsProblem(weights);
    if (problem) throw new InvalidInputError('INVALID_ARGUMENT', `Library.create: ${problem}`);
    const dim = model?.info?.dim ?? (await model.embedTexts(['a photo'])).length;
    const info = { id: model.info.id, name: model.info.name, family: model.info.family, dim };
    const extras = new Map();
    if (audioModel) extras.set('audio', await createAudioSection(audioModel, storage));
    return new Library(model, await FlatIndex.create({ dim, storage }), await FlatIndex.create({ dim, storage }), info, weights, extras);
  }

  /**
   * Reads toBytes() output: bytes, a Blob/File or a ReadableStream, streamed straight into the indexes'
   * WASM storage (the file is never whole in memory). A damaged file is a CorruptDataError, another
   * model a ModelMismatchError. Without a model the library works on its stored vectors only (export,
   * sync, remove, dupes, merge).
   */
  static async fromBytes(bytes, model, options) {
    return Library.#read(byteSource(bytes, 'Library.fromBytes'), model, options);
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

  static async #read(source, model, { allowModelMismatch = false, audioModel } = {}) {
    await loadWasm(); // the file's checksum is the core's
    let file;
    try {
      file = await readLibraryFile(source, {
        loadIndex,
        loadSection,
        onHeader(header) {
          model ??= storedVectorsOnly(header.model);
          if (model.info.id !== header.model.id && !allowModelMismatch) {
            throw new ModelMismatchError(`this library was indexed with ${header.model.id}, not ${model.info.id}: open it with that model, or re-index it (library.reindex)`, header.model, model.info);
          }
        },
      });
      checkIndexes(file.header, file.images, file.captions);
    } catch (err) {
      if (file) for (const index of [file.images, file.captions, ...file.extras.values()]) index.close();
      if (err instanceof CorruptDataError) err.message = err.message.replace(/^index bytes:/, 'library file: index:');
      throw err;
    }
    const { header } = file;
    const lib = new Library(model, file.images, file.captions, header.model, header.weights ?? undefined, file.extras);
    for (const it of header.items) lib.#s.items.set(it.id, it);
    try {
      checkAudioItems(lib.#s);
      await attachAudioModel(lib.#s, audioModel, { allowModelMismatch });
    } catch (err) {
      lib.close();
      throw err;
    }
    return lib;
  }

  /** Saves atomically: an interrupted save leaves the previous version readable. */
  async save(name) {
    await writeStored(name, this.toBytes());
  }

  toBytes() {
    const s = this.#s;
    const header = { model: s.modelInfo, weights: s.weights, items: [...s.items.values()] };
    const extras = [...s.extras].map(([name, section]) => ({ name, bytes: section.toBytes() }));
    return encodeLibraryFile(header, s.images.toBytes(), s.captions.toBytes(), extras);
  }

  get size() { return this.#s.items.size; }
  /** Bytes the indexes hold in WASM memory (vectors, ids). */
  get memoryBytes() {
    const s = this.#s;
    let n = s.images.memoryBytes + s.captions.memoryBytes;
    for (const section of s.extras.values()) n += section.memoryBytes;
    return n;
  }
  get modelInfo() { return { ...this.#s.modelInfo }; }
  get weights() { return { ...this.#s.weights }; }
  get(id) {
    const it = this.#s.items.get(id);
    return it ? structuredClone(it) : undefined;
  }
  has(id) { return this.#s.items.has(id); }
  *items() { for (const it of this.#s.items.values()) yield structuredClone(it); }

  /**
   * Adds or re-imports items `{ id, image, caption?, meta? }` (library_add.js); `{ id, pdf }` adds
   * the PDF's pages as items `<id>#page=<n>` (pdf_library.js).
   * @returns {Promise<{added: number, updated: number, skipped: number, failed: {id: string, error: Error}[]}>}
   */
  add(items, options) {
    // Sounds go to the audio model (library_audio.js); PDFs become pages (pdf_library.js).
    return addMixed(this.#s, items, options, (s, rest, o) => (hasPdf(rest) ? addWithPdfs(s, rest, o) : addItems(s, rest, o)));
  }

  /** Removes items; returns how many were present. */
  remove(ids) {
    const s = this.#s;
    const list = Array.isArray(ids) ? ids : [ids];
    const n = list.filter((id) => s.items.has(id)).length;
    s.images.remove(rowsOf(s, list)); // a video's frames are rows of their own (video_library.js)
    s.captions.remove(list);
    for (const section of s.extras.values()) section.remove?.(list); // e.g. sounds (counted above: they are items)
    for (const id of list) s.items.delete(id);
    s.slots = null;
    return n;
  }

  /** Sets (or clears, with null/'') an item's caption and re-embeds it. */
  updateCaption(id, caption) { return setCaption(this.#s, id, caption); }

  /** Replaces an item's tags (e.g. after review of tag() suggestions). */
  setTags(id, tags) {
    const it = this.#s.items.get(id);
    if (!it) throw new NotFoundError('NOT_FOUND', `no item '${id}' in the library`);
    it.tags = [...new Set(tags.map(String))];
  }

  /** Searches by a query line or weighted terms (library_search.js; README "Relevance"). */
  search(query, options) { return searchMixed(this.#s, query, options, searchLibrary); }

  /** Zero-shot tagging; `apply` adds the suggested labels to each item's tags. */
  async tag(labels, { threshold = 0.5, apply = false } = {}) {
    const suggested = await tagItems(this.#s, labels, { threshold });
    if (apply) for (const { id, tags } of suggested) this.setTags(id, [...(this.#s.items.get(id).tags ?? []), ...tags.map((t) => t.label)]);
    return suggested;
  }

  /** Near-duplicate groups: items whose images are at cosine >= threshold, transitively. */
  dupes(options) { return dupeGroups(this.#s, options); }

  /** Adds another library's items (same model only); items already here are kept. */
  merge(other) {
    const s = this.#s;
    const o = other.#s;
    if (o.modelInfo.id !== s.modelInfo.id) throw new ModelMismatchError(`cannot merge a library of ${o.modelInfo.id} into one of ${s.modelInfo.id}`, other.modelInfo, this.modelInfo);
    let added = 0;
    for (const it of other.items()) {
      if (s.items.has(it.id) || it.kind === 'audio') continue; // sounds: not merged (another audio model's space)
      if (it.kind === 'video') copyRows(s, o, it);
      else s.images.add([it.id], o.images.get(it.id));
      if (it.caption) s.captions.add([it.id], o.captions.get(it.id));
      s.items.set(it.id, it);
      added++;
    }
    s.slots = null;
    return added;
  }

  /** Re-embeds every item with a new model; `loadImage(id)` returns its bytes (e.g. from disk; a video's for a video). */
  async reindex(model, loadImage, options) {
    const items = [];
    for (const it of this.#s.items.values()) items.push({ id: it.id, [it.kind === 'video' ? 'video' : 'image']: await loadImage(it.id), caption: it.caption ?? undefined, meta: { tags: it.tags } });
    const fresh = await Library.create(model, { weights: this.#s.weights });
    const summary = await fresh.add(items, options);
    return { library: fresh, summary };
  }

  /** The SQL script that puts this library into PostgreSQL + pgvector (schema in README). */
  toSql(options) { return [...this.sqlStatements(options)].join(''); }

  /** The same script statement by statement, for libraries too large for one string. */
  sqlStatements(options) { return exportSql(this.#pgSource(), options); }

  /** Makes a PostgreSQL table equal to this library: incremental, in bounded transactions, resumable. */
  syncTo(client, options) { return syncTo(this.#pgSource(), client, options); }

  static async fromPostgres(client, model, { table, weights, storage } = {}) {
    const rows = await readRows(client, { table, model: model.info.id, dim: model.info.dim });
    const lib = await Library.create(model, { weights, storage });
    const s = lib.#s;
    try {
      const neutral = await neutralEmbeddings(s);
      // A video comes back from its frame rows (video_library.js).
      for (const r of itemsFromRows(rows)) {
        const dim = s.modelInfo.dim;
        const vectors = new Float32Array(r.rows.length * dim);
        r.rows.forEach((row, i) => vectors.set(row.image, i * dim));
        s.images.add(r.rows.map((row) => row.id), vectors);
        const caption = r.caption && r.captionVector ? r.caption : null;
        if (caption) s.captions.add([r.id], r.captionVector);
        const record = { tags: [], ...r.meta, id: r.id, caption };
        const poster = record.kind === 'video' ? Math.max(0, record.frames.indexOf(record.posterTime)) : 0;
        s.items.set(r.id, { ...record, neutral: baseline(s, r.rows[poster].image, neutral) });
      }
    } catch (err) {
      lib.close();
      throw err;
    }
    return lib;
  }

  // What library_pg.js reads: the model identity, items and their vectors.
  #pgSource() {
    const s = this.#s;
    return {
      model: s.modelInfo.id,
      dim: s.modelInfo.dim,
      items: pgRows([...s.items.values()].filter((it) => it.kind !== 'audio')), // a video: one row per frame; sounds stay local (another model's space)
      vectors: (id) => {
        const owner = pgOwner(s.items, id);
        return { image: s.images.get(id), caption: s.captions.has(owner) ? s.captions.get(owner) : undefined };
      },
    };
  }

  close() {
    this.#s.images.close();
    this.#s.captions.close();
    for (const section of this.#s.extras.values()) section.close();
  }
}
