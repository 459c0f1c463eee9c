// Images/s and texts/s on a ViT-B/32-shaped random-weight CLIP made at bench time: clipfind vs
// transformers.js in one Chromium page, same ONNX files, both on ORT Web's WASM backend, one thread.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { browserSkipReason, withBrowser } from '../js/helpers/browser.mjs';

export async function modelBench() {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`  skipped: ${skip}`);
    return null;
  }
  const root = new URL('../../', import.meta.url).pathname;
  const dir = `${root}build/bench-vitb32`;
  if (!existsSync(`${dir}/onnx/vision_model.onnx`)) {
    execFileSync('/usr/bin/python3', [`${root}tests/bench/make_vitb32.py`, dir], { stdio: 'ignore', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  }
  mkdirSync(`${dir}/images`, { recursive: true });
  execFileSync('/usr/bin/python3', ['-c', `
from PIL import Image
import numpy as np
for i in range(8):
    rng = np.random.default_rng(i)
    Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save('${dir}/images/%d.jpg' % i, quality=85)
y, x = np.mgrid[0:3000, 0:4000]
big = np.stack([(x * 255 // 4000), (y * 255 // 3000), ((x + y) % 256)], -1) + np.random.default_rng(1).normal(0, 20, (3000, 4000, 3))
Image.fromarray(np.clip(big, 0, 255).astype(np.uint8)).save('${dir}/images/big.jpg', quality=90)
`]);
  const texts = Array.from({ length: 32 }, (_, i) => `a photo of a ${['red', 'blue', 'green', 'yellow'][i % 4]} ${['cat', 'dog', 'car', 'tree'][(i >> 2) % 4]} number ${i}`);
  return withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/tests/browser/bench.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 60000 });
    const urls = Array.from({ length: 8 }, (_, i) => `/build/bench-vitb32/images/${i}.jpg`);
    const r = await page.evaluate(([m, u, t]) => window.bench(m, u, t), ['/build/bench-vitb32/', urls, texts]).catch((e) => {
      throw new Error(`${e.message}\n${logs.join('\n')}`);
    });
    const ips = (ms, n) => (n / (ms / 1000)).toFixed(2);
    console.log('ViT-B/32-shaped random CLIP, Chromium, ORT Web WASM, 1 thread; 8 JPEGs 640x480, 32 captions');
    console.log(`  images/s  clipfind ${ips(r.oursImages, r.n)}  transformers.js ${ips(r.theirImages, r.n)}  ratio ${(r.theirImages / r.oursImages).toFixed(2)}x (goal >= 1.2x)`);
    console.log(`  texts/s   clipfind ${ips(r.oursTexts, r.t)}  transformers.js ${ips(r.theirTexts, r.t)}  ratio ${(r.theirTexts / r.oursTexts).toFixed(2)}x`);
    const im = await page.evaluate(([u, c]) => window.benchImage(u, c), ['/build/bench-vitb32/images/big.jpg', '/build/bench-vitb32/preprocessor_config.json']);
    console.log('4000x3000 JPEG -> 3x224x224 in Chromium, median of 5');
    console.log(`  clipfind, createImageBitmap + PIL-exact resize   ${im.bitmap.toFixed(0)} ms  (${(im.transformers / im.bitmap).toFixed(2)}x faster than transformers.js; goal >= 1.5x)`);
    console.log(`  clipfind, WASM decode + resize (PIL-exact)       ${im.wasm.toFixed(0)} ms  (${(im.transformers / im.wasm).toFixed(2)}x)`);
    console.log(`  transformers.js, canvas path                     ${im.transformers.toFixed(0)} ms`);
    return r;
  }, { webgpu: false, roots: ['web', 'models', 'tests', 'node_modules', 'build'] });
}
