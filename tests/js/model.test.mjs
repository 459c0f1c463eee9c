// Models and inference in Node (onnxruntime-web's WASM backend) against PyTorch references made by
// tests/tools/make_test_models.py: token ids, text and image embeddings, lazy towers, typed errors, URL loading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Model, ModelFileError, NotFoundError, Tokenizer } from 'clipfind';
import { createServer } from '../../scripts/serve.mjs';

const root = new URL('../fixtures/models/', import.meta.url).pathname;
const families = ['clip', 'siglip', 'mobileclip'];
const ref = (fam) => JSON.parse(readFileSync(path.join(root, fam, 'reference.json'), 'utf8'));
const cosine = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);

for (const fam of families) {
  test(`${fam}: embeddings match the PyTorch reference`, async () => {
    const r = ref(fam);
    const model = await Model.load(path.join(root, fam), { backend: 'wasm', batchSize: 4 });
    assert.equal(model.info.family, fam);
    assert.equal(model.info.backend, 'wasm');
    const texts = await model.embedTexts(r.texts.map((t) => t.text));
    assert.deepEqual(model.loadedTowers, { text: true, vision: false }, 'text search must not load the vision model');
    const dim = model.info.dim;
    assert.equal(texts.length, r.texts.length * dim);
    let maxAbs = 0;
    r.texts.forEach((t, i) => t.embedding.forEach((v, j) => { maxAbs = Math.max(maxAbs, Math.abs(v - texts[i * dim + j])); }));
    assert.ok(maxAbs <= 1e-4, `text max abs ${maxAbs}`);
    const images = await model.embedImages(r.images.map((im) => readFileSync(path.join(root, fam, im.file))));
    r.images.forEach((im, i) => {
      const c = cosine(im.embedding, images.subarray(i * dim, (i + 1) * dim));
      assert.ok(c >= (im.file.endsWith('.jpg') ? 0.999 : 0.9999), `${im.file}: cosine ${c}`);
    });
    for (let i = 0; i < r.texts.length; i++) {
      const norm = Math.hypot(...texts.subarray(i * dim, (i + 1) * dim));
      assert.ok(Math.abs(norm - 1) < 1e-5);
    }
    console.log(`# ${fam}: dim ${dim}, text max abs ${maxAbs.toExponential(2)}, id ${model.info.id}`);
    await model.close();
  });

  test(`${fam}: token ids equal the reference tokenizer's (padding by the family's rule)`, async () => {
    const r = ref(fam);
    const dir = path.join(root, fam);
    const tok = await Tokenizer.fromFiles({ tokenizer: readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'), config: readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'), padId: fam === 'mobileclip' ? 0 : undefined });
    for (const t of r.texts) {
      const { inputIds } = tok.encodeBatch([t.text], { padding: fam === 'clip' ? 'longest' : 'max_length' });
      assert.deepEqual(Array.from(inputIds, Number), t.input_ids, JSON.stringify(t.text));
    }
    tok.close();
  });
}

test('embedImages is a pipeline that keeps order: a list (decoded in a worker, run as images are ready) equals image by image, concurrent calls too; a broken image fails its call only', async () => {
  const dir = path.join(root, 'clip');
  const gallery = new URL('../../models/tiny/gallery/', import.meta.url).pathname;
  const bytes = [...ref('clip').images.map((im) => path.join(dir, im.file)), ...readdirSync(gallery).filter((f) => /^scene-00\d\.(png|jpg)$/.test(f)).sort().slice(0, 7).map((f) => path.join(gallery, f))].map((f) => readFileSync(f));
  const model = await Model.load(dir, { backend: 'wasm', batchSize: 3 });
  const dim = model.info.dim;
  const all = await model.embedImages(bytes);
  const each = await Promise.all(bytes.map((b) => model.embedImages([b])));
  each.forEach((v, i) => {
    const diff = Math.max(...v.map((x, j) => Math.abs(x - all[i * dim + j])));
    assert.ok(diff <= 1e-5, `image ${i}: max abs ${diff} between the list and the single call`);
    if (i > 0) assert.ok(cosine(v, each[i - 1]) < 0.9999, `images ${i - 1} and ${i} differ (the order check means something)`);
  });
  await assert.rejects(model.embedImages([bytes[0], new Uint8Array([1, 2, 3]), bytes[1]]), (e) => e.code === 'INVALID_IMAGE');
  const again = await model.embedImages([bytes[2]]);
  assert.ok(Math.max(...again.map((x, j) => Math.abs(x - each[2][j]))) <= 1e-6, 'the pipeline works after a failed call');
  await model.close();
});

function copyModel(fam) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `clipfind-${fam}-`));
  cpSync(path.join(root, fam), dir, { recursive: true });
  return dir;
}

