// Calibrated relevance: every similarity is judged against a null distribution of its own kind, so
// the rule needs no model-specific numbers. See README "Relevance".

/**
 * Texts about nothing in particular and about everyday things: an item's scores against them are its
 * null distribution (what unrelated text scores on this image, or this caption).
 */
export const NULL_TEXTS = Object.freeze([
  'a photo', 'an image', 'a picture', 'a photo of something', 'a blurry photo', 'a picture of an object',
  'a dog', 'a cat', 'a car', 'a house', 'a tree', 'a person', 'a plate of food', 'a beach', 'a city street',
  'a flower', 'a mountain', 'a page of text', 'a screenshot', 'a bird', 'a boat', 'a chair', 'a cup of coffee',
  'a phone', 'a group of people', 'a bicycle', 'a book', 'a kitchen', 'a forest', 'a river', 'a sunset', 'a baby',
]);

/** The rule's knobs (search option `cutoff`), with their defaults. */
export const DEFAULT_CUTOFF = Object.freeze({
  z: 4, // a score must sit z SDs above its null (photo–text: the photo's; text–text, photo–photo: both sides', symmetricZ) ...
  zLibrary: 2, // ... and zLibrary robust deviations above the query's median over the library
  minLibrary: 16, // fewer items than this of a kind: the library null is not used (too few to estimate)
  probability: 0.01, // a calibrated SigLIP's sigmoid must also reach this (the model's own word)
  copy: 0.999, // image queries: cosine of an exact or near copy (relevant, ranked right after the photo itself)
});

/** Median and robust scale (1.4826·MAD) of up to 4,096 evenly strided values, or null if too few. */
export function robustStats(scores, min) {
  const n = scores.length;
  if (n < min || n === 0) return null;
  const step = Math.max(1, Math.floor(n / 4096));
  const sample = new Float32Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) sample[m++] = scores[i];
  const s = sample.subarray(0, m).sort();
  const median = s[m >> 1];
  for (let i = 0; i < m; i++) s[i] = Math.abs(s[i] - median);
  s.sort();
  return { median, scale: Math.max(1.4826 * s[m >> 1], 1e-6) };
}

// Mean and SD of a row of null scores, leaving out the highest eighth (a few of the null texts may
// describe the item: a dog photo and "a dog"). Sorts `row` in place.
function trimmedStats(row) {
  row.sort();
  const keep = row.length - Math.floor(row.length / 8);
  let sum = 0, sum2 = 0;
  for (let j = 0; j < keep; j++) {
    sum += row[j];
    sum2 += row[j] * row[j];
  }
  const mean = sum / keep;
  return { mean, sd: Math.max(Math.sqrt(Math.max(0, sum2 / keep - mean * mean)), 1e-6) };
}

/**
 * Per-slot null statistics: the mean and SD of each vector's cosines with a null bank (NULL_TEXTS,
 * or librarySample's photos), trimmed.
 * @returns {{mean: Float32Array, sd: Float32Array}}
 */
export function nullStats(index, nullVectors, dim) {
  const n = index.size;
  const texts = nullVectors.length / dim;
  const perText = [];
  for (let j = 0; j < texts; j++) perText.push(index.scoreAll(nullVectors.subarray(j * dim, (j + 1) * dim)));
  const mean = new Float32Array(n), sd = new Float32Array(n);
  const row = new Float32Array(texts);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < texts; j++) row[j] = perText[j][i];
    ({ mean: mean[i], sd: sd[i] } = trimmedStats(row));
  }
  return { mean, sd };
}

/**
 * The query's own null, for text–text scores: a text query's cosines with the same null texts
 * (trimmed the same way). A caption–query score has two texts behind it, and either may be the one
 * that scores high on everything; see `captionZ`.
 * @returns {{mean: number, sd: number}}
 */
export function queryNull(query, nullVectors, dim) {
  const texts = nullVectors.length / dim;
  const row = new Float32Array(texts);
  for (let j = 0; j < texts; j++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += query[d] * nullVectors[j * dim + d];
    row[j] = dot;
  }
  return trimmedStats(row);
}

/**
 * Up to `max` of the library's own photo vectors, evenly strided over the ids in sorted order (so the
 * same library gives the same sample whatever order it was built in): the null bank of image–image
 * scores (what a photo scores against other photos; the highest eighth, its look-alikes, left out).
 * @returns {Float32Array}
 */
export function librarySample(index, ids, dim, max = 64) {
  const sorted = [...ids].sort();
  const step = Math.max(1, Math.ceil(sorted.length / max));
  const out = new Float32Array(Math.ceil(sorted.length / step) * dim);
  for (let i = 0, k = 0; i < sorted.length; i += step, k++) out.set(index.get(sorted[i]), k * dim);
  return out;
}

/**
 * One z for a score between two things of the same kind (caption and text query, photo and query
 * photo): each side's z against its own null, combined as two standard normal scores are (sum / √2),
 * like speaker verification's symmetric score normalization (S-norm). Judged from one side only, an
 * exact caption ("my red star" for "red star") could fail because that caption sits close to every
 * text, and a query close to every text could pass.
 */
export function symmetricZ(zA, zB) {
  return (zA + zB) / Math.SQRT2;
}
