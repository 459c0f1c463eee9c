import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url)));

test('clipfind --version prints the package version', () => {
  assert.equal(execFileSync('node', [cli, '--version'], { encoding: 'utf8' }), `${pkg.version}\n`);
});

test('clipfind --help lists the commands', () => {
  const out = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
  assert.match(out, /Usage: clipfind <command>/);
});

test('unknown commands exit 2 with a message', () => {
  const r = spawnSync('node', [cli, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('the JS version matches package.json', async () => {
  const { version } = await import('clipfind');
  assert.equal(version, pkg.version);
});

test('clipfind tokenize: one JSON array per stdin line, same ids as the API', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { Tokenizer } = await import('clipfind');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-cli-'));
  const tokJson = JSON.stringify({
    version: '1.0',
    added_tokens: [{ id: 0, content: '<s>', special: true }, { id: 1, content: '</s>', special: true }],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    post_processor: { type: 'RobertaProcessing', cls: ['<s>', 0], sep: ['</s>', 1] },
    model: { type: 'BPE', vocab: Object.fromEntries(['<s>', '</s>', ...'abcdefghijklmnopqrstuvwxyz', 'Ġ', 'ab', 'Ġa', 'Ċ', 'č', 'ï', '¿', '½'].map((t, i) => [t, i])), merges: ['a b', 'Ġ a'] },
  });
  writeFileSync(path.join(dir, 'tokenizer.json'), tokJson);
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 6 }));
  const input = 'ab ab\nA B\r\n\nabcdefghij\n';
  for (const target of [dir, path.join(dir, 'tokenizer.json')]) {
    const r = spawnSync('node', [cli, 'tokenize', '--tokenizer', target], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.pop(), '');
    const tok = await Tokenizer.fromFiles({ tokenizer: tokJson, config: JSON.stringify({ model_max_length: 6 }) });
    const want = ['ab ab', 'A B\r', '', 'abcdefghij'].map((t) => JSON.stringify(Array.from(tok.encode(t))));
    assert.deepEqual(lines, want);
    assert.equal(JSON.parse(lines[3]).length, 6); // truncated to model_max_length, end token kept
    assert.equal(JSON.parse(lines[3]).at(-1), 1);
    tok.close();
  }
  const missing = spawnSync('node', [cli, 'tokenize', '--tokenizer', path.join(dir, 'nope')], { input: 'x', encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope/);
  writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": {"type": "Nope"}}');
  const bad = spawnSync('node', [cli, 'tokenize', '--tokenizer', dir], { input: 'x', encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /INVALID_MODEL: .*unsupported model type 'Nope'/);
});

test('clipfind preprocess: .f32 files equal the API output; failures are reported and the rest run', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, existsSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { ImagePreprocessor } = await import('clipfind');
  const { generateImages, havePil } = await import('./helpers/pil.mjs');
  const model = mkdtempSync(path.join(os.tmpdir(), 'clipfind-model-'));
  const out = path.join(model, 'out');
  // new HF key style
  const config = { image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 64 }, crop_size: { height: 64, width: 48 }, resample: 3 };
  writeFileSync(path.join(model, 'preprocessor_config.json'), JSON.stringify(config));
  let images;
  if (havePil()) images = generateImages().files.filter((f) => /(rgb\.png|baseline\.jpg)$/.test(f));
  else {
    // a 1x1 PNG when PIL is unavailable
    images = [path.join(model, 'one.png')];
    writeFileSync(images[0], Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex'));
  }
  const bad = path.join(model, 'broken.jpg');
  writeFileSync(bad, 'not a jpeg');
  const r = spawnSync('node', [cli, 'preprocess', '--model', model, '--out', out, images[0], bad, path.join(model, 'missing.png'), ...images.slice(1)], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, images.length + 2);
  assert.deepEqual(lines[0], { image: images[0], dims: [3, 64, 48] });
  assert.equal(lines[1].image, bad);
  assert.match(lines[1].error, /INVALID_IMAGE/);
  assert.match(lines[2].error, /no such file/);
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(config));
  for (const img of images) {
    const file = path.join(out, `${path.basename(img)}.f32`);
    assert.ok(existsSync(file));
    const got = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
    assert.deepEqual(got, (await pre.preprocessEncoded(readFileSync(img))).data);
  }
  pre.close();
  // old key style
  writeFileSync(path.join(model, 'preprocessor_config.json'), JSON.stringify({ feature_extractor_type: 'CLIPFeatureExtractor', size: 32, crop_size: 32 }));
  const r2 = spawnSync('node', [cli, 'preprocess', '--model', model, '--out', out, images[0]], { encoding: 'utf8' });
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual(JSON.parse(r2.stdout).dims, [3, 32, 32]);
});

test('clipfind embed: one JSON line per input in command-line order, equal to the PyTorch reference', async () => {
  const path = await import('node:path');
  const dir = new URL('../fixtures/models/clip/', import.meta.url).pathname;
  const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  const img = path.join(dir, ref.images[0].file);
  const r = spawnSync('node', [cli, 'embed', '--model', dir, '--text', ref.texts[1].text, '--image', img, '--image', '/nonexistent.png', '--text', ref.texts[0].text, '--backend', 'wasm'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.text ?? l.image), [ref.texts[1].text, img, '/nonexistent.png', ref.texts[0].text]);
  const close = (a, b, tol) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol);
  assert.ok(close(lines[0].embedding, ref.texts[1].embedding, 1e-4));
  assert.ok(close(lines[1].embedding, ref.images[0].embedding, 1e-3));
  assert.match(lines[2].error, /NOT_FOUND/);
  assert.ok(close(lines[3].embedding, ref.texts[0].embedding, 1e-4));
  const norm = Math.hypot(...lines[1].embedding);
  assert.ok(Math.abs(norm - 1) < 1e-5);
  const bad = spawnSync('node', [cli, 'embed', '--model', '/nonexistent-model', '--text', 'x'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /NOT_FOUND: .*config\.json is missing/);
});

