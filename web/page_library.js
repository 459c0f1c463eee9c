// Library on a late-interaction (ColPali-family) model: pages are items of kind 'page' whose patch
// vectors live in a MultiVectorIndex saved as the library file's extra section 'pages'. Each page also
// keeps one dense vector (the mean of its patch vectors, unit length) in the image index, so captions,
// filters, removal, near-duplicates and the file layout work as for photos. Text queries score pages
// by MaxSim (per query token, the best cosine over the page's vectors, averaged over the tokens: the
// sum ColPali ranks by, divided by the token count so that it reads as a cosine for fusion and the
// cutoff); their null statistics are the pages' MaxSim scores for NULL_TEXTS, as for photos.
import { toBytes } from './bytes.js';
import { sha256Hex } from './digest.js';
import { AbortError, InvalidInputError } from './errors.js';
import { registerSection } from './library_sections.js';
import { loadMultiVectorIndex, MultiVectorIndex } from './multi_vector_index.js';
import { NULL_TEXTS } from './relevance.js';
import { NEUTRAL_PROMPTS } from './library_add.js';

export const PAGES_SECTION = 'pages';
registerSection(PAGES_SECTION, loadMultiVectorIndex);

/** True when the library's model is late-interaction (its pages go to the multi-vector index). */
export const isPageLibrary = (s) => s.model?.info?.lateInteraction === true;

function meanUnit(vectors, from, count, dim) {
  const out = new Float32Array(dim);
  for (let r = from; r < from + count; r++) for (let j = 0; j < dim; j++) out[j] += vectors[r * dim + j];
  const norm = Math.hypot(...out);
  if (norm > 0) for (let j = 0; j < dim; j++) out[j] /= norm;
  return out;
}

async function pages(s) {
  if (!s.extras.has(PAGES_SECTION)) s.extras.set(PAGES_SECTION, await MultiVectorIndex.create({ dim: s.modelInfo.dim, storage: 'f32' }));
  return s.extras.get(PAGES_SECTION);
}

// Each text's per-page MaxSim mean, in `ids` order (ids: the image index's slot order).
async function maxSimMeans(s, texts, ids) {
  const index = await pages(s);
  const { vectors, counts } = await s.model.embedQueryTokens(texts);
  const slot = new Map(index.ids().map((id, i) => [id, i]));
  const dim = s.modelInfo.dim;
  const out = [];
  for (let t = 0, row = 0; t < texts.length; row += counts[t], t++) {
    const all = index.scoreAll(vectors.subarray(row * dim, (row + counts[t]) * dim), counts[t]);
    out.push(Float32Array.from(ids, (id) => (slot.has(id) ? all[slot.get(id)] / counts[t] : -Infinity)));
  }
  return out;
}

/**
 * Adds page images `{ id, image, caption?, meta? }` (kind 'page'); unchanged ones (same id, hash and
 * caption) are skipped, changed ones replaced; a page that fails to embed fails alone.
 */
export async function addPages(s, items, { onProgress, signal } = {}) {
  const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
  const index = await pages(s);
  const dim = s.modelInfo.dim;
  let done = 0;
  for (const item of items) {
    if (signal?.aborted) throw new AbortError('indexing was cancelled');
    try {
      if (!item || typeof item.id !== 'string' || !item.id) throw new InvalidInputError('INVALID_ARGUMENT', 'item.id must be a non-empty string');
      const bytes = await toBytes(item.image, 'item.image');
      const hash = await sha256Hex(bytes);
      const old = s.items.get(item.id);
      if (old && old.hash === hash && (item.caption === undefined || item.caption === old.caption)) {
        summary.skipped++;
        continue;
      }
      const { vectors, counts } = await s.model.embedPages([bytes]);
      const caption = typeof item.caption === 'string' && item.caption.trim() ? item.caption : null;
      const capVector = caption ? await s.model.embedTexts([caption]) : null;
      const id = item.id;
      if (old) {
        index.remove([id]);
        s.images.remove([id]);
        s.captions.remove([id]);
      }
      index.add([id], vectors, counts);
      s.images.add([id], meanUnit(vectors, 0, counts[0], dim));
      if (capVector) s.captions.add([id], capVector);
      const slash = id.lastIndexOf('/');
      const meta = { fileName: slash >= 0 ? id.slice(slash + 1) : id, folder: slash >= 0 ? id.slice(0, slash) : '', dateTaken: null, size: bytes.byteLength, tags: old?.tags ?? [], ...(item.meta ?? {}) };
      // the baseline: the page's best MaxSim mean over the neutral prompts (the cutoff's per-item floor)
      const neutral = Math.max(...(await maxSimMeans(s, [...NEUTRAL_PROMPTS], [id])).map((x) => x[0]));
      s.items.set(id, { ...meta, id, kind: 'page', hash, caption, neutral });
      summary[old ? 'updated' : 'added']++;
    } catch (error) {
      if (error instanceof AbortError) throw error;
      summary.failed.push({ id: item?.id, error });
    } finally {
      done++;
      onProgress?.({ done, total: items.length });
    }
  }
  s.slots = null;
  return summary;
}

/**
 * The image side of a text query on a page library: per image-index slot, the weighted MaxSim means of
 * the query's text terms, and the slots' null statistics (MaxSim means for NULL_TEXTS, cached with the
 * slots).
 */
export async function pageSide(s, terms, imageIds, trimmedNull) {
  const texts = terms.map((t) => t.value);
  const per = await maxSimMeans(s, texts, imageIds);
  const total = terms.reduce((a, t) => a + Math.abs(t.weight), 0);
  const imageScores = new Float32Array(imageIds.length);
  per.forEach((scores, j) => { for (let i = 0; i < scores.length; i++) imageScores[i] += (terms[j].weight / total) * scores[i]; });
  s.slots.pageNull ??= trimmedNull(await maxSimMeans(s, [...NULL_TEXTS], imageIds));
  return { imageScores, imageNull: s.slots.pageNull };
}
