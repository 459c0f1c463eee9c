// The photo library with a constructed model (known answers): cross-modal search, fusion, negatives,
// filters, the relevance cutoff, extras, persistence and crash safety.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CorruptDataError, Library, ModelMismatchError, NotFoundError, parseQuery } from 'clipfind';
import { conceptModel, img } from './helpers/concept_model.mjs';

const model = conceptModel();

async function sample() {
  const lib = await Library.create(model);
  const summary = await lib.add([
    { id: 'trips/beach.jpg', image: img('beach sunset') },
    { id: 'trips/red-car-night.jpg', image: img('red car night') },
    { id: 'home/red-car.jpg', image: img('red car') },
    { id: 'home/blue-car.jpg', image: img('blue car') },
    { id: 'home/dog.jpg', image: img('dog'), caption: 'our dog in the snow' },
    { id: 'home/cat.jpg', image: img('cat'), meta: { dateTaken: '2020-05-01T10:00:00', tags: ['pets'] } },
    { id: 'home/tree.jpg', image: img('tree snow') },
    { id: 'home/car-a.jpg', image: img('car') },
    { id: 'home/car-b.jpg', image: img('car'), caption: 'a red car' },
  ]);
  assert.deepEqual({ ...summary, failed: summary.failed.length }, { added: 9, updated: 0, skipped: 0, failed: 0 });
  return lib;
}

test('text -> image and image -> image, with the image and caption parts reported', async () => {
  const lib = await sample();
  const { results } = await lib.search('dog', { k: 3 });
  assert.equal(results[0].id, 'home/dog.jpg');
  const byImage = await lib.search([{ image: img('beach sunset') }], { k: 1 });
  assert.equal(byImage.results[0].id, 'trips/beach.jpg');
  const moreLike = await lib.search([{ id: 'home/blue-car.jpg' }], { k: 2 });
  assert.equal(moreLike.results[0].id, 'home/blue-car.jpg');
  assert.ok(['home/car-a.jpg', 'home/car-b.jpg', 'home/red-car.jpg'].includes(moreLike.results[1].id));
  for (const r of results) assert.equal(typeof r.imageScore, 'number');
  assert.equal(results[0].captionScore !== null, true, 'the dog has a caption, so a caption score');
});

test('caption fusion changes the ranking as documented (image 0.7 + caption 0.3)', async () => {
  const lib = await sample();
  const { results } = await lib.search('red car', { k: 9 });
  const a = results.find((r) => r.id === 'home/car-a.jpg'), b = results.find((r) => r.id === 'home/car-b.jpg');
  assert.equal(a.imageScore, b.imageScore, 'same picture');
  assert.equal(a.captionScore, null);
  assert.equal(a.score, a.imageScore);
  assert.ok(Math.abs(b.score - (0.7 * b.imageScore + 0.3 * b.captionScore)) < 1e-6);
  assert.equal(a.evidence.caption, null);
  assert.ok(results.indexOf(b) < results.indexOf(a), 'the caption "a red car" lifts car-b above car-a');
  const imageOnly = await lib.search('red car', { k: 9, weights: { image: 1, caption: 0 } });
  const ids = imageOnly.results.map((r) => r.id);
  assert.ok(ids.indexOf('home/car-a.jpg') < ids.indexOf('home/car-b.jpg'), 'with caption weight 0 they tie and insertion order decides');
  const captionsOnly = await lib.search('snow', { target: 'captions' });
  assert.deepEqual(captionsOnly.results.map((r) => r.id), ['home/dog.jpg', 'home/car-b.jpg']);
});

test('negatives demote and weights weigh (query arithmetic)', async () => {
  const lib = await sample();
  const night = 'trips/red-car-night.jpg';
  const plainRes = (await lib.search('red car', { k: 9 })).results;
  const noNightRes = (await lib.search('red car -night', { k: 9 })).results;
  const plain = plainRes.map((r) => r.id), noNight = noNightRes.map((r) => r.id);
  assert.ok(plain.indexOf(night) <= 2, `without the negative the night car ranks high: ${plain}`);
  assert.ok(noNight.indexOf(night) > plain.indexOf(night), `the negative demotes it: ${noNight}`);
  assert.ok(noNight.indexOf('home/red-car.jpg') < noNight.indexOf(night));
  assert.ok(noNightRes.find((r) => r.id === night).score < plainRes.find((r) => r.id === night).score);
  const weighted = (await lib.search('car, 3:blue')).results.map((r) => r.id);
  assert.equal(weighted[0], 'home/blue-car.jpg');
  assert.deepEqual(parseQuery('red car -night, 2:beach'), [
    { kind: 'text', value: 'red car', weight: 1 }, { kind: 'text', value: 'night', weight: -1 }, { kind: 'text', value: 'beach', weight: 2 }]);
  await assert.rejects(lib.search('car, -car'), (e) => e.code === 'INVALID_VALUE');
});

