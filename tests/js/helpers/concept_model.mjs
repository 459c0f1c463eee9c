// A model whose embeddings the test constructs, so the right answers are known: every word maps to
// an axis; an "image" is the UTF-8 text "IMG:<words>"; everything also leans on a shared "photo" axis.
export const AXES = ['red', 'car', 'night', 'beach', 'dog', 'cat', 'blue', 'tree', 'sunset', 'snow'];
const DIM = AXES.length + 2; // + photo axis + spare

function vec(words, photo) {
  const v = new Float32Array(DIM);
  for (const w of words) {
    const i = AXES.indexOf(w.toLowerCase());
    if (i >= 0) v[i] += 1;
  }
  v[AXES.length] = photo;
  v[AXES.length + 1] = 0.05;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function conceptModel(id = 'concept-model@1') {
  return {
    info: { id, name: 'concept', family: 'clip', dim: DIM, logitScale: 100 },
    async embedTexts(texts) {
      const out = new Float32Array(texts.length * DIM);
      texts.forEach((t, i) => out.set(vec(t.split(/\s+/), 0.8), i * DIM));
      return out;
    },
    async embedImages(images) {
      const out = new Float32Array(images.length * DIM);
      images.forEach((b, i) => {
        const s = new TextDecoder().decode(b);
        if (!s.startsWith('IMG:')) throw Object.assign(new Error('not an image'), { code: 'INVALID_IMAGE' });
        out.set(vec(s.slice(4).split(/\s+/), 1.0), i * DIM);
      });
      return out;
    },
    score(c) { return c * 100; },
  };
}

export const img = (words) => new TextEncoder().encode(`IMG:${words}`);
