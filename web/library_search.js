// Library, searching and scoring: a query's vector, every item's fused score and calibrated relevance,
// the page of results; zero-shot tags and near-duplicate groups. Works on the library's state object
// (web/library.js); README "Relevance" has the rule.
import { toBytes } from './bytes.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { weightsProblem } from './library_file.js';
import { parseQuery, parseTerm } from './query.js';
import { posterRow } from './video_library.js';
import { collapseVideos, itemScores, itemSlotGroups, resultFields, standInNeighbours, videoSlots } from './video_search.js';
import { DEFAULT_CUTOFF, librarySample, NULL_TEXTS, nullStats, queryNull, robustStats, symmetricZ } from './relevance.js';

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

// Scales q to unit length in place; false when it is (nearly) zero.
function normalize(q) {
  const norm = Math.hypot(...q);
  if (!(norm > 1e-6)) return false;
  for (let d = 0; d < q.length; d++) q[d] /= norm;
  return true;
}

// Per-slot views of the indexes, rebuilt only after a change: ids, caption slot (-1: none), and the
// null statistics of every image and caption (its scores against NULL_TEXTS, and each image's against
// a sample of the library's images): derived from the stored vectors, so the file format does not
// carry them and old files get them too.
function slotMaps(s, nullVectors) {
  if (!s.slots) {
    const captionSlot = new Map();
    s.captions.ids().forEach((id, i) => captionSlot.set(id, i));
    const imageIds = s.images.ids();
    // Videos: a row per frame, owned by the video item (video_search.js); null without videos.
    const video = videoSlots(s.items, imageIds);
    const owner = video ? video.owner : imageIds;
    const captionOf = new Int32Array(imageIds.length);
    owner.forEach((id, i) => { captionOf[i] = captionSlot.get(id) ?? -1; });
    const dim = s.modelInfo.dim;
    s.slots = {
      imageIds, owner, video, captionOf, imageNull: nullStats(s.images, nullVectors, dim), captionNull: nullStats(s.captions, nullVectors, dim),
      imagePeers: nullStats(s.images, librarySample(s.images, video ? video.itemRows : imageIds, dim), dim),
    };
  }
  return s.slots;
}

async function nullEmbeddings(s) {
  s.nullTexts ??= await s.model.embedTexts([...NULL_TEXTS]);
  return s.nullTexts;
}

