// Video items in a Library. Each sampled frame is a row of the image index with an id of its own,
// `${id}#t=${time}`; the item records the frame times (`frames`) and its poster frame (`posterTime`,
// the frame closest to the video's mean embedding: its most typical picture). The library file needs
// no section of its own. What the rest of the library asks of a video: its rows (remove, merge,
// checks), one row that stands for it (an `id:` query term, dupes, the null sample of relevance),
// and the PostgreSQL rows (one per frame). Search's side is video_search.js.
import { InvalidInputError } from './errors.js';
import { sampleVideo, videoHash } from './video.js';

/** The image-index row of the frame of video `id` at `time` seconds. */
export const frameRowId = (id, time) => `${id}#t=${time}`;

/** The image-index rows of an item: its frames for a video, its own id for a photo. */
export function imageRows(item) {
  return item.kind === 'video' ? item.frames.map((t) => frameRowId(item.id, t)) : [item.id];
}

/** The one row that stands for an item: a video's poster frame. */
export function posterRow(item) {
  return item.kind === 'video' ? frameRowId(item.id, item.posterTime) : item.id;
}

// ISO 8601 from ffprobe ('2024-05-01T10:22:03.000000Z') in the shape of EXIF dates ('YYYY-MM-DDTHH:MM:SS').
const dateOf = (created) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.exec(created ?? '')?.[0] ?? null);

// The frame nearest the mean of the frames (unit vectors, n × dim).
function posterIndex(vectors, n, dim) {
  const mean = new Float32Array(dim);
  for (let i = 0; i < n * dim; i++) mean[i % dim] += vectors[i];
  let best = 0, bestDot = -Infinity;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += vectors[i * dim + d] * mean[d];
    if (dot > bestDot) [best, bestDot] = [i, dot];
  }
  return best;
}

// Frames go to the model this many per call: progress between calls, and the pipeline stays fed.
const FRAME_GROUP = 8;

/**
 * Adds or re-imports one video item `{ id, video, caption?, meta? }` (meta already checked): samples
 * it, embeds the frames, stores them and the record. `hooks.baseline(vector)`: the relevance
 * baseline; `hooks.progress(done, total)`: frames looked at, then embedded.
 * @returns {Promise<'added'|'updated'|'skipped'>}
 */
export async function addVideoItem(s, item, { options, signal, progress, baseline }) {
  const { id } = item;
  if (item.image !== undefined) throw new InvalidInputError('INVALID_ARGUMENT', `${id}: an item has an image or a video, not both`);
  const hash = await videoHash(item.video);
  const old = s.items.get(id);
  if (old && old.hash === hash && (item.caption === undefined || item.caption === old.caption)) return 'skipped';
  const { info, frames } = await sampleVideo(item.video, id, {
    options, signal, onProgress: (done, total) => progress?.('reading', done, total),
  });
  const dim = s.modelInfo.dim;
  const vectors = new Float32Array(frames.length * dim);
  for (let i = 0; i < frames.length; i += FRAME_GROUP) {
    const group = frames.slice(i, i + FRAME_GROUP);
    vectors.set(await s.model.embedImages(group.map((f) => f.bmp)), i * dim);
    progress?.('embedding', i + group.length, frames.length);
  }
  const times = frames.map((f) => f.time);
  const poster = posterIndex(vectors, frames.length, dim);
  const caption = typeof item.caption === 'string' && item.caption.trim() ? item.caption : null;
  const capVector = caption ? await s.model.embedTexts([caption]) : null;
  const rows = times.map((t) => frameRowId(id, t));
  const oldRows = new Set(old ? imageRows(old) : []);
  const clash = rows.find((r) => s.images.has(r) && !oldRows.has(r));
  if (clash) throw new InvalidInputError('DUPLICATE_ID', `${id}: its frame row '${clash}' is the id of another item`);
  if (old) {
    s.images.remove([...oldRows]);
    s.captions.remove([id]);
  }
  s.images.add(rows, vectors);
  if (capVector) s.captions.add([id], capVector);
  const slash = id.lastIndexOf('/');
  const size = typeof Blob !== 'undefined' && item.video instanceof Blob ? item.video.size : item.video.byteLength;
  s.items.set(id, {
    fileName: slash >= 0 ? id.slice(slash + 1) : id,
    folder: slash >= 0 ? id.slice(0, slash) : '',
    dateTaken: dateOf(info.created),
    size,
    tags: old?.tags ?? [],
    ...item.meta,
    // what the library relies on comes last: user meta cannot overwrite it
    id, kind: 'video', hash, caption, neutral: baseline(vectors.subarray(poster * dim, (poster + 1) * dim)),
    duration: Math.round(info.duration * 1000) / 1000, width: info.width, height: info.height, codec: info.codec,
    frames: times, posterTime: times[poster],
  });
  s.slots = null;
  return old ? 'updated' : 'added';
}

/** Copies item `it`'s rows from library state `o` into `s` (merge). */
export function copyRows(s, o, it) {
  const rows = imageRows(it);
  const dim = s.modelInfo.dim;
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => vectors.set(o.images.get(r), i * dim));
  s.images.add(rows, vectors);
}

/** The image rows of the items `ids` that are present (remove; a frame row alone is not an item). */
export function rowsOf(s, ids) {
  return ids.flatMap((id) => {
    const it = s.items.get(id);
    return it ? imageRows(it) : [];
  });
}

/**
 * The items as PostgreSQL rows (library_pg.js): a video is one row per frame, id `${id}#t=${time}`,
 * its meta the video's plus `video` (the item id) and `time`, so that SQL finds moments too.
 */
export function* pgRows(items) {
  for (const it of items) {
    if (it.kind !== 'video') {
      yield it;
      continue;
    }
    const { frames, ...rest } = it;
    for (const t of frames) yield { ...rest, id: frameRowId(it.id, t), video: it.id, time: t };
  }
}

/** The item a PostgreSQL row id belongs to (its video for a frame row) and its caption vector's id. */
export function pgOwner(items, rowId) {
  const hash = rowId.lastIndexOf('#t=');
  if (hash > 0 && items.get(rowId.slice(0, hash))?.kind === 'video') return rowId.slice(0, hash);
  return rowId;
}

/**
 * Library.fromPostgres: puts rows back together, frame rows into their video. Returns the items as
 * [{ record, rows: [{id, image}], captionVector }].
 */
export function itemsFromRows(rows) {
  const out = new Map();
  for (const r of rows) {
    const video = typeof r.meta?.video === 'string' && r.meta.kind === 'video' && Number.isFinite(r.meta.time) ? r.meta.video : null;
    const key = video ?? r.id;
    let entry = out.get(key);
    if (!entry) {
      const { video: _v, time: _t, ...meta } = r.meta ?? {};
      entry = { id: key, meta, caption: r.caption, captionVector: r.captionVector, rows: [], times: [] };
      out.set(key, entry);
    }
    entry.rows.push({ id: r.id, image: r.image });
    if (video) entry.times.push(r.meta.time);
  }
  return [...out.values()].map((e) => {
    if (!e.times.length) return e;
    const order = e.times.map((t, i) => i).sort((a, b) => e.times[a] - e.times[b]);
    return { ...e, rows: order.map((i) => e.rows[i]), meta: { ...e.meta, kind: 'video', frames: order.map((i) => e.times[i]) } };
  });
}
