// Bad input of every kind through the public API: typed errors naming the input, nothing already
// indexed lost, the process stays up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ClipfindError, CorruptDataError, InvalidInputError, Library, Model } from 'clipfind';
import { check, makeSeeds, mutate, parseSeeds } from '../fuzz/js/library_bytes.mjs';
import { conceptModel, img } from './helpers/concept_model.mjs';
import { rng } from './helpers/vectors.mjs';

const clipDir = new URL('../fixtures/models/clip/', import.meta.url).pathname;

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
  const good = readFileSync(new URL('../fixtures/models/images/image0.png', import.meta.url));
  const heic = readFileSync(new URL('../fixtures/formats/grid.heic', import.meta.url));
  const cut = readFileSync(new URL('../fixtures/formats/rot0.heic', import.meta.url));
  await lib.add([{ id: 'good.png', image: good }]);
  const png60k = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d494844520000ea600000ea600802000000', 'hex'));
  const summary = await lib.add([
    { id: 'empty.jpg', image: new Uint8Array(0) },
    { id: 'text.png', image: new TextEncoder().encode('hello') },
    { id: 'truncated.png', image: good.subarray(0, 100) },
    { id: 'huge.png', image: png60k },
    { id: 'heic.jpg', image: new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic')]) },
    { id: 'cut.heic', image: cut.subarray(0, cut.length - 200) },
    { id: 'photo.heic', image: heic },
    { id: 'ok2.png', image: good },
  ]);
  const byId = Object.fromEntries(summary.failed.map((f) => [f.id, f.error]));
  assert.equal(summary.added, 2);
  for (const [id, code, re] of [['empty.jpg', 'INVALID_IMAGE', /empty/], ['text.png', 'INVALID_IMAGE', /not an image/], ['huge.png', 'IMAGE_TOO_LARGE', /60000x60000/],
    ['heic.jpg', 'INVALID_IMAGE', /HEIC header is truncated/], ['cut.heic', 'INVALID_IMAGE', /HEIC data is corrupt or truncated \(libheif: /]]) {
    assert.ok(byId[id] instanceof ClipfindError && byId[id].code === code && re.test(byId[id].message), `${id}: ${byId[id]}`);
  }
  assert.ok(byId['truncated.png'] === undefined || byId['truncated.png'] instanceof ClipfindError);
  assert.ok(lib.has('good.png') && lib.has('ok2.png') && lib.has('photo.heic'));
  assert.equal((await lib.search('a photo')).total, lib.size);
  await model.close();
});

