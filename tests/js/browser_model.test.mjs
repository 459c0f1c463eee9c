// Models in headless Chromium: WASM and WebGPU (SwiftShader) backends in a Web Worker agree with
// each other and with the PyTorch references; WebGPU really ran (outputs in 'gpu-buffer').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();
if (skip) console.log(`# skipping browser model tests: ${skip}`);

const root = new URL('../fixtures/models/', import.meta.url).pathname;

test('Chromium: WASM and WebGPU backends agree within 1e-3 and WebGPU really ran', { skip, timeout: 300000 }, async () => {
  await withBrowser(async ({ page, origin, requests, logs }) => {
    await page.goto(`${origin}/tests/browser/model.html`);
    await page.waitForFunction(() => window.ready === true);
    for (const fam of ['clip', 'siglip', 'mobileclip']) {
      const ref = JSON.parse(readFileSync(`${root}${fam}/reference.json`, 'utf8'));
      const texts = ref.texts.map((t) => t.text);
      const urls = ref.images.map((im) => `/tests/fixtures/models/${fam}/${im.file}`);
      const wasm = await page.evaluate(([f, t, u]) => window.runModel(f, 'wasm', t, u), [fam, texts, urls]);
      const gpu = await page.evaluate(([f, t, u]) => window.runModel(f, 'webgpu', t, u), [fam, texts, urls]);
      assert.equal(wasm.info.backend, 'wasm');
      assert.equal(gpu.info.backend, 'webgpu', `logs: ${logs.join('\n')}`);
      assert.equal(gpu.textLocation, 'gpu-buffer', 'WebGPU outputs must come from a GPU buffer');
      assert.equal(gpu.imageLocation, 'gpu-buffer');
      assert.equal(wasm.textLocation, 'cpu');
      const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      const dt = maxDiff(wasm.texts, gpu.texts), di = maxDiff(wasm.images, gpu.images);
      const refTexts = ref.texts.flatMap((t) => t.embedding), refImages = ref.images.flatMap((im) => im.embedding);
      const rt = maxDiff(wasm.texts, refTexts), ri = maxDiff(wasm.images, refImages);
      console.log(`# ${fam}: |wasm - webgpu| texts ${dt.toExponential(2)}, images ${di.toExponential(2)}; |wasm - pytorch| texts ${rt.toExponential(2)}, images ${ri.toExponential(2)}`);
      assert.ok(dt <= 1e-3 && di <= 1e-3, `${fam}: wasm vs webgpu ${dt} ${di}`);
      assert.ok(rt <= 1e-4, `${fam}: wasm texts vs pytorch ${rt}`);
      assert.ok(ri <= 1e-2, `${fam}: wasm images vs pytorch ${ri}`);
    }
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
  });
});
