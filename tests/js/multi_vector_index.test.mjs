import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiVectorIndex, CorruptDataError, InvalidInputError, ClosedError } from 'clipfind';
import { rng } from './helpers/vectors.mjs';

// Items of 1..maxCount Gaussian vectors (not unit length: MaxSim uses them as given).
function bags(n, dim, maxCount, seed) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const counts = Int32Array.from({ length: n }, () => 1 + Math.floor(r() * maxCount));
  const vectors = Float32Array.from({ length: counts.reduce((a, b) => a + b, 0) * dim }, gauss);
  return { ids: Array.from({ length: n }, (_, i) => `page${i}`), vectors, counts, gauss };
}

// Independent reference: MaxSim in float64 over every item, sorted (ties by insertion order).
function bruteForce({ vectors, counts }, dim, q, tokens, k) {
  const all = [];
  let row = 0;
  counts.forEach((count, i) => {
    let total = 0;
    for (let t = 0; t < tokens; t++) {
      let best = -Infinity;
      for (let r = 0; r < count; r++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += vectors[(row + r) * dim + j] * q[t * dim + j];
        if (s > best) best = s;
      }
      total += best;
    }
    all.push([i, total]);
    row += count;
  });
  all.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return all.slice(0, k);
}

test('f32 MaxSim in WASM equals a float64 brute force (ids identical, scores within 1e-4 relative)', async () => {
  for (const dim of [7, 128]) {
    const data = bags(120, dim, 40, dim);
    const index = await MultiVectorIndex.create({ dim, storage: 'f32' });
    index.add(data.ids, data.vectors, data.counts);
    assert.equal(index.size, 120);
    assert.equal(index.vectorCount, data.counts.reduce((a, b) => a + b, 0));
    for (const tokens of [1, 5, 20, 27]) {
      const q = Float32Array.from({ length: tokens * dim }, data.gauss);
      const ref = bruteForce(data, dim, q, tokens, 10);
      const { ids, scores } = index.search(q, tokens, 10);
      assert.deepEqual(ids, ref.map(([i]) => `page${i}`), `dim ${dim} tokens ${tokens}`);
      ref.forEach(([, s], r) => assert.ok(Math.abs(scores[r] - s) <= 1e-4 * Math.abs(s), `rank ${r}: ${scores[r]} vs ${s}`));
      const all = index.scoreAll(q, tokens);
      const order = index.ids();
      ref.forEach(([i, s]) => assert.ok(Math.abs(all[order.indexOf(`page${i}`)] - s) <= 1e-4 * Math.abs(s)));
    }
    index.close();
  }
});

test('f16, i8 and pooled storage: round trip through bytes, remove, typed errors', async () => {
  const dim = 32;
  const data = bags(30, dim, 12, 7);
  const q = Float32Array.from({ length: 4 * dim }, data.gauss);
  const ref = bruteForce(data, dim, q, 4, 5).map(([i]) => `page${i}`);
  for (const options of [{ storage: 'f16' }, { storage: 'i8' }, { storage: 'f32', pool: 2 }]) {
    const index = await MultiVectorIndex.create({ dim, ...options });
    index.add(data.ids, data.vectors, data.counts);
    if (options.pool) assert.ok(index.vectorCount < data.vectors.length / dim, 'pooling stores fewer vectors');
    if (!options.pool) assert.deepEqual(index.search(q, 4, 5).ids.slice(0, 3), ref.slice(0, 3), options.storage);
    assert.equal(index.remove(['page1', 'nope']), 1);
    const bytes = index.toBytes();
    const back = await MultiVectorIndex.fromBytes(bytes);
    assert.equal(back.size, 29);
    assert.equal(back.storage, options.storage);
    assert.equal(back.pool, options.pool ?? 0);
    assert.deepEqual(back.search(q, 4, 29), index.search(q, 4, 29));
    assert.deepEqual(back.toBytes(), bytes);
    const damaged = bytes.slice();
    damaged[100] ^= 4;
    await assert.rejects(MultiVectorIndex.fromBytes(damaged), CorruptDataError);
    await assert.rejects(MultiVectorIndex.fromBytes(bytes.subarray(0, bytes.length - 3)), CorruptDataError);
    back.close();
    index.close();
    assert.throws(() => index.search(q, 4, 5), ClosedError);
  }
  const index = await MultiVectorIndex.create({ dim });
  assert.throws(() => index.add(['a'], new Float32Array(dim), Int32Array.of(2)), InvalidInputError);
  assert.throws(() => index.add(['a', 'a'], new Float32Array(2 * dim), Int32Array.of(1, 1)), (e) => e.code === 'DUPLICATE_ID');
  const nan = new Float32Array(dim);
  nan[3] = NaN;
  assert.throws(() => index.add(['a'], nan, Int32Array.of(1)), (e) => e.code === 'INVALID_VALUE');
  assert.equal(index.size, 0);
  assert.throws(() => index.search(new Float32Array(dim), 2), (e) => e.code === 'DIMENSION_MISMATCH');
  index.close();
});