function filterFn(filter) {
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

async function queryVector(s, terms) {
  const dim = s.modelInfo.dim;
  const q = new Float32Array(dim);
  for (const t of terms) {
    let v;
    if (t.kind === 'text') v = await s.model.embedTexts([t.value]);
    else if (t.kind === 'image') v = await s.model.embedImages([await toBytes(t.value, 'query image')], { inputType: 'query' });
    else {
      if (!s.items.has(t.value)) throw new NotFoundError('NOT_FOUND', `no item '${t.value}' in the library`);
      v = s.images.get(posterRow(s.items.get(t.value)));
    }
    for (let d = 0; d < dim; d++) q[d] += t.weight * v[d];
  }
  if (!normalize(q)) throw new InvalidInputError('INVALID_VALUE', 'the query terms cancel out (zero vector)');
  return q;
}

// The caption side of an image query: the weighted sum of the query items' captions, or null when
// any image in the query (bytes, or an item without a caption) has none.
function queryCaptionVector(s, terms) {
  const images = terms.filter((t) => t.kind !== 'text');
  if (!images.length || !images.every((t) => t.kind === 'id' && s.captions.has(t.value))) return null;
  const dim = s.modelInfo.dim;
  const q = new Float32Array(dim);
  for (const t of images) {
    const v = s.captions.get(t.value);
    for (let d = 0; d < dim; d++) q[d] += t.weight * v[d];
  }
  return normalize(q) ? q : null;
}

/**
 * Searches. `query`: a query line ('red car -night, 2:beach'), or terms
 * [{ text | image (bytes) | id, weight }]. Results carry the raw `imageScore` and `captionScore`
 * (cosines), their calibrated `evidence` (z-scores against null distributions of their own kind),
 * the fused calibrated `score`, and `relevant`; relevant results come first, then by score.
 * `cutoff`: false, or knobs overriding DEFAULT_CUTOFF (README "Relevance").
 */
export async function searchLibrary(s, query, { k = 20, offset = 0, cutoff = 'auto', weights, filter, target = 'items' } = {}) {
  const terms = typeof query === 'string' ? parseQuery(query) : Array.isArray(query) ? query.map((t) => (typeof t === 'string' ? parseTerm(t) : t)) : [query];
  if (!terms.length) throw new InvalidInputError('INVALID_ARGUMENT', 'empty query');
  const opts = cutoffOptions(cutoff);
  const problem = weightsProblem(weights);
  if (problem) throw new InvalidInputError('INVALID_ARGUMENT', `search: ${problem}`);
  const w = { ...s.weights, ...weights };
  const normalized = terms.map(normalizeTerm);
  const q = await queryVector(s, normalized);
  const textOnly = normalized.every((t) => t.kind === 'text');
  const nullVectors = await nullEmbeddings(s);
  const { imageIds, owner, video, captionOf, imageNull, captionNull, imagePeers } = slotMaps(s, nullVectors);
  const imageScores = s.images.scoreAll(q);
  // Text queries meet captions in text space; an image query has a caption side only when every
  // image in it is a library item with a caption (README "Relevance").
  const captionQuery = textOnly ? q : queryCaptionVector(s, normalized);
  const captionScores = captionQuery && s.captions.size ? s.captions.scoreAll(captionQuery) : new Float32Array(0);
  const libImage = robustStats(video ? itemScores(imageScores, video) : imageScores, opts.minLibrary);
  const libCaption = robustStats(captionScores, opts.minLibrary);
  // A text query's own null (text–text scores are judged from both sides, README "Relevance").
  const qNull = textOnly && captionScores.length ? queryNull(q, nullVectors, s.modelInfo.dim) : null;
  const selfIds = new Set(normalized.filter((t) => t.kind === 'id' && t.weight > 0).map((t) => t.value));
  // The sigmoid only means something with the model's learned scale and bias (info.calibrated).
  const siglip = textOnly && s.modelInfo.family === 'siglip' && s.model?.info?.calibrated === true && typeof s.model.score === 'function';
  const keep = filterFn(filter);
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
    if (keep && !keep(s.items.get(owner[i]))) continue;
    eligible[i] = 1;
    count++;
    const cos = imageScores[i];
    libI[i] = z(cos, libImage);
    libC[i] = cs >= 0 ? z(captionScores[cs], libCaption) : NaN;
    let relImage, relCaption = false;
    if (textOnly) {
      zImage[i] = (cos - imageNull.mean[i]) / imageNull.sd[i];
      relImage = zImage[i] >= opts.z && !(libI[i] < opts.zLibrary) && (!siglip || s.model.score(cos) >= opts.probability);
      zCaption[i] = cs >= 0 ? symmetricZ((captionScores[cs] - captionNull.mean[cs]) / captionNull.sd[cs], (captionScores[cs] - qNull.mean) / qNull.sd) : NaN;
      relCaption = cs >= 0 && zCaption[i] >= opts.z && !(libC[i] < opts.zLibrary);
    } else {
      // Images against images: the query photo's null is the library's scores for it, the candidate's
      // its own scores against a sample of the library (symmetricZ); below minLibrary items only
      // copies count.
      zImage[i] = symmetricZ(libI[i], (cos - imagePeers.mean[i]) / imagePeers.sd[i]);
      // Exact and near copies (cosine >= copy) are relevant whatever the library looks like.
      relImage = (libImage !== null && zImage[i] >= opts.z) || cos >= opts.copy;
      zCaption[i] = libC[i];
      // The query photo itself first, then its copies, then the rest: a caption never drags a photo
      // below its own copy.
      first[i] = selfIds.has(owner[i]) ? 2 : cos >= opts.copy ? 1 : 0;
      if (first[i]) relImage = true;
    }
    // The score is the fused cosine (0.7 · image + 0.3 · caption by default): what the ranking means,
    // the same number pgvector computes (README "Outgrowing one device"); the calibrated z-scores
    // behind `relevant` are in `evidence`.
    score[i] = target === 'captions' ? captionScores[cs] : cs < 0 ? cos : w.image * cos + w.caption * captionScores[cs];
    relevant[i] = opts.off ? 0 : (useImage && relImage) || (useCaption && relCaption) ? 1 : 0;
    if (Number.isNaN(score[i])) score[i] = -Infinity;
  }
  // A video is one item: its best frame (video_search.js).
  if (video) count = collapseVideos(video, { score, relevant, first, eligible });
  const want = Math.min(offset + k, count);
  const top = topIndices(score, eligible, want, first, relevant);
  const num = (x) => (Number.isFinite(x) ? x : null);
  const results = top.slice(offset).map((i) => {
    const cs = captionOf[i];
    const hasCaption = cs >= 0 && captionScores.length > 0;
    const item = s.items.get(owner[i]);
    return {
      id: owner[i],
      ...resultFields(video, i, imageScores, item),
      score: score[i],
      imageScore: imageScores[i],
      captionScore: hasCaption ? captionScores[cs] : null,
      relevant: relevant[i] === 1,
      evidence: { image: num(zImage[i]), caption: hasCaption ? num(zCaption[i]) : null, library: { image: num(libI[i]), caption: hasCaption ? num(libC[i]) : null } },
      meta: structuredClone(item),
    };
  });
  return { total: count, results };
}

