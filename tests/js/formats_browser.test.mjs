// WebP, HEIC and AVIF in headless Chromium under the demo's CSP: decodeImage in the page and
// embedImages in the model's Web Worker give Node's results; the decoders are fetched only once such
// a file appears (a PNG loads none of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Model, decodeImage } from 'clipfind';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();
if (skip) console.log(`# skipping browser format tests: ${skip}`);

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const files = ['formats/grid.heic', 'formats/rot1mir1.heic', 'formats/rot3mir0.avif', 'formats/lossy.webp', 'formats/exif6.webp', 'formats/alpha.webp'];
const decoderUrl = /libheif-bundle\.mjs|webp_dec\.(js|wasm)|avif_dec\.(js|wasm)/;

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
    for (const [i, f] of files.entries()) {
      const node = await decodeImage(readFileSync(fixtures + f));
      const got = page_.out[i];
      assert.deepEqual([got.width, got.height], [node.width, node.height], f);
      assert.ok(Buffer.from(got.data).equals(Buffer.from(node.data)), `${f}: Chromium's pixels differ from Node's`);
    }
    const loaded = requests.filter((u) => decoderUrl.test(u)).map((u) => new URL(u).pathname.split('/').pop());
    console.log(`# decoders fetched after the first HEIC/AVIF/WebP: ${[...new Set(loaded)].join(', ')}`);
    for (const name of ['libheif-bundle.mjs', 'webp_dec.wasm', 'avif_dec.wasm']) assert.ok(loaded.includes(name), `${name} not loaded: ${logs.join('\n')}`);

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
