// A second model with another score scale, built from a loaded one: every embedding gets two extra
// dimensions, one shared by all images and one shared by all texts (a "modality gap", as in real
// CLIP), so image–text cosines shrink to a quarter of the original's (about -0.1..0.2) while
// text–text and image–image cosines move up to 0.75..1. Rankings within a modality pair are the
// original's; every absolute number differs.
const SHARE = 0.25; // the original's part of each squared norm

function widen(vectors, dim, extra) {
  const n = vectors.length / dim;
  const out = new Float32Array(n * (dim + 2));
  const a = Math.sqrt(SHARE), b = Math.sqrt(1 - SHARE);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) out[i * (dim + 2) + d] = a * vectors[i * dim + d];
    out[i * (dim + 2) + dim + extra] = b;
  }
  return out;
}

export function gapModel(base) {
  const dim = base.info.dim;
  return {
    info: { ...base.info, id: `${base.info.id}+modality-gap`, name: 'modality-gap', dim: dim + 2 },
    async embedTexts(texts) { return widen(await base.embedTexts(texts), dim, 1); },
    async embedImages(images) { return widen(await base.embedImages(images), dim, 0); },
  };
}
