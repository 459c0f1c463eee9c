// Bad input of every kind through the public API: typed errors naming the input, nothing already
// indexed lost, the process stays up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClipfindError, CorruptDataError, Library, Model } from 'clipfind';
import { conceptModel, img } from './helpers/concept_model.mjs';
import { rng } from './helpers/vectors.mjs';

const clipDir = new URL('../../models/test/clip/', import.meta.url).pathname;

test('mutated library files: CorruptDataError or a valid library, never anything else', async () => {
  const model = conceptModel();
  const lib = await Library.create(model);
  await lib.add([{ id: 'a', image: img('red car'), caption: 'a red car' }, { id: 'b', image: img('dog') }]);
  const good = lib.toBytes();
  const r = rng(99);
  let rejected = 0;
  for (let i = 0; i < 1500; i++) {
    const bad = good.slice(0, r() < 0.2 ? Math.floor(r() * good.length) : good.length);
    for (let k = 0, n = 1 + Math.floor(r() * 4); k < n && bad.length; k++) bad[Math.floor(r() * bad.length)] ^= 1 << Math.floor(r() * 8);
    try {
      (await Library.fromBytes(bad, model)).close();
    } catch (err) {
      assert.ok(err instanceof CorruptDataError, `iteration ${i}: ${err}`);
      rejected++;
    }
  }
  assert.ok(rejected > 1400);
  assert.equal((await lib.search('dog')).results[0].id, 'b', 'the original library is untouched');
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
