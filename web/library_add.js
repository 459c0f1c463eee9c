// Library, adding and embedding: items in, each image (and caption) embedded and stored with its
// metadata and relevance baseline. Works on the library's state object (web/library.js).
import { toBytes } from './bytes.js';
import { sha256Hex } from './digest.js';
import { AbortError, InvalidInputError, NotFoundError } from './errors.js';
import { imageInfo } from './image.js';
import { addVideoItem, imageRows } from './video_library.js';

/** Texts that describe nothing in particular: the per-item baseline of the relevance cutoff. */
export const NEUTRAL_PROMPTS = Object.freeze(['a photo', 'an image', 'a picture', 'a photo of something', 'a blurry photo', 'a picture of an object']);

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

// add() sends images to the model GROUP per call with GROUPS_IN_FLIGHT calls outstanding: enough
// for the model to decode the next photos while it runs some, and to batch them.
const GROUP = 4;
const GROUPS_IN_FLIGHT = 2;

function aborted(signal) {
  if (signal?.aborted) throw new AbortError('indexing was cancelled');
}

function parseExifDate(s) {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s || '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : null;
}

// The item's best similarity to NEUTRAL_PROMPTS: its baseline (kept per item in the file).
export function baseline(s, imageVector, neutral) {
  const dim = s.modelInfo.dim;
  let best = -Infinity;
  for (let j = 0; j < neutral.length / dim; j++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += imageVector[d] * neutral[j * dim + d];
    best = Math.max(best, dot);
  }
  return best;
}

export async function neutralEmbeddings(s) {
  s.neutral ??= await s.model.embedTexts([...NEUTRAL_PROMPTS]);
  return s.neutral;
}

/**
 * Adds or re-imports items `{ id, image, caption?, meta? }`: image bytes/Blob; unchanged content
 * (same id, same hash) is skipped, changed content replaced. A bad image fails that item only.
 * @returns {Promise<{added: number, updated: number, skipped: number, failed: {id: string, error: Error}[]}>}
 */
/**
 * The kind an internal caller gives an item it builds (pdf_library.js: 'page'). A symbol, so the
 * `kind` of a user's item or meta never sets it: a kind is the library's to say.
 */
export const ITEM_KIND = Symbol('clipfind item kind');

export async function addItems(s, items, { onProgress, signal, batchSize = 16, video } = {}) {
  const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
  const total = items.length;
  const t0 = Date.now();
  let done = 0;
  const report = (extra) => {
    if (!onProgress) return;
    const secs = (Date.now() - t0) / 1000;
    const perSecond = secs > 0 ? done / secs : 0;
    onProgress({ done, total, perSecond, eta: perSecond > 0 ? (total - done) / perSecond : null, ...extra });
  };
  report();
  for (let i = 0; i < items.length; i += batchSize) {
    aborted(signal);
    const batch = [];
    for (let item of items.slice(i, i + batchSize)) {
      try {
        if (!item || typeof item.id !== 'string' || !item.id) throw new InvalidInputError('INVALID_ARGUMENT', 'item.id must be a non-empty string');
        item = { ...item, meta: plainMeta(item.meta) };
        if (item.video !== undefined) {
          // A video: sampled, embedded and stored on its own (video_library.js); progress per frame.
          const neutral = await neutralEmbeddings(s);
          const status = await addVideoItem(s, item, {
            options: video, signal, baseline: (v) => baseline(s, v, neutral),
            progress: (stage, d, t) => report({ video: { id: item.id, stage, done: d, total: t } }),
          });
          summary[status]++;
          done++;
          report();
          continue;
        }
        const bytes = await toBytes(item.image, 'item.image');
        const hash = await sha256Hex(bytes);
        const old = s.items.get(item.id);
        if (old && old.hash === hash && (item.caption === undefined || item.caption === old.caption)) {
          summary.skipped++;
          done++;
          continue;
        }
        batch.push({ item, bytes, hash, old });
      } catch (error) {
        if (error instanceof AbortError) throw error;
        summary.failed.push({ id: item?.id, error });
        done++;
      }
    }
    // Images go to the model a few per call, two calls in flight: it decodes the next ones while it
    // runs these (its pipeline) and batches them. A call that fails is redone image by image, so one
    // broken file fails alone. A cancel keeps what was embedded and drops the calls in flight.
    const ok = [];
    const dim = s.modelInfo.dim;
    const groups = [];
    for (let g = 0; g < batch.length; g += GROUP) groups.push(batch.slice(g, g + GROUP));
    const one = (b) => s.model.embedImages([b.bytes]).then((vector) => ({ vector }), (error) => ({ error }));
    const embed = (group) => s.model.embedImages(group.map((b) => b.bytes)).then(
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
    // Captions are what is searched (documents); queries and the relevance prompts embed as queries.
    const capVectors = captioned.length ? await s.model.embedTexts(captioned.map((b) => b.item.caption), { inputType: 'document' }) : null;
    const neutral = await neutralEmbeddings(s);
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
      const record = { ...meta, id, hash: b.hash, caption: b.capVector ? b.item.caption : null, neutral: baseline(s, b.vector, neutral) };
      if (record.kind !== undefined && record.kind !== 'photo') delete record.kind; // a kind is the library's to say
      if (b.item[ITEM_KIND]) record.kind = b.item[ITEM_KIND];
      if (b.old?.kind === 'video') {
        // a video replaced by a photo of the same id: its frame rows go
        s.images.remove(imageRows(b.old));
        s.captions.remove([id]);
        s.images.add([id], b.vector);
        summary.updated++;
      } else if (b.old) {
        s.images.update([id], b.vector);
        s.captions.remove([id]);
        summary.updated++;
      } else {
        s.images.add([id], b.vector);
        summary.added++;
      }
      if (b.capVector) s.captions.add([id], b.capVector);
      s.items.set(id, record);
    }
    s.slots = null; // the search's per-slot views are stale
    // Cancelled: what was embedded before the cancel is in (progress counted it), the rest is not.
    aborted(signal);
  }
  report();
  return summary;
}

/** Sets (or clears, with null/'') an item's caption and re-embeds it. */
export async function setCaption(s, id, caption) {
  const it = s.items.get(id);
  if (!it) throw new NotFoundError('NOT_FOUND', `no item '${id}' in the library`);
  s.captions.remove([id]);
  it.caption = null;
  if (typeof caption === 'string' && caption.trim()) {
    s.captions.add([id], await s.model.embedTexts([caption], { inputType: 'document' }));
    it.caption = caption;
  }
  s.slots = null;
}
