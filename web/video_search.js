// Searching a library with videos: every frame row is scored like a photo, then each video keeps its
// best frame (its best moment) and counts as one item, in the ranking, in the library's score
// statistics and in the null sample of relevance. A result's `time` is the start of the moment: the
// best frame, moved back over the frames just before it that score nearly as well (the same scene).
import { frameRowId } from './video_library.js';

/**
 * Per-slot views of the video rows (null when the library has no video): the item of each slot,
 * each video's slots in time order, and the ids of one row per item (photos and poster frames).
 */
export function videoSlots(items, imageIds) {
  const videos = [];
  for (const it of items.values()) if (it.kind === 'video') videos.push(it);
  if (!videos.length) return null;
  const n = imageIds.length;
  const slotOf = new Map(imageIds.map((id, i) => [id, i]));
  const owner = imageIds.slice();
  const groupOf = new Int32Array(n).fill(-1);
  const standsFor = new Uint8Array(n).fill(1);
  const groups = videos.map((it, g) => {
    const slots = it.frames.map((t) => slotOf.get(frameRowId(it.id, t)));
    for (const slot of slots) {
      owner[slot] = it.id;
      groupOf[slot] = g;
      standsFor[slot] = 0;
    }
    standsFor[slotOf.get(frameRowId(it.id, it.posterTime))] = 1;
    return { id: it.id, slots, times: it.frames };
  });
  return { owner, groupOf, groups, itemRows: imageIds.filter((_, i) => standsFor[i]) };
}

/** One score per item (a video's best frame): what the library-wide statistics of a query are over. */
export function itemScores(scores, v) {
  const out = [];
  for (let i = 0; i < scores.length; i++) if (v.groupOf[i] < 0) out.push(scores[i]);
  for (const g of v.groups) out.push(Math.max(...g.slots.map((slot) => scores[slot])));
  return Float32Array.from(out);
}

/**
 * Leaves each video one eligible slot, its best frame by the ranking's order (the query's own item
 * first, then relevant, then score); returns how many slots stay eligible.
 */
export function collapseVideos(v, { score, relevant, first, eligible }) {
  const better = (a, b) => (first[a] !== first[b] ? first[a] > first[b] : relevant[a] !== relevant[b] ? relevant[a] > relevant[b] : score[a] > score[b]);
  for (const g of v.groups) {
    let best = -1;
    for (const slot of g.slots) {
      if (!eligible[slot]) continue;
      if (best < 0 || better(slot, best)) best = slot;
      eligible[slot] = 0;
    }
    if (best >= 0) eligible[best] = 1;
  }
  let count = 0;
  for (let i = 0; i < eligible.length; i++) count += eligible[i];
  return count;
}

/**
 * The result fields of slot `slot`: `kind`, and for a video frame `time` (the start of the moment) and
 * `frameTime` (the best frame, the thumbnail to show).
 */
export function resultFields(v, slot, scores, item) {
  const g = v?.groupOf[slot] ?? -1;
  if (g < 0) return { kind: item?.kind ?? 'photo' };
  const { slots, times } = v.groups[g];
  const j = slots.indexOf(slot);
  // "Nearly as well": within a fifth of the way from the video's median frame score to the best.
  const sorted = slots.map((s) => scores[s]).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const floor = scores[slot] - Math.max(0.005, 0.2 * (scores[slot] - median));
  let start = j;
  while (start > 0 && scores[slots[start - 1]] >= floor) start--;
  return { kind: 'video', time: times[start], frameTime: times[j] };
}

/** Tag rows per item: a video's score for a label is its best frame's. [[itemId, slots]] */
export function itemSlotGroups(items, imageIds) {
  const v = videoSlots(items, imageIds);
  if (!v) return imageIds.map((id, i) => [id, [i]]);
  const out = [];
  for (let i = 0; i < imageIds.length; i++) if (v.groupOf[i] < 0) out.push([imageIds[i], [i]]);
  for (const g of v.groups) out.push([g.id, g.slots]);
  return out;
}

/**
 * dupes() with videos: the 16 nearest rows among those that stand for an item (photos, poster frames)
 * to row `id`, as FlatIndex.search answers: {ids, scores}, best first.
 */
export function standInNeighbours(images, allIds, v) {
  const standIn = new Set(v.itemRows);
  return (id) => {
    const scores = images.scoreAll(images.get(id));
    const slots = [];
    for (let i = 0; i < allIds.length; i++) if (standIn.has(allIds[i])) slots.push(i);
    slots.sort((a, b) => scores[b] - scores[a] || a - b);
    const top = slots.slice(0, 16);
    return { ids: top.map((i) => allIds[i]), scores: top.map((i) => scores[i]) };
  };
}
