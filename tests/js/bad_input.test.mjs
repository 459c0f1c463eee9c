// Bad input of every kind through the public API: typed errors naming the input, nothing already
// indexed lost, the process stays up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ClipfindError, CorruptDataError, InvalidInputError, Library, Model } from 'clipfind';
import { check, makeSeeds, mutate, parseSeeds } from '../fuzz/js/library_bytes.mjs';
import { conceptModel, img } from './helpers/concept_model.mjs';
import { rng } from './helpers/vectors.mjs';

const clipDir = new URL('../../models/test/clip/', import.meta.url).pathname;

test('mutated library files (the fuzzer mutations, fixed seed): a typed error or a working library', async () => {
  const seeds = await makeSeeds();
  const parts = parseSeeds(seeds);
  const r = rng(99);
  const outcomes = { rejected: 0, loaded: 0 };
  for (let i = 0; i < 3000; i++) {
    const input = mutate(r, seeds, parts);
    try {
      outcomes[await check(input)]++;
    } catch (err) {
      assert.fail(`input ${i}: ${err?.stack ?? err}`);
    }
  }
  // Both branches of the oracle are exercised, the structure-aware mutations get past the checksum.
  assert.ok(outcomes.rejected > 1000 && outcomes.loaded > 300, JSON.stringify(outcomes));
});

test('every library input the fuzzer once crashed on is now rejected or loads cleanly', async () => {
  const dir = new URL('../fuzz/regressions/library_bytes/', import.meta.url);
  const files = readdirSync(dir);
  assert.ok(files.length >= 3);
  for (const f of files) assert.equal(await check(new Uint8Array(readFileSync(new URL(f, dir)))), 'rejected', f);
});

test('a damaged file never touches the library already open', async () => {
  const model = conceptModel();
  const lib = await Library.create(model);
  await lib.add([{ id: 'a', image: img('red car'), caption: 'a red car' }, { id: 'b', image: img('dog') }]);
  const good = lib.toBytes();
  const bad = good.slice();
  bad[bad.length >> 1] ^= 0x10;
  await assert.rejects(Library.fromBytes(bad, model), (e) => e instanceof CorruptDataError && /library file: checksum mismatch/.test(e.message));
  assert.equal((await lib.search('dog')).results[0].id, 'b');
  assert.deepEqual(lib.toBytes(), good);
});

test('library items: metadata that could not be saved and read back is refused per item', async () => {
  const lib = await Library.create(conceptModel());
  const cyclic = {};
  cyclic.self = cyclic;
  const summary = await lib.add([
    { id: 'tags', image: img('dog'), meta: { tags: 'dog' } },
    { id: 'cyclic', image: img('dog'), meta: cyclic },
    { id: 'date', image: img('dog'), meta: { dateTaken: 2024 } },
    { id: 'ok', image: img('dog'), meta: { album: 'x', id: 'not-ok', caption: 'not a caption', neutral: 'x' } },
  ]);
  assert.deepEqual(summary.failed.map((f) => [f.id, f.error.code]), [['tags', 'INVALID_ARGUMENT'], ['cyclic', 'INVALID_ARGUMENT'], ['date', 'INVALID_ARGUMENT']]);
  const ok = lib.get('ok');
  assert.equal(ok.id, 'ok', 'user metadata cannot overwrite the fields the library relies on');
  assert.equal(ok.caption, null);
  assert.equal(typeof ok.neutral, 'number');
  assert.equal(ok.album, 'x');
  assert.equal((await Library.fromBytes(lib.toBytes(), conceptModel())).size, 1);
  await assert.rejects(lib.search('dog', { weights: { caption: Infinity } }), (e) => e instanceof InvalidInputError);
  await assert.rejects(Library.create(conceptModel(), { weights: { image: -1 } }), (e) => e instanceof InvalidInputError);
});

test('odd texts and images through a real model: typed errors, the library keeps its items', async () => {
  const model = await Model.load(clipDir, { backend: 'wasm' });
  const huge = 'a photo of a cat '.repeat(60000); // ~1 MB
  assert.equal((await model.embedTexts([huge, '', '\u0000\ud800\uffff', '🙂'.repeat(5000)])).length, 4 * model.info.dim);
  const lib = await Library.create(model);
  const good = readFileSync(new URL('../../models/test/images/image0.png', import.meta.url));
  await lib.add([{ id: 'good.png', image: good }]);
  const png60k = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d494844520000ea600000ea600802000000', 'hex'));
  const summary = await lib.add([
    { id: 'empty.jpg', image: new Uint8Array(0) },
    { id: 'text.png', image: new TextEncoder().encode('hello') },
    { id: 'truncated.png', image: good.subarray(0, 100) },
    { id: 'huge.png', image: png60k },
    { id: 'heic.jpg', image: new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic')]) },
    { id: 'ok2.png', image: good },
  ]);
  const byId = Object.fromEntries(summary.failed.map((f) => [f.id, f.error]));
  assert.equal(summary.added, 1);
  for (const [id, code] of [['empty.jpg', 'INVALID_IMAGE'], ['text.png', 'INVALID_IMAGE'], ['huge.png', 'IMAGE_TOO_LARGE'], ['heic.jpg', 'UNSUPPORTED_FORMAT']]) {
    assert.ok(byId[id] instanceof ClipfindError && byId[id].code === code, `${id}: ${byId[id]}`);
  }
  assert.ok(byId['truncated.png'] === undefined || byId['truncated.png'] instanceof ClipfindError);
  assert.ok(lib.has('good.png') && lib.has('ok2.png'));
  assert.equal((await lib.search('a photo')).total, lib.size);
  await model.close();
});
