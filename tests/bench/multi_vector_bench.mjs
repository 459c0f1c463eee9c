// MultiVectorIndex at ColPali scale: 1,000 pages × 1,030 patch vectors × 128 dims, a 20-token query.
// WASM f32/f16/i8 (and f32 pooled by 3) against a plain-JS MaxSim over the same numbers in the same
// run. `node tests/bench/bench.mjs multivector`; MV_PAGES=200 for a quicker run.
import { MultiVectorIndex } from 'clipfind';
import { rng } from '../js/helpers/vectors.mjs';
import { median } from './index_bench.mjs';

// Plain JS, as one would write it: for each page and query token, the best dot product over the page's
// patches; then the top k by a sort.
function jsMaxSim(pages, counts, dim, q, tokens, k) {
  const scores = [];
  let row = 0;
  for (let p = 0; p < counts.length; p++) {
    let total = 0;
    for (let t = 0; t < tokens; t++) {
      let best = -Infinity;
      for (let r = 0; r < counts[p]; r++) {
        const o = (row + r) * dim, qo = t * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) s += pages[o + j] * q[qo + j];
        if (s > best) best = s;
      }
      total += best;
    }
    scores.push([p, total]);
    row += counts[p];
  }
  scores.sort((a, b) => b[1] - a[1]);
  return scores.slice(0, k);
}

function time(fn, reps) {
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn(i);
    t.push(performance.now() - t0);
  }
  return median(t);
}

export async function multiVectorBench() {
  const pages = Number(process.env.MV_PAGES ?? 1000), patches = 1030, dim = 128, tokens = 20, k = 10;
  const r = rng(18);
  // Unit-length vectors, as ColPali-family models output them.
  const unit = (n) => {
    const v = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) { const x = r() * 2 - 1; v[i * dim + j] = x; norm += x * x; }
      const inv = 1 / Math.sqrt(norm);
      for (let j = 0; j < dim; j++) v[i * dim + j] *= inv;
    }
    return v;
  };
  const data = unit(pages * patches);
  const counts = new Int32Array(pages).fill(patches);
  const ids = Array.from({ length: pages }, (_, i) => `doc.pdf#page=${i + 1}`);
  const queries = Array.from({ length: 5 }, () => unit(tokens));
  const res = {};
  let f32Top = null;
  for (const [name, options] of [['f32', { storage: 'f32' }], ['f16', { storage: 'f16' }], ['i8', { storage: 'i8' }], ['f32 pooled/3', { storage: 'f32', pool: 3 }]]) {
    if (options.pool && !process.env.MV_POOL) continue; // pooling takes ~0.1 s a page: MV_POOL=1 MV_PAGES=200
    const index = await MultiVectorIndex.create({ dim, ...options });
    const t0 = performance.now();
    for (let p = 0; p < pages; p += 50) {
      const n = Math.min(50, pages - p);
      index.add(ids.slice(p, p + n), data.subarray(p * patches * dim, (p + n) * patches * dim), counts.subarray(p, p + n));
    }
    const addS = (performance.now() - t0) / 1000;
    const ms = time((i) => index.search(queries[i % queries.length], tokens, k), 7);
    const top = index.search(queries[0], tokens, k).ids;
    if (name === 'f32') f32Top = top;
    res[name] = { ms, addS, mb: index.memoryBytes / 1e6, overlap: f32Top ? top.filter((id) => f32Top.includes(id)).length / k : 1 };
    index.close();
  }
  const jsMs = time((i) => jsMaxSim(data, counts, dim, queries[i % queries.length], tokens, k), 3);
  const jsTop = jsMaxSim(data, counts, dim, queries[0], tokens, k).map(([p]) => ids[p]);
  const agree = jsTop.every((id, i) => id === f32Top[i]);
  const f = (v) => `${v.toFixed(1).padStart(7)} ms`;
  console.log(`MaxSim: ${pages} pages x ${patches} patches x ${dim} dims (unit vectors), ${tokens}-token query, top-${k}; p50 per query`);
  for (const [name, v] of Object.entries(res)) {
    console.log(`  WASM ${name.padEnd(13)} ${f(v.ms)}   (${(jsMs / v.ms).toFixed(1)}x plain JS${name === 'f32' ? ', goal >= 10x' : ''}; ${v.mb.toFixed(0)} MB; add ${v.addS.toFixed(1)} s; top-10 overlap with f32 ${v.overlap.toFixed(1)})`);
  }
  console.log(`  plain JS MaxSim    ${f(jsMs)}   (same top-10 as WASM f32: ${agree})`);
}