test('filters filter; paging pages', async () => {
  const lib = await sample();
  const home = await lib.search('car', { filter: { folder: 'trips' } });
  assert.deepEqual(home.results.map((r) => r.id).sort(), ['trips/beach.jpg', 'trips/red-car-night.jpg']);
  const dated = await lib.search('cat', { filter: { from: '2020-01-01', to: '2020-12-31' } });
  assert.deepEqual(dated.results.map((r) => r.id), ['home/cat.jpg']);
  const tagged = await lib.search('car', { filter: { tags: ['pets'] } });
  assert.deepEqual(tagged.results.map((r) => r.id), ['home/cat.jpg']);
  const all = (await lib.search('car', { k: 100 })).results.map((r) => r.id);
  const page2 = (await lib.search('car', { k: 3, offset: 3 })).results.map((r) => r.id);
  assert.deepEqual(page2, all.slice(3, 6));
});

test('relevance cutoff per query; it can be turned off', async () => {
  const lib = await sample();
  const { results } = await lib.search('dog', { k: 9 });
  const rel = Object.fromEntries(results.map((r) => [r.id, r.relevant]));
  assert.equal(rel['home/dog.jpg'], true);
  assert.equal(rel['home/cat.jpg'], false);
  assert.equal(rel['trips/beach.jpg'], false);
  const off = await lib.search('dog', { cutoff: false });
  assert.ok(off.results.every((r) => r.relevant === false));
});

test('SigLIP: the sigmoid joins the cutoff only when the model is calibrated (learned scale and bias known)', async () => {
  // A sigmoid whose scale and bias do not fit the embeddings (as the init defaults, exp(2.659) and
  // -10, do not fit a real SigLIP's cosines of ~0.1-0.2): every probability is tiny, even for a match.
  const sigmoid = (c) => 1 / (1 + Math.exp(-(c * 14.285 - 20)));
  const relevantDog = async (calibrated) => {
    const m = conceptModel('siglip-like@1');
    m.info = { ...m.info, family: 'siglip', scoring: 'sigmoid', calibrated };
    m.score = sigmoid;
    const lib = await Library.create(m);
    await lib.add([{ id: 'dog.jpg', image: img('dog') }, { id: 'cat.jpg', image: img('cat') }, { id: 'tree.jpg', image: img('tree') }]);
    // This 10-word world puts 5 of NULL_TEXTS' 32 texts on its axes, so the dog's z is 3.3: the knob
    // is lowered here, since this test is about the sigmoid, not the z bar.
    const { results } = await lib.search('dog', { k: 3, cutoff: { z: 3 } });
    return Object.fromEntries(results.map((r) => [r.id, r.relevant]));
  };
  assert.deepEqual(await relevantDog(false), { 'dog.jpg': true, 'cat.jpg': false, 'tree.jpg': false });
  assert.deepEqual(await relevantDog(true), { 'dog.jpg': false, 'cat.jpg': false, 'tree.jpg': false }, 'a calibrated model is taken at its word');
});

test('re-import skips unchanged files, replaces changed ones; progress and cancellation', async () => {
  const lib = await sample();
  const again = await lib.add([{ id: 'home/dog.jpg', image: img('dog') }, { id: 'home/cat.jpg', image: img('cat snow') }, { id: 'bad.jpg', image: new TextEncoder().encode('garbage') }]);
  assert.equal(again.skipped, 1);
  assert.equal(again.updated, 1);
  assert.equal(again.failed.length, 1);
  assert.equal(again.failed[0].id, 'bad.jpg');
  assert.equal(lib.size, 9, 'failed items are not added, nothing indexed is lost');
  const events = [];
  const ctl = new AbortController();
  const items = Array.from({ length: 40 }, (_, i) => ({ id: `bulk/${i}`, image: img(i % 2 ? 'tree' : 'snow') }));
  await assert.rejects(lib.add(items, { batchSize: 8, signal: ctl.signal, onProgress: (e) => { events.push(e); if (e.done >= 10) ctl.abort(); } }), (e) => e.code === 'ABORTED');
  assert.ok(events.length > 2 && events.every((e) => e.total === 40 && 'perSecond' in e && 'eta' in e));
  assert.ok(lib.size > 9 && lib.size < 49, 'batches finished before the abort stay');
  await lib.updateCaption('home/tree.jpg', 'snow on a tree');
  assert.equal(lib.get('home/tree.jpg').caption, 'snow on a tree');
  assert.equal(lib.remove(['home/tree.jpg', 'nope']), 1);
  await assert.rejects(lib.updateCaption('nope', 'x'), NotFoundError);
});

