// WebP, HEIC and AVIF in headless Chromium under the demo's CSP: decodeImage in the page and
// embedImages in the model's Web Worker give Node's results, and HEIC/AVIF heif-convert's pixels
// exactly; the decoders are fetched only once such a file appears (a PNG loads none of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Model, decodeImage } from 'clipfind';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { pilReference } from './helpers/pil.mjs';

const skip = browserSkipReason();
if (skip) console.log(`# skipping browser format tests: ${skip}`);

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const files = ['formats/grid.heic', 'formats/rot1mir1.heic', 'formats/rot3mir0.avif', 'formats/tenbit.avif', 'formats/grid.avif',
  'formats/alpha.avif', 'formats/lossy.webp', 'formats/exif6.webp', 'formats/alpha.webp'];
const decoderUrl = /libheif-bundle\.mjs|webp_dec\.(js|wasm)|avif_dec\.(js|wasm)|dav1d\.(mjs|wasm)/;

/** heif-convert's pixels of each HEIC/AVIF (as PIL reads its PNG: 16-bit ones by their high byte). */
function heifConvert(names) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'clipfind-heif-browser-'));
  const pngs = names.map((f) => {
    const png = path.join(out, `${path.basename(f)}.png`);
    execFileSync('/usr/bin/heif-convert', ['--quiet', fixtures + f, png], { stdio: 'ignore' });
    return png;
  });
  const refs = pilReference({ do_resize: false, do_center_crop: false, do_normalize: false, do_rescale: true }, pngs);
  return new Map(names.map((f, i) => [f, refs.get(path.basename(pngs[i]))]));
}

test('Chromium: WebP/HEIC/AVIF decode and embed as in Node, under the demo CSP, decoders loaded on first use', { skip, timeout: 300000 }, async () => {
  await withBrowser(async ({ page, origin, requests, logs }) => {
    await page.goto(`${origin}/tests/browser/formats.html`);
    await page.waitForFunction(() => window.ready === true);
    const png = await page.evaluate((u) => window.decodeAll(u), ['/tests/fixtures/models/images/image0.png']);
    assert.equal(png.out.length, 1);
    assert.deepEqual(requests.filter((u) => decoderUrl.test(u)), [], 'a PNG must not load the WebP/HEIC/AVIF decoders');

    const urls = files.map((f) => `/tests/fixtures/${f}`);
    const page_ = await page.evaluate((u) => window.decodeAll(u), urls);
    assert.deepEqual(page_.violations, [], 'CSP violations');
    const heifs = files.filter((f) => /\.(heic|avif)$/.test(f));
    const refs = heifConvert(heifs);
    for (const [i, f] of files.entries()) {
      const node = await decodeImage(readFileSync(fixtures + f));
      const got = page_.out[i];
      assert.deepEqual([got.width, got.height], [node.width, node.height], f);
      assert.ok(Buffer.from(got.data).equals(Buffer.from(node.data)), `${f}: Chromium's pixels differ from Node's`);
      if (!refs.has(f)) continue;
      const ref = refs.get(f);
      assert.deepEqual([got.width, got.height], [ref.width, ref.height], `${f}: size vs heif-convert`);
      let max = 0;
      for (let k = 0; k < ref.data.length; k++) max = Math.max(max, Math.abs(got.data[k] - ref.data[k]));
      console.log(`# Chromium ${f}: vs heif-convert max ${max}`);
      assert.equal(max, 0, `${f}: Chromium's pixels are not heif-convert's`);
    }
    const loaded = requests.filter((u) => decoderUrl.test(u)).map((u) => new URL(u).pathname.split('/').pop());
    console.log(`# decoders fetched after the first HEIC/AVIF/WebP: ${[...new Set(loaded)].join(', ')}`);
    for (const name of ['libheif-bundle.mjs', 'webp_dec.wasm', 'dav1d.wasm']) assert.ok(loaded.includes(name), `${name} not loaded: ${logs.join('\n')}`);
    // dav1d decodes every AVIF here; libavif is only for what its plan does not describe.
    assert.ok(!loaded.includes('avif_dec.wasm'), 'libavif loaded for AVIF files dav1d decodes');

    // The model runs in a Web Worker: the decoders load there too.
    const emb = await page.evaluate(([m, u]) => window.embedAll(m, u), ['/tests/fixtures/models/clip/', urls]);
    assert.deepEqual(emb.violations, []);
    const model = await Model.load(`${fixtures}models/clip`, { backend: 'wasm' });
    for (const [i, f] of files.entries()) {
      const node = await model.embedImages([readFileSync(fixtures + f)]);
      const d = node.reduce((m, v, k) => Math.max(m, Math.abs(v - emb.vectors[i][k])), 0);
      assert.ok(d <= 1e-4, `${f}: worker embedding differs from Node by ${d}`);
    }
    await model.close();
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
  });
});
