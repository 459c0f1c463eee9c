import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Library, Model } from 'clipfind';

// A random-weight model with Qdrant/colmodernvbert's ONNX interface and references recorded by PyTorch
// when it was made (tests/tools/make_colpali_test_model.py).
const dir = new URL('../fixtures/models/colpali-test/', import.meta.url).pathname;
const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8'));
const pageBytes = ref.pages.map((p) => readFileSync(dir + p.file));

function maxDiff(got, rows, dim) {
  let d = 0;
  rows.forEach((row, r) => row.forEach((v, j) => { d = Math.max(d, Math.abs(v - got[r * dim + j])); }));
  return d;
}

test('Model.load recognises the ColModernVBERT layout; page and query token embeddings equal PyTorch', async () => {
  const model = await Model.load(dir);
  assert.equal(model.info.lateInteraction, true);
  const dim = model.info.dim;
  const q = await model.embedQueryTokens(ref.queries.map((x) => x.text));
  assert.deepEqual([...q.counts], ref.queries.map((x) => x.input_ids.length));
  assert.ok(maxDiff(q.vectors, ref.queries.flatMap((x) => x.embeddings), dim) < 1e-4);
  const p = await model.embedPages(pageBytes);
  assert.deepEqual([...p.counts], ref.pages.map((x) => x.input_ids.length));
  assert.ok(maxDiff(p.vectors, ref.pages.flatMap((x) => x.embeddings), dim) < 1e-3, 'page tokens (PIL vs clipfind resize)');
  await model.close();
});

test('a library on the model: page search equals the PyTorch MaxSim ranking; captions, filters, save/open, remove', async () => {
  const model = await Model.load(dir);
  const lib = await Library.create(model);
  const ids = ref.pages.map((_, i) => `scans/doc.pdf#page=${i + 1}`);
  const summary = await lib.add(ids.map((id, i) => ({ id, image: pageBytes[i] })));
  assert.equal(summary.added, 4);
  assert.equal(lib.get(ids[0]).kind, 'page');
  for (const q of ref.queries) {
    const want = q.maxsim.map((s, i) => [i, s]).sort((a, b) => b[1] - a[1]);
    const { results } = await lib.search(q.text, { k: 4, cutoff: false });
    assert.deepEqual(results.map((r) => r.id), want.map(([i]) => ids[i]), q.text);
    results.forEach((r, j) => assert.ok(Math.abs(r.imageScore - want[j][1] / q.input_ids.length) < 1e-4, `${q.text}: ${r.imageScore}`));
  }
  // A caption and a filter work as for photos; the cutoff judges pages by their own null scores.
  await lib.add([{ id: 'letters/p1.png', image: pageBytes[1], caption: 'green triangle' }]);
  const byCaption = await lib.search('green triangle', { k: 5, cutoff: false });
  assert.equal(byCaption.results.find((r) => r.id === 'letters/p1.png').captionScore > 0.99, true);
  const filtered = await lib.search('a red circle', { k: 5, filter: { folder: 'letters' }, cutoff: false });
  assert.deepEqual(filtered.results.map((r) => r.id), ['letters/p1.png']);
  const cut = await lib.search('a red circle', { k: 5 });
  assert.ok(cut.results.every((r) => typeof r.relevant === 'boolean' && Number.isFinite(r.evidence.image)));
  // The pages' vectors are saved in the library file and come back with it.
  const reopened = await Library.fromBytes(lib.toBytes(), model);
  for (const q of ref.queries) {
    assert.deepEqual((await reopened.search(q.text, { k: 5, cutoff: false })).results.map((r) => r.id), (await lib.search(q.text, { k: 5, cutoff: false })).results.map((r) => r.id));
  }
  assert.equal(reopened.remove([ids[0]]), 1);
  assert.ok(!(await reopened.search(ref.queries[0].text, { k: 5, cutoff: false })).results.some((r) => r.id === ids[0]));
  reopened.close();
  lib.close();
  await model.close();
});