test('missing files, corrupt ONNX, mixed towers and unknown families give typed errors naming the file', async () => {
  const dir = copyModel('clip');
  rmSync(path.join(dir, 'onnx', 'vision_model.onnx'));
  const m = await Model.load(dir, { backend: 'wasm' });
  await m.embedTexts(['still works']);
  await assert.rejects(m.embedImages([readFileSync(path.join(root, 'images', 'image0.png'))]), (e) => e instanceof NotFoundError && /onnx\/vision_model\.onnx/.test(e.message));
  await m.close();

  writeFileSync(path.join(dir, 'onnx', 'vision_model.onnx'), new Uint8Array(5000).map((_, i) => (i * 37) & 255));
  const m2 = await Model.load(dir, { backend: 'wasm' });
  await assert.rejects(m2.embedImages([readFileSync(path.join(root, 'images', 'image0.png'))]), (e) => e instanceof ModelFileError && /onnx\/vision_model\.onnx: ONNX Runtime could not load it/.test(e.message));
  await m2.close();

  copyFileSync(path.join(root, 'siglip', 'onnx', 'vision_model.onnx'), path.join(dir, 'onnx', 'vision_model.onnx'));
  copyFileSync(path.join(root, 'siglip', 'preprocessor_config.json'), path.join(dir, 'preprocessor_config.json'));
  const m3 = await Model.load(dir, { backend: 'wasm' });
  await m3.embedTexts(['a']);
  await assert.rejects(m3.embedImages([readFileSync(path.join(root, 'images', 'image0.png'))]), (e) => e instanceof ModelFileError && /different dims/.test(e.message));
  await m3.close();

  const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'bert' }));
  await assert.rejects(Model.load(dir), (e) => e instanceof ModelFileError && /config\.json: unknown model_type 'bert'/.test(e.message));
  writeFileSync(path.join(dir, 'config.json'), '{"model_type": ');
  await assert.rejects(Model.load(dir), (e) => e instanceof ModelFileError && /config\.json: invalid JSON/.test(e.message));
  rmSync(path.join(dir, 'config.json'));
  await assert.rejects(Model.load(dir), (e) => e instanceof NotFoundError && /config\.json is missing/.test(e.message));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": {"type": "WordLevel"}}');
  const m4 = await Model.load(dir, { backend: 'wasm' });
  await assert.rejects(m4.embedTexts(['x']), (e) => e instanceof ModelFileError && /tokenizer\.json/.test(e.message));
  await m4.close();
  await assert.rejects(Model.load(path.join(root, 'clip'), { backend: 'webgpu' }), (e) => e.code === 'BACKEND_UNAVAILABLE');
  rmSync(dir, { recursive: true });
});

test('a model loads from a base URL with progress events (same code path as the catalog models)', async () => {
  const server = createServer({ roots: ['web', 'models', 'tests'] });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const base = `http://127.0.0.1:${server.address().port}/tests/fixtures/models/clip/`;
  try {
    const events = [];
    const model = await Model.load(base, { backend: 'wasm', onProgress: (e) => events.push(e) });
    const fromUrl = await model.embedTexts(['a photo of a cat']);
    const local = await Model.load(path.join(root, 'clip'), { backend: 'wasm' });
    assert.deepEqual(fromUrl, await local.embedTexts(['a photo of a cat']));
    assert.equal(model.info.id, local.info.id, 'the identity depends on content, not on where it came from');
    const onnx = events.filter((e) => e.file === 'onnx/text_model.onnx');
    assert.ok(onnx.length >= 2 && onnx.at(-1).loaded === onnx.at(-1).total && onnx.at(-1).total > 0, JSON.stringify(onnx.slice(-2)));
    assert.ok(!events.some((e) => e.file.includes('vision')), 'vision model must not be downloaded for text');
    await assert.rejects(Model.load(`http://127.0.0.1:${server.address().port}/tests/fixtures/models/nope/`), NotFoundError);
    await model.close();
    await local.close();
  } finally {
    server.close();
  }
});

test('models of different families have different identities', async () => {
  const ids = new Set();
  for (const fam of families) {
    const { info } = await Model.load(path.join(root, fam), { backend: 'wasm' });
    ids.add(info.id);
    // The test models' configs state their scale (and SigLIP's bias), so they count as calibrated.
    const cfg = JSON.parse(readFileSync(path.join(root, fam, 'config.json'), 'utf8'));
    assert.ok(Math.abs(info.logitScale - Math.exp(cfg.logit_scale)) < 1e-9 * info.logitScale, fam);
    assert.equal(info.calibrated, true, fam);
  }
  assert.equal(ids.size, 3);
});

test('the catalog lists the supported real models with what the loader needs', async () => {
  const catalog = JSON.parse(readFileSync(new URL('../../models/catalog.json', import.meta.url), 'utf8'));
  const ids = catalog.models.map((m) => m.id);
  for (const want of ['clip-vit-base-patch32', 'clip-vit-base-patch16', 'clip-vit-large-patch14', 'siglip-base-patch16-224', 'siglip2-base-patch16-224', 'mobileclip-s0', 'mobileclip-s2']) {
    assert.ok(ids.includes(want), want);
  }
  for (const m of catalog.models) {
    assert.match(m.baseUrl, /^https:\/\/.+\/$/, m.id);
    assert.ok(['clip', 'siglip', 'mobileclip', 'open_clip'].includes(m.family), m.id);
    assert.ok(Number.isInteger(m.dim) && m.dim > 0);
    assert.ok(m.dtypes.every((d) => m.sizeMB[d]?.text > 0 && m.sizeMB[d]?.vision > 0), m.id);
  }
});

test('a model loads from picked files (FileList / File[] with relative paths), as from a folder input', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const dir = path.join(root, 'siglip');
  const files = [];
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else {
        const f = new File([readFileSync(path.join(dir, r))], name);
        Object.defineProperty(f, 'webkitRelativePath', { value: `siglip/${r}` });
        files.push(f);
      }
    }
  };
  walk('');
  const picked = await Model.load(files, { backend: 'wasm' });
  const local = await Model.load(dir, { backend: 'wasm' });
  assert.deepEqual(await picked.embedTexts(['a photo of a cat']), await local.embedTexts(['a photo of a cat']));
  assert.equal(picked.info.id, local.info.id);
  await picked.close();
  await local.close();
});