/**
 * Zero-shot tagging: each item's image against the labels (softmax over the labels with the model's
 * logit scale); labels at or above `threshold`, best first.
 */
export async function tagItems(s, labels, { threshold = 0.5 } = {}) {
  if (!Array.isArray(labels) || !labels.length) throw new InvalidInputError('INVALID_ARGUMENT', 'tag: give at least one label');
  const dim = s.modelInfo.dim;
  const lv = await s.model.embedTexts(labels);
  const scale = s.model.info?.logitScale ?? 100;
  const perLabel = labels.map((_, j) => s.images.scoreAll(lv.subarray(j * dim, (j + 1) * dim)));
  // one entry per item: a video's score for a label is its best frame's
  return itemSlotGroups(s.items, s.images.ids()).map(([id, slots]) => {
    const cosines = perLabel.map((scores) => Math.max(...slots.map((i) => scores[i])));
    const logits = cosines.map((c) => c * scale);
    const m = Math.max(...logits);
    const e = logits.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    const tags = labels.map((label, j) => ({ label, score: e[j] / z, cosine: cosines[j] })).filter((t) => t.score >= threshold).sort((a, b) => b.score - a.score);
    return { id, tags };
  });
}

/** Near-duplicate groups: items whose images are at cosine >= threshold, transitively. */
export function dupeGroups(s, { threshold = 0.95 } = {}) {
  // A video takes part through its poster frame only (its own frames are near copies of each other).
  const all = s.images.ids();
  const video = videoSlots(s.items, all);
  const ids = video ? video.itemRows : all;
  const near16 = video ? standInNeighbours(s.images, all, video) : (id) => s.images.search(s.images.get(id), 16);
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (x) => {
    while (parent.get(x) !== x) {
      parent.set(x, parent.get(parent.get(x)));
      x = parent.get(x);
    }
    return x;
  };
  for (const id of ids) {
    const { ids: near, scores } = near16(id);
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
  const name = video ? new Map(all.map((row, i) => [row, video.owner[i]])) : null;
  return [...groups.values()].filter((g) => g.length > 1).map((g) => (name ? g.map((row) => name.get(row)) : g).sort());
}
