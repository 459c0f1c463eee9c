// Library, sounds: audio items (LibraryItem.kind 'audio') beside the photos, embedded by a second model
// (a CLAP model: family 'clap') into their own index, kept in the library file's extra section 'audio'
// (web/library_sections.js). A text query searches each modality with its own model: photos with the
// library's model, sounds with the audio model's text tower, each judged against its own null bank
// (README "Relevance"), and the two result lists are merged: relevant first, then by calibrated
// evidence, each list keeping its own order. Image and "more like this" queries search photos only.
import { toBytes, concatBytes } from './bytes.js';
import { sha256Hex } from './digest.js';
import { AbortError, CorruptDataError, InvalidInputError, ModelMismatchError } from './errors.js';
import { FlatIndex } from './flat_index.js';
import { registerSection } from './library_sections.js';
import { parseQuery, parseTerm } from './query.js';
import { DEFAULT_CUTOFF, nullStats, robustStats } from './relevance.js';

/** Texts about no sound in particular and about everyday sounds: an audio item's null bank. */
export const NULL_SOUND_TEXTS = Object.freeze([
  'a sound', 'a noise', 'an audio recording', 'a recording of something', 'background noise', 'silence',
  'music', 'a voice', 'people talking', 'a dog barking', 'a cat meowing', 'rain', 'wind', 'traffic', 'a car engine',
  'footsteps', 'a door closing', 'birds singing', 'applause', 'a telephone ringing', 'water running', 'a baby crying',
  'laughter', 'a crowd', 'keyboard typing', 'a clock ticking', 'thunder', 'an airplane', 'a train', 'a song', 'a guitar', 'a piano',
]);

const SECTION = 'audio';

// The 'audio' section: the audio model's identity and its index. Bytes: u32 JSON length, JSON
// { model }, then the index's own bytes. Small (a vector per sound), so loaded in one piece.
class AudioSection {
  constructor(index, info, model = null) {
    this.index = index;
    this.info = info;
    this.model = model;
    this.nullTexts = null;
    this.slots = null; // per-slot null statistics, rebuilt after a change
  }

  toBytes() {
    const json = new TextEncoder().encode(JSON.stringify({ model: this.info }));
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, json.length, true);
    return concatBytes([head, json, this.index.toBytes()]);
  }

  get memoryBytes() { return this.index.memoryBytes; }
  remove(ids) {
    this.slots = null;
    return this.index.remove(ids);
  }
  close() { this.index.close(); }
}

registerSection(SECTION, async (size, pieces) => {
  const parts = [];
  for await (const p of pieces) parts.push(p.slice());
  const bytes = concatBytes(parts);
  const fail = (why) => new CorruptDataError('CORRUPT_DATA', `library file: audio section: ${why}`);
  if (bytes.length < 4) throw fail('truncated');
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (n > bytes.length - 4) throw fail('truncated');
  let meta;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + n)));
  } catch {
    throw fail('header is not valid JSON');
  }
  if (typeof meta?.model?.id !== 'string' || !Number.isInteger(meta.model.dim)) throw fail('no audio model identity');
  return new AudioSection(await FlatIndex.fromBytes(bytes.subarray(4 + n)), meta.model);
});

/** A new, empty audio section for `audioModel` (an Embedder with embedAudio and embedTexts). */
export async function createAudioSection(audioModel, storage = 'f32') {
  if (typeof audioModel?.embedAudio !== 'function') throw new InvalidInputError('INVALID_ARGUMENT', 'audioModel must be an audio model (Model.load of a CLAP model: it has embedAudio)');
  const dim = audioModel.info?.dim ?? (await audioModel.embedTexts(['a sound'])).length;
  const info = { id: audioModel.info.id, name: audioModel.info.name, family: audioModel.info.family, dim };
  return new AudioSection(await FlatIndex.create({ dim, storage }), info, audioModel);
}

/** A read library's sounds and its 'audio' section agree: one vector per sound, none without one. */
export function checkAudioItems(s) {
  const section = s.extras.get(SECTION);
  const sounds = [...s.items.values()].filter((it) => it.kind === 'audio');
  const size = section?.index.size ?? 0;
  const bad = (why) => new CorruptDataError('CORRUPT_DATA', `library file: ${why}`);
  if (sounds.length !== size) throw bad(`${sounds.length} sounds but ${size} audio vectors`);
  for (const it of sounds) if (!section.index.has(it.id)) throw bad(`sound ${JSON.stringify(it.id)} has no audio vector`);
}

/**
 * Gives an opened library its audio model: checked against the file's (ModelMismatchError), or, for a
 * library without sounds yet, a new audio section.
 */
