import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlatIndex, ClipfindError, CorruptDataError, InvalidInputError, NotFoundError, ClosedError } from 'clipfind';
import { randomUnit, bruteForce } from './helpers/vectors.mjs';

const ids = (n, p = 'v') => Array.from({ length: n }, (_, i) => `${p}${i}`);

test('f32 search equals float64 brute force top-10 (ids, scores within 1e-5)', async () => {
  const dim = 512, n = 3000;
  const data = randomUnit(n, dim, 1);
  const queries = randomUnit(30, dim, 2);
  const index = await FlatIndex.create({ dim, storage: 'f32' });
  index.add(ids(n), data);
  assert.equal(index.size, n);
  for (let q = 0; q < 30; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const ref = bruteForce(data, dim, query, 10);
    const { ids: got, scores } = index.search(query, 10);
    assert.deepEqual(got, ref.map(([i]) => `v${i}`));
    ref.forEach(([, s], r) => assert.ok(Math.abs(scores[r] - s) <= 1e-5, `rank ${r}: ${scores[r]} vs ${s}`));
  }
  index.close();
});

async function recall(storage, rerank) {
  const dim = 512, n = 20000, nq = 40, k = 10;
  const data = randomUnit(n, dim, 3);
  const queries = randomUnit(nq, dim, 4);
  const index = await FlatIndex.create({ dim, storage, rerank });
  index.add(ids(n), data);
  let hit = 0;
  for (let q = 0; q < nq; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const want = new Set(bruteForce(data, dim, query, k).map(([i]) => `v${i}`));
    for (const id of index.search(query, k).ids) hit += want.has(id) ? 1 : 0;
  }
  index.close();
  return hit / (nq * k);
}

test('quantized recall@10 against exact search', async () => {
  const f16 = await recall('f16', 0);
  const i8 = await recall('i8', 0);
  const i8r = await recall('i8', 8);
  console.log(`recall@10: f16 ${f16}, i8 ${i8}, i8+rerank ${i8r}`);
  assert.ok(f16 >= 0.999, `f16 ${f16}`);
  assert.ok(i8 >= 0.98, `i8 ${i8}`);
  assert.ok(i8r >= 0.999, `i8 rerank ${i8r}`);
});

test('bad input gives typed errors and leaves the index intact', async () => {
  const index = await FlatIndex.create({ dim: 4 });
  index.add(['a', 'b'], new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]));
  const cases = [
    [() => index.add(['c'], new Float32Array(3)), 'DIMENSION_MISMATCH'],
    [() => index.add(['c'], new Float32Array([NaN, 0, 0, 1])), 'INVALID_VALUE'],
    [() => index.add(['c'], new Float32Array([Infinity, 0, 0, 1])), 'INVALID_VALUE'],
    [() => index.add(['a'], new Float32Array([0, 0, 1, 0])), 'DUPLICATE_ID'],
    [() => index.add(['c', 'c'], new Float32Array(8).fill(1)), 'DUPLICATE_ID'],
    [() => index.add([5], new Float32Array(4).fill(1)), 'INVALID_ARGUMENT'],
    [() => index.search(new Float32Array(5), 1), 'DIMENSION_MISMATCH'],
  ];
  for (const [fn, code] of cases) {
    assert.throws(fn, (e) => e instanceof InvalidInputError && e instanceof ClipfindError && e.code === code, code);
  }
  assert.throws(() => index.update(['zz'], new Float32Array([1, 0, 0, 0])), (e) => e instanceof NotFoundError);
  assert.equal(index.size, 2);
  assert.deepEqual(index.search(new Float32Array([0, 1, 0, 0]), 1).ids, ['b']);
  await assert.rejects(FlatIndex.create({ dim: 4, storage: 'f64' }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(FlatIndex.create({ dim: 0 }), InvalidInputError);
  index.close();
  index.close();
  assert.throws(() => index.search(new Float32Array(4), 1), ClosedError);
});

test('update, remove, get and insertion-order ties', async () => {
  const index = await FlatIndex.create({ dim: 2, storage: 'f16' });
  const same = new Float32Array([1, 0]);
  for (const id of ['c', 'a', 'b']) index.add([id], same);
  assert.deepEqual(index.search(same, 3).ids, ['c', 'a', 'b']);
  assert.equal(index.remove(['a', 'missing']), 1);
  index.add(['a'], same);
  assert.deepEqual(index.search(same, 5).ids, ['c', 'b', 'a']);
  index.update(['b'], new Float32Array([0, 3]));
  assert.ok(Math.abs(index.get('b')[1] - 1) < 1e-3);
  assert.deepEqual(index.search(new Float32Array([0, 1]), 1).ids, ['b']);
  assert.equal(index.has('a'), true);
  assert.equal(index.has('zz'), false);
  index.close();
});

test('toBytes/fromBytes round trip; damaged and truncated buffers are rejected', async () => {
  for (const storage of ['f32', 'f16', 'i8']) {
    const dim = 48;
    const data = randomUnit(300, dim, 7);
    const index = await FlatIndex.create({ dim, storage });
    index.add(ids(300, 'ключ-'), data);
    const bytes = index.toBytes();
    const again = await FlatIndex.fromBytes(bytes);
    assert.equal(again.storage, storage);
    const q = data.subarray(5 * dim, 6 * dim);
    assert.deepEqual(again.search(q, 10), index.search(q, 10));

    for (const len of [0, 1, 8, 47, bytes.length >> 1, bytes.length - 1]) {
      await assert.rejects(FlatIndex.fromBytes(bytes.slice(0, len)), (e) => e instanceof CorruptDataError, `len ${len}`);
    }
    for (let i = 0; i < bytes.length; i += 97) {
      const bad = bytes.slice();
      bad[i] ^= 0x10;
      await assert.rejects(FlatIndex.fromBytes(bad), CorruptDataError, `flip at ${i}`);
    }
    // still alive and unchanged after all the rejections
    assert.deepEqual(again.search(q, 3).ids, index.search(q, 3).ids);
    index.close();
    again.close();
  }
});

// The WASM f16 kernel (SIMD128 interleave + bit moves, query pre-scaled by 2^112) must turn every
// finite binary16 into exactly its value, in every lane: decoded here independently of the C++ code.
test('f16 storage in WASM: every finite half value comes back exactly through search scores', async () => {
  const half = (h) => {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    return s * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
  };
  const halves = [];
  for (let h = 0; h < 0x10000; h++) if (((h >> 10) & 0x1f) !== 0x1f) halves.push(h);
  const dim = 8;
  const index = await FlatIndex.create({ dim, storage: 'f16', metric: 'ip' });
  const vectors = new Float32Array(halves.length * dim);
  halves.forEach((h, i) => { vectors[i * dim + (i % dim)] = half(h); });
  index.add(ids(halves.length, 'h'), vectors);
  let wrong = 0;
  for (let lane = 0; lane < dim; lane++) {
    const q = new Float32Array(dim);
    q[lane] = 1;
    const scores = index.scoreAll(q);
    halves.forEach((h, i) => {
      const want = i % dim === lane ? Math.fround(half(h)) : 0;
      if (!Object.is(scores[i] + 0, want + 0)) wrong++;
    });
  }
  index.close();
  assert.equal(wrong, 0);
});