test('the CLI on a bad-input batch: every input processed, each failure typed and named, exit 1, nothing lost', async () => {
  const { cpSync, mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const os = await import('node:os');
  const path = await import('node:path');
  const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
  const run = (args, input) => spawnSync('node', [cli, ...args], { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-bad-cli-'));
  const images = new URL('../fixtures/models/images/', import.meta.url).pathname;
  const good = readFileSync(path.join(images, 'image0.png'));
  const jpeg = readFileSync(path.join(images, 'image2.jpg'));
  const lib = path.join(dir, 'lib.clipfind');

  // A library that already holds one photo.
  writeFileSync(path.join(dir, 'old.png'), good);
  assert.equal(run(['index', '--model', clipDir, '--library', lib, '--backend', 'wasm', path.join(dir, 'old.png')]).status, 0);

  const batch = path.join(dir, 'batch');
  mkdirSync(batch);
  const files = {
    'empty.jpg': new Uint8Array(0),
    'notes.png': new TextEncoder().encode('not an image at all'),
    'truncated.jpg': jpeg.subarray(0, 200),
    'huge.png': Buffer.from('89504e470d0a1a0a0000000d494844520000ea600000ea600802000000', 'hex'),
    'phone.jpg': new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]),
    'ok.png': good,
    'IMG_0001.heic': readFileSync(new URL('../fixtures/formats/grid.heic', import.meta.url)),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(batch, name), bytes);
  const r = run(['index', '--model', clipDir, '--library', lib, '--backend', 'wasm', batch, path.join(dir, 'missing.jpg')]);
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.added, 2, 'ok.png and the HEIC, after all the broken files');
  const codes = Object.fromEntries(out.failed.map((f) => [path.basename(f.path), f.error.split(':')[0]]));
  assert.deepEqual(codes, {
    'missing.jpg': 'NOT_FOUND', 'empty.jpg': 'INVALID_IMAGE', 'notes.png': 'INVALID_IMAGE', 'truncated.jpg': 'INVALID_IMAGE',
    'huge.png': 'IMAGE_TOO_LARGE', 'phone.jpg': 'INVALID_IMAGE',
  });
  const ids = JSON.parse(run(['search', '--library', lib, '--model', clipDir, '--backend', 'wasm', '--json', '--no-cutoff', '-k', '10', 'a photo']).stdout).map((x) => x.id).sort();
  assert.deepEqual(ids, [path.join(dir, 'old.png'), 'ok.png', 'IMG_0001.heic'].sort(), 'the photo indexed before is still there');

  // A damaged library: refused with its name, and not overwritten by the failed run.
  const damaged = readFileSync(lib);
  damaged[damaged.length >> 1] ^= 1;
  writeFileSync(lib, damaged);
  const d = run(['index', '--model', clipDir, '--library', lib, '--backend', 'wasm', path.join(batch, 'ok.png')]);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /CORRUPT_DATA: .*lib\.clipfind: library file: checksum mismatch/);
  assert.deepEqual(readFileSync(lib), damaged);

  // Texts: invalid UTF-8 and a 1 MB line are tokenized like any other line.
  const text = Buffer.concat([Buffer.from('a photo of a cat\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from('dog '.repeat(262144))]);
  const t = run(['tokenize', '--tokenizer', clipDir], text);
  assert.equal(t.status, 0, t.stderr);
  const lines = t.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.ok(lines.every((ids) => Array.isArray(ids) && ids.length >= 2 && ids.length <= 77));

  // Damaged model files: a typed error naming the file; inputs the damage does not touch still run.
  const broken = (name, edit) => {
    const m = path.join(dir, name);
    cpSync(clipDir, m, { recursive: true });
    edit(m);
    return m;
  };
  const noConfig = broken('config', (m) => writeFileSync(path.join(m, 'config.json'), '{"model_type": "clip", "projection_dim": "big"}'));
  const c = run(['embed', '--model', noConfig, '--backend', 'wasm', '--text', 'a cat']);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /INVALID_MODEL: config\.json: projection_dim: expected an integer/);
  const badTokenizer = broken('tokenizer', (m) => writeFileSync(path.join(m, 'tokenizer.json'), readFileSync(path.join(m, 'tokenizer.json')).subarray(0, 500)));
  const badOnnx = broken('onnx', (m) => writeFileSync(path.join(m, 'onnx', 'vision_model.onnx'), readFileSync(path.join(m, 'onnx', 'vision_model.onnx')).subarray(0, 1000)));
  for (const [m, file] of [[badTokenizer, 'tokenizer.json'], [badOnnx, 'onnx/vision_model.onnx']]) {
    const e = run(['embed', '--model', m, '--backend', 'wasm', '--text', 'a cat', '--image', path.join(batch, 'ok.png')]);
    assert.equal(e.status, 1, e.stderr);
    const rows = e.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 2, 'one line per input, failed or not');
    const failed = rows.filter((row) => row.error);
    assert.equal(failed.length, 1, JSON.stringify(rows.map((row) => row.error ?? 'ok')));
    assert.match(failed[0].error, new RegExp(`^INVALID_MODEL: ${file.replace('.', '\\.')}`));
    assert.equal(rows.find((row) => !row.error).embedding.length, JSON.parse(readFileSync(path.join(clipDir, 'config.json'))).projection_dim);
  }
  // Usage errors are exit 2, not a crash; a broken captions file is named.
  assert.equal(run(['index', '--frobnicate']).status, 2);
  writeFileSync(path.join(dir, 'captions.json'), '{"ok.png": ');
  const cap = run(['index', '--model', clipDir, '--library', path.join(dir, 'new.clipfind'), '--captions', path.join(dir, 'captions.json'), batch]);
  assert.equal(cap.status, 1);
  assert.match(cap.stderr, /INVALID_ARGUMENT: .*captions\.json: not valid JSON/);
});