export async function attachAudioModel(s, audioModel, { allowModelMismatch = false } = {}) {
  if (!audioModel) return;
  const section = s.extras.get(SECTION);
  if (!section) {
    s.extras.set(SECTION, await createAudioSection(audioModel));
    return;
  }
  if (section.info.id !== audioModel.info.id && !allowModelMismatch) {
    throw new ModelMismatchError(`this library's sounds were indexed with ${section.info.id}, not ${audioModel.info.id}: open it with that audio model`, section.info, audioModel.info);
  }
  section.model = audioModel;
}

function audioSection(s, what) {
  const section = s.extras.get(SECTION);
  if (!section?.model) throw new InvalidInputError('INVALID_ARGUMENT', `${what}: this library has no audio model: create or open it with { audioModel } (e.g. Model.load('builtin:sound'))`);
  return section;
}

/**
 * Library.add for a mix of items: those with `audio` go to addAudioItems, the others to addItems (photos,
 * and whatever else it knows); one summary, one progress count.
 */
export async function addMixed(s, items, options = {}, addItems) {
  if (!Array.isArray(items)) throw new InvalidInputError('INVALID_ARGUMENT', 'add: expected an array of items');
  const sounds = items.filter((it) => it && it.audio !== undefined);
  if (!sounds.length) return addItems(s, items, options);
  const others = items.filter((it) => !(it && it.audio !== undefined));
  const { onProgress } = options;
  const total = items.length;
  const shift = (base) => (onProgress ? (p) => onProgress({ ...p, done: p.done + base, total }) : undefined);
  const a = others.length ? await addItems(s, others, { ...options, onProgress: shift(0) }) : { added: 0, updated: 0, skipped: 0, failed: [] };
  const b = await addAudioItems(s, sounds, { ...options, onProgress: shift(others.length) });
  return { added: a.added + b.added, updated: a.updated + b.updated, skipped: a.skipped + b.skipped, failed: [...a.failed, ...b.failed] };
}

/**
 * Adds sounds `{ id, audio, meta? }`: audio file bytes/Blob/File (WAV/FLAC/MP3/OGG), an AudioBuffer or
 * { samples, sampleRate }. Unchanged content (same id, same hash) is skipped. A sound that does not
 * decode fails alone (InvalidInputError INVALID_AUDIO naming the item), never the batch.
 */
export async function addAudioItems(s, items, { onProgress, signal } = {}) {
  const section = audioSection(s, 'add');
  const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
  const t0 = Date.now();
  let done = 0;
  const report = () => {
    if (!onProgress) return;
    const secs = (Date.now() - t0) / 1000;
    const perSecond = secs > 0 ? done / secs : 0;
    onProgress({ done, total: items.length, perSecond, eta: perSecond > 0 ? (items.length - done) / perSecond : null });
  };
  report();
  for (const item of items) {
    if (signal?.aborted) throw new AbortError('indexing was cancelled');
    try {
      if (typeof item.id !== 'string' || !item.id) throw new InvalidInputError('INVALID_ARGUMENT', 'item.id must be a non-empty string');
      if (item.meta !== undefined && (item.meta === null || typeof item.meta !== 'object' || Array.isArray(item.meta))) throw new InvalidInputError('INVALID_ARGUMENT', 'item.meta must be an object');
      const pcm = item.audio?.samples instanceof Float32Array;
      const bytes = pcm ? new Uint8Array(item.audio.samples.buffer, item.audio.samples.byteOffset, item.audio.samples.byteLength) : await toBytes(item.audio, `${item.id}: item.audio`);
      const hash = await sha256Hex(pcm ? concatBytes([bytes, new TextEncoder().encode(`@${item.audio.sampleRate}`)]) : bytes);
      const old = s.items.get(item.id);
      if (old && old.kind === 'audio' && old.hash === hash) {
        summary.skipped++;
        continue;
      }
      const vector = await section.model.embedAudio([pcm ? item.audio : bytes], { names: [item.id] });
      const slash = item.id.lastIndexOf('/');
      const meta = JSON.parse(JSON.stringify(item.meta ?? {}));
      const record = {
        fileName: slash >= 0 ? item.id.slice(slash + 1) : item.id,
        folder: slash >= 0 ? item.id.slice(0, slash) : '',
        dateTaken: null, size: bytes.byteLength, tags: old?.tags ?? [], ...meta,
        id: item.id, kind: 'audio', hash, caption: null, neutral: null,
      };
      if (old) {
        // re-imported (or a photo id now holding a sound): out of every index first
        s.images.remove([item.id]);
        s.captions.remove([item.id]);
        section.index.remove([item.id]);
        summary.updated++;
      } else {
        summary.added++;
      }
      section.index.add([item.id], vector);
      s.items.set(item.id, record);
      section.slots = null;
      s.slots = null;
    } catch (error) {
      summary.failed.push({ id: item?.id, error });
    } finally {
      done++;
      report();
    }
  }
  return summary;
}

