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
  z: 4, // a score must sit z standard deviations above the item's own null (unrelated texts) ...
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

/**
 * Per-slot null statistics: the mean and SD of each vector's cosines with the null texts, leaving out
 * the highest eighth (a few of those texts may describe the item: a dog photo and "a dog").
 * @returns {{mean: Float32Array, sd: Float32Array}}
 */
export function nullStats(index, nullVectors, dim) {
  const n = index.size;
  const texts = nullVectors.length / dim;
  const keep = texts - Math.floor(texts / 8);
  const perText = [];
  for (let j = 0; j < texts; j++) perText.push(index.scoreAll(nullVectors.subarray(j * dim, (j + 1) * dim)));
  const mean = new Float32Array(n), sd = new Float32Array(n);
  const row = new Float32Array(texts);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < texts; j++) row[j] = perText[j][i];
    row.sort();
    let sum = 0, sum2 = 0;
    for (let j = 0; j < keep; j++) {
      sum += row[j];
      sum2 += row[j] * row[j];
    }
    mean[i] = sum / keep;
    sd[i] = Math.max(Math.sqrt(Math.max(0, sum2 / keep - mean[i] * mean[i])), 1e-6);
  }
  return { mean, sd };
}
