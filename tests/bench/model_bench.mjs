// Images/s (and texts/s) on a ViT-B/32-shaped random-weight CLIP made at bench time (make_vitb32.mjs):
// clipfind vs transformers.js in Chromium, same ONNX files, both on ORT Web's WASM backend, each in a
// dedicated worker, for fp32 and q8 with 1 and 2 threads (the page is cross-origin isolated, so ORT
// can start its threads). The photos are a realistic mix: 640x480 and 4032x3024 (a phone's 12 MP)
// JPEGs with photo-like content; decoding the large ones is what clipfind's pipeline hides.
//   node tests/bench/bench.mjs model     (CLIPFIND_BENCH_CONFIGS=fp32:1,q8:2 to run a subset)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { browserSkipReason, withBrowser } from '../js/helpers/browser.mjs';

const GOAL = 1.5;

function makePhotos(dir, sizes) {
  const missing = sizes.filter(([w, h, i]) => !existsSync(`${dir}/photo-${w}x${h}-${i}.jpg`));
  if (!missing.length) return;
  // Photo-like: smooth colour regions (a low-resolution random field upscaled) plus sensor-like grain,
  // saved as cameras do (quality 90). Pure noise would overstate decode time, flat colour understate it.
  execFileSync('/usr/bin/python3', ['-c', `
import json, sys
import numpy as np
from PIL import Image
for w, h, i in json.loads(sys.argv[1]):
    rng = np.random.default_rng(1000 * i + w)
    small = Image.fromarray(rng.integers(0, 255, (h // 96 + 2, w // 96 + 2, 3), dtype=np.uint8))
    base = np.asarray(small.resize((w, h), Image.BICUBIC), dtype=np.float32)
    grain = rng.normal(0, 6, (h, w, 1)).astype(np.float32)
    Image.fromarray(np.clip(base + grain, 0, 255).astype(np.uint8)).save('${dir}/photo-%dx%d-%d.jpg' % (w, h, i), quality=90)
`, JSON.stringify(missing)]);
}

export async function modelBench() {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`  skipped: ${skip}`);
    return null;
  }
  const root = new URL('../../', import.meta.url).pathname;
  const dir = `${root}build/bench-vitb32`;
  if (!existsSync(`${dir}/onnx/vision_model_quantized.onnx`)) execFileSync(process.execPath, [`${root}tests/bench/make_vitb32.mjs`, dir], { stdio: 'ignore' });
  mkdirSync(`${dir}/images`, { recursive: true });
  const sizes = Array.from({ length: 16 }, (_, i) => (i % 2 ? [4032, 3024, i >> 1] : [640, 480, i >> 1])); // interleaved, as a camera roll
  makePhotos(`${dir}/images`, sizes);
  const urls = sizes.map(([w, h, i]) => `/build/bench-vitb32/images/photo-${w}x${h}-${i}.jpg`);
  const mb = sizes.reduce((s, [w, h, i]) => s + statSync(`${dir}/images/photo-${w}x${h}-${i}.jpg`).size, 0) / 1e6;
  const texts = Array.from({ length: 32 }, (_, i) => `a photo of a ${['red', 'blue', 'green', 'yellow'][i % 4]} ${['cat', 'dog', 'car', 'tree'][(i >> 2) % 4]} number ${i}`);
  const configs = (process.env.CLIPFIND_BENCH_CONFIGS ?? 'fp32:1,q8:1,fp32:2,q8:2').split(',').map((c) => {
    const [dtype, threads] = c.split(':');
    return { dtype, threads: Number(threads) };
  });
  const big = '/build/bench-vitb32/images/photo-4032x3024-0.jpg';

  return withBrowser(async ({ page, origin, logs }) => {
    const fail = (e) => { throw new Error(`${e.message}\n${logs.join('\n')}`); };
    const ips = (ms, n) => (n / (ms / 1000)).toFixed(2);
    console.log(`ViT-B/32-shaped random CLIP, Chromium, ORT Web WASM, batch 8, each library in a worker; ${sizes.length} JPEGs`);
    console.log(`(8 at 640x480, 8 at 4032x3024; ${mb.toFixed(1)} MB), best of 2 runs; goal: clipfind >= ${GOAL}x transformers.js images/s`);
    const results = [];
    for (const [k, { dtype, threads }] of configs.entries()) {
      await page.goto(`${origin}/tests/browser/bench.html`);
      await page.waitForFunction(() => window.ready === true, null, { timeout: 60000 });
      const withTexts = k === 0;
      const r = await page.evaluate((a) => window.bench(a), { modelUrl: '/build/bench-vitb32/', imageUrls: urls, texts: withTexts ? texts : null, dtype, threads, batchSize: 8 }).catch(fail);
      if (!r.crossOriginIsolated && threads > 1) console.log('  (page not cross-origin isolated: ORT ran one thread)');
      const ratio = r.theirImages / r.oursImages;
      results.push({ dtype, threads, ratio });
      console.log(`  ${dtype.padEnd(4)} ${threads} thread${threads > 1 ? 's' : ' '}  images/s  clipfind ${ips(r.oursImages, r.n)} (Library.add ${ips(r.oursLibrary, r.n)})  transformers.js ${ips(r.theirImages, r.n)}  ratio ${ratio.toFixed(2)}x ${ratio >= GOAL ? '(meets' : '(MISSES'} >= ${GOAL}x)`);
      console.log(`                   clipfind's stages alone: inference ${(r.oursInfer / r.n).toFixed(0)} ms/image, decode + preprocess ${(r.oursDecode / r.n).toFixed(0)} ms/image on ${r.decodeWorkers} worker(s) beside it`);
      if (withTexts) console.log(`  ${dtype.padEnd(4)} ${threads} thread   texts/s   clipfind ${ips(r.oursTexts, r.t)}  transformers.js ${ips(r.theirTexts, r.t)}  ratio ${(r.theirTexts / r.oursTexts).toFixed(2)}x`);
    }
    console.log(`clipfind / transformers.js images/s (goal >= ${GOAL}x):`);
    for (const { dtype, threads, ratio } of results) console.log(`  ratio ${dtype} ${threads} thread${threads > 1 ? 's' : ''}: ${ratio.toFixed(2)}x${ratio >= GOAL ? '' : '  MISSES the goal'}`);
    await page.goto(`${origin}/tests/browser/bench.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 60000 });
    const im = await page.evaluate(([u, c]) => window.benchImage(u, c), [big, '/build/bench-vitb32/preprocessor_config.json']).catch(fail);
    const dec = await page.evaluate(([u, c]) => window.benchDecode(u, c), [urls, '/build/bench-vitb32/preprocessor_config.json']).catch(fail);
    console.log(`Decode + preprocess alone, the same ${urls.length} photos, one thread: clipfind ${dec.ours.toFixed(0)} ms/image (beside inference), transformers.js ${dec.theirs.toFixed(0)} ms/image (before it)`);
    console.log('4032x3024 JPEG -> 3x224x224 in Chromium, one thread, median of 5');
    console.log(`  clipfind, createImageBitmap + PIL-exact resize   ${im.bitmap.toFixed(0)} ms  (${(im.transformers / im.bitmap).toFixed(2)}x faster than transformers.js)`);
    console.log(`  clipfind, WASM decode + resize (PIL-exact)       ${im.wasm.toFixed(0)} ms  (${(im.transformers / im.wasm).toFixed(2)}x)`);
    console.log(`  transformers.js, canvas path                     ${im.transformers.toFixed(0)} ms`);
    return results;
  }, { webgpu: false, roots: ['web', 'models', 'tests', 'node_modules', 'build'] });
}