// The query's terms; null when any is not text (image and "more like this" queries search photos).
function textTerms(query) {
  const raw = typeof query === 'string' ? parseQuery(query) : Array.isArray(query) ? query.map((t) => (typeof t === 'string' ? parseTerm(t) : t)) : [query];
  const terms = raw.map((t) => (t?.kind ? t : t?.text !== undefined ? { kind: 'text', value: t.text, weight: t.weight ?? 1 } : { kind: 'other' }));
  return terms.length && terms.every((t) => t.kind === 'text') ? terms.map((t) => ({ ...t, weight: t.weight ?? 1 })) : null;
}

function keepFn(filter) {
  if (!filter) return null;
  const { folder, tags } = filter;
  return (it) => (folder === undefined || it.folder === folder || String(it.folder ?? '').startsWith(`${folder}/`)) && !(tags?.length && !tags.every((t) => it.tags?.includes(t)));
}

/** The audio side of a text query: results with kind 'audio', best first (relevant first). */
async function searchSounds(s, section, terms, { k, cutoff = 'auto', filter }) {
  const opts = cutoff === false ? { ...DEFAULT_CUTOFF, off: true } : { ...DEFAULT_CUTOFF, ...(typeof cutoff === 'object' && cutoff ? cutoff : {}) };
  const dim = section.info.dim;
  const vectors = await section.model.embedTexts(terms.map((t) => t.value));
  const q = new Float32Array(dim);
  terms.forEach((t, j) => { for (let d = 0; d < dim; d++) q[d] += t.weight * vectors[j * dim + d]; });
  const norm = Math.hypot(...q);
  if (!(norm > 1e-6)) throw new InvalidInputError('INVALID_VALUE', 'the query terms cancel out (zero vector)');
  for (let d = 0; d < dim; d++) q[d] /= norm;
  section.nullTexts ??= await section.model.embedTexts([...NULL_SOUND_TEXTS]);
  if (!section.slots) section.slots = { ids: section.index.ids(), null: nullStats(section.index, section.nullTexts, dim) };
  const { ids, null: nul } = section.slots;
  const scores = section.index.scoreAll(q);
  const lib = robustStats(scores, opts.minLibrary);
  const keep = keepFn(filter);
  const rows = [];
  for (let i = 0; i < ids.length; i++) {
    const meta = s.items.get(ids[i]);
    if (keep && !keep(meta)) continue;
    const z = (scores[i] - nul.mean[i]) / nul.sd[i];
    const libZ = lib ? (scores[i] - lib.median) / lib.scale : null;
    const relevant = !opts.off && z >= opts.z && !(libZ !== null && libZ < opts.zLibrary);
    rows.push({ i, z, libZ, relevant });
  }
  rows.sort((a, b) => (a.relevant !== b.relevant ? b.relevant - a.relevant : scores[b.i] - scores[a.i] || a.i - b.i));
  const num = (x) => (Number.isFinite(x) ? x : null);
  const results = rows.slice(0, k).map(({ i, z, libZ, relevant }) => ({
    id: ids[i], kind: 'audio', score: scores[i], imageScore: null, audioScore: scores[i], captionScore: null, relevant,
    evidence: { image: null, caption: null, audio: num(z), library: { image: null, caption: null, audio: num(libZ) } },
    meta: structuredClone(s.items.get(ids[i])),
  }));
  return { total: rows.length, results };
}

// A result's calibrated evidence, for ordering results of different models against each other.
const strength = (r) => Math.max(r.evidence?.audio ?? -Infinity, r.evidence?.image ?? -Infinity, r.evidence?.caption ?? -Infinity);

/** Library.search: photos (searchLibrary), and for text queries the sounds too, merged. */
export async function searchMixed(s, query, options = {}, searchLibrary) {
  const section = s.extras.get(SECTION);
  const terms = section?.model && section.index.size ? textTerms(query) : null;
  const withKind = (r) => ({ ...r, kind: r.kind ?? r.meta?.kind ?? 'photo' });
  if (!terms) {
    const out = await searchLibrary(s, query, options);
    return { ...out, results: out.results.map(withKind) };
  }
  const { k = 20, offset = 0 } = options;
  const want = offset + k;
  const photos = s.images.size ? await searchLibrary(s, query, { ...options, k: want, offset: 0 }) : { total: 0, results: [] };
  const sounds = await searchSounds(s, section, terms, { ...options, k: want });
  const a = photos.results.map(withKind), b = sounds.results;
  const merged = [];
  let i = 0, j = 0;
  while (merged.length < want && (i < a.length || j < b.length)) {
    const takeA = j >= b.length || (i < a.length && (a[i].relevant !== b[j].relevant ? a[i].relevant : strength(a[i]) >= strength(b[j])));
    merged.push(takeA ? a[i++] : b[j++]);
  }
  return { total: photos.total + sounds.total, results: merged.slice(offset) };
}
