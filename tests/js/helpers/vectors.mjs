// Seeded random unit vectors and a float64 brute-force reference, shared by tests and benchmarks.

export function rng(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `out` (n * dim floats) lets a caller reuse one buffer, e.g. to measure memory without its garbage.
export function randomUnit(n, dim, seed, out = new Float32Array(n * dim)) {
  const r = rng(seed);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      // Box-Muller: Gaussian components give directions uniform on the sphere
      const g = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
      out[i * dim + j] = g;
      norm += g * g;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[i * dim + j] *= inv;
  }
  return out;
}

export function bruteForce(data, dim, q, k) {
  const n = data.length / dim;
  const all = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] * q[j];
    all.push([i, s]);
  }
  all.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return all.slice(0, k);
}