test('zero-shot tagging, near-duplicate groups, merge', async () => {
  const lib = await sample();
  const tags = Object.fromEntries((await lib.tag(['dog', 'cat', 'car'], { threshold: 0.5 })).map((t) => [t.id, t.tags.map((x) => x.label)]));
  assert.deepEqual(tags['home/dog.jpg'], ['dog']);
  assert.deepEqual(tags['home/cat.jpg'], ['cat']);
  assert.deepEqual(lib.dupes({ threshold: 0.999 }), [['home/car-a.jpg', 'home/car-b.jpg']]);
  const other = await Library.create(model);
  await other.add([{ id: 'x/snow-dog.jpg', image: img('dog snow') }, { id: 'home/dog.jpg', image: img('dog') }]);
  assert.equal(lib.merge(other), 1);
  assert.equal(lib.size, 10);
  const foreign = await Library.create(conceptModel('another@2'));
  assert.throws(() => lib.merge(foreign), ModelMismatchError);
});

test('persistence: reopen gives identical results; damaged files are refused and not overwritten; model mismatch', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-lib-'));
  const file = path.join(dir, 'photos.clipfind');
  const lib = await sample();
  await lib.save(file);
  const again = await Library.open(file, model);
  for (const q of ['red car -night', 'dog', 'snow']) assert.deepEqual((await again.search(q)).results, (await lib.search(q)).results);
  assert.deepEqual([...again.items()], [...lib.items()]);
  await assert.rejects(Library.open(file, conceptModel('another@2')), (e) => e instanceof ModelMismatchError && /another@2/.test(e.message) && /re-index/.test(e.message));
  const bytes = readFileSync(file);
  for (const damage of [(b) => b.subarray(0, b.length - 10), (b) => { const c = Buffer.from(b); c[c.length >> 1] ^= 1; return c; }, () => Buffer.from('CLIPFLIB'), () => Buffer.alloc(0)]) {
    const bad = path.join(dir, 'bad.clipfind');
    const broken = damage(bytes);
    writeFileSync(bad, broken);
    await assert.rejects(Library.open(bad, model), CorruptDataError);
    assert.deepEqual(readFileSync(bad), Buffer.from(broken), 'a damaged library is not overwritten');
  }
  await assert.rejects(Library.open(path.join(dir, 'missing.clipfind'), model), NotFoundError);
  const portable = lib.toBytes();
  assert.equal((await Library.fromBytes(portable, model)).size, lib.size);
  // An empty library, and one without a single caption (an empty caption index), reopen too.
  const plain = await Library.create(model);
  assert.equal((await Library.fromBytes(plain.toBytes(), model)).size, 0);
  await plain.add([{ id: 'x', image: img('dog') }]);
  await plain.save(path.join(dir, 'plain.clipfind'));
  assert.equal((await (await Library.open(path.join(dir, 'plain.clipfind'), model)).search('dog')).results[0].id, 'x');
});

test('a save killed at random points leaves the old or the new library, never a damaged one', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-crash-'));
  const file = path.join(dir, 'lib.clipfind');
  const child = new URL('./helpers/save_loop.mjs', import.meta.url).pathname;
  const lib = await sample();
  await lib.save(file);
  const sizes = new Set([lib.size]);
  let kills = 0;
  for (let round = 0; round < 25; round++) {
    const p = spawn(process.execPath, [child, file, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    const saw = (what) => new Promise((res) => {
      const check = () => (lines.includes(what) ? res() : p.stdout.once('data', (d) => { lines.push(...String(d).split('\n')); check(); }));
      check();
    });
    await saw('ready'); // it is saving now
    // Every other round lets one save finish first, so that on a loaded machine too some kills come
    // after a completed save (the library grew) and the rest at random points inside a save.
    if (round % 2) await saw('saved');
    await new Promise((res) => setTimeout(res, Math.random() * 40));
    p.kill('SIGKILL');
    await new Promise((res) => p.once('exit', res));
    kills++;
    const reopened = await Library.open(file, model);
    assert.ok(reopened.size >= 9, `round ${round}: ${reopened.size} items`);
    sizes.add(reopened.size);
    reopened.close();
  }
  console.log(`# ${kills} kills during saves; library sizes seen on reopen: ${[...sizes].sort((a, b) => a - b).join(', ')}`);
  assert.ok(sizes.size > 1, 'some saves completed between kills');
  assert.ok(existsSync(file));
});