test('clipfind index/search/remove/tag/dupes: the library contracts', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, copyFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-cli-lib-'));
  const model = new URL('../fixtures/models/clip/', import.meta.url).pathname;
  const images = new URL('../fixtures/models/images/', import.meta.url).pathname;
  mkdirSync(path.join(dir, 'photos', 'sub'), { recursive: true });
  copyFileSync(path.join(images, 'image0.png'), path.join(dir, 'photos', 'a.png'));
  copyFileSync(path.join(images, 'image1.png'), path.join(dir, 'photos', 'sub', 'b.png'));
  copyFileSync(path.join(images, 'image2.jpg'), path.join(dir, 'single.jpg'));
  writeFileSync(path.join(dir, 'photos', 'readme.txt'), 'not an image');
  writeFileSync(path.join(dir, 'photos', 'broken.jpg'), 'not a jpeg either');
  writeFileSync(path.join(dir, 'captions.json'), JSON.stringify({ 'sub/b.png': 'a small red circle', [path.join(dir, 'single.jpg')]: 'a photo of a cat' }));
  const lib = path.join(dir, 'lib.clipfind');
  const run = (...args) => spawnSync('node', [cli, ...args], { encoding: 'utf8' });

  const first = run('index', '--model', model, '--library', lib, '--captions', path.join(dir, 'captions.json'), '--backend', 'wasm', path.join(dir, 'photos'), path.join(dir, 'single.jpg'));
  assert.equal(first.status, 1, 'a failed file makes the exit status non-zero after the rest is indexed');
  const s1 = JSON.parse(first.stdout);
  assert.deepEqual(Object.keys(s1), ['added', 'skipped', 'failed']);
  assert.equal(s1.added, 3);
  assert.equal(s1.failed.length, 1);
  assert.match(s1.failed[0].path, /broken\.jpg$/);
  assert.match(first.stderr, /indexed 4\/4/); // the broken file counts as processed
  const second = run('index', '--model', model, '--library', lib, '--backend', 'wasm', path.join(dir, 'single.jpg'));
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout), { added: 0, skipped: 1, failed: [] });

  const search = run('search', '--library', lib, '--model', model, '-k', '2', '--json', '--backend', 'wasm', '--', 'a small red circle', '-cat', `image:${path.join(dir, 'photos', 'a.png')}`);
  assert.equal(search.status, 0, search.stderr);
  const rows = JSON.parse(search.stdout);
  assert.equal(rows.length, 2);
  for (const r of rows) assert.deepEqual(Object.keys(r), ['id', 'kind', 'score', 'imageScore', 'captionScore', 'relevant']);
  assert.ok(rows[0].score >= rows[1].score);
  const byId = JSON.parse(run('search', '--library', lib, '--model', model, '--json', '--no-cutoff', '--backend', 'wasm', 'id:a.png').stdout);
  assert.equal(byId[0].id, 'a.png');
  assert.ok(byId.every((r) => r.relevant === false));

  assert.deepEqual(JSON.parse(run('dupes', '--library', lib, '--threshold', '0.99999').stdout), []);
  const tags = JSON.parse(run('tag', '--library', lib, '--model', model, '--backend', 'wasm', 'cat', 'circle').stdout);
  assert.equal(tags.length, 3);
  assert.deepEqual(JSON.parse(run('remove', '--library', lib, 'a.png', 'missing').stdout), { removed: 1 });
  const after = JSON.parse(run('search', '--library', lib, '--model', model, '--json', '--backend', 'wasm', 'cat').stdout);
  assert.equal(after.length, 2);
  writeFileSync(lib, 'CLIPFLIB damaged');
  const bad = run('search', '--library', lib, '--model', model, '--json', 'cat');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /CORRUPT_DATA/);
});

test('clipfind <command> --help prints that command\'s usage from the same place as the overview; usage errors exit 2', () => {
  const overview = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
  for (const cmd of ['tokenize', 'preprocess', 'embed', 'index', 'search', 'remove', 'tag', 'dupes']) {
    for (const flag of ['--help', '-h']) {
      const r = spawnSync('node', [cli, cmd, flag], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const synopsis = /^Usage: clipfind (.*)$/m.exec(r.stdout)[1];
      assert.ok(overview.includes(`  ${synopsis}\n`), `${cmd}: the overview shows the same synopsis`);
    }
    assert.equal(execFileSync('node', [cli, 'help', cmd], { encoding: 'utf8' }), execFileSync('node', [cli, cmd, '--help'], { encoding: 'utf8' }));
  }
  const missing = spawnSync('node', [cli, 'search', '--library', 'x.clipfind', 'red'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--model is required\nusage: clipfind search /);
});

test('clipfind embed: texts after -- may start with "-"; builtin:tiny is the built-in model', () => {
  const r = spawnSync('node', [cli, 'embed', '--model', 'builtin:tiny', '--backend', 'wasm', '--text', 'red circle', '--', '-3 blue squares'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.text), ['red circle', '-3 blue squares']);
  assert.equal(lines[1].embedding.length, 128);
  const ambiguous = spawnSync('node', [cli, 'embed', '--model', 'builtin:tiny', '-3 blue squares'], { encoding: 'utf8' });
  assert.equal(ambiguous.status, 2);
});
