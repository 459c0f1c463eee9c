// Decode + preprocess of a 4000x3000 JPEG: clipfind WASM (PIL-exact) vs transformers.js's
// RawImage/AutoProcessor path (sharp/libvips in Node), same process, same CLIP config.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImagePreprocessor } from 'clipfind';
import { median } from './index_bench.mjs';
import { browserSkipReason, withBrowser } from '../js/helpers/browser.mjs';

const clipConfig = { crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor', image_processor_type: 'CLIPImageProcessor', image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224 };

export async function imageBench() {
  // Under build/ so the Chromium part below can fetch the files from the test server.
  const root = new URL('../../', import.meta.url).pathname;
  const dir = path.join(root, 'build', 'bench-image');
  mkdirSync(dir, { recursive: true });
  const jpg = path.join(dir, 'photo.jpg');
  try {
    execFileSync('/usr/bin/python3', ['-c', `
import numpy as np
from PIL import Image
y, x = np.mgrid[0:3000, 0:4000]
rng = np.random.default_rng(1)
img = np.stack([(x * 255 // 4000), (y * 255 // 3000), ((x + y) % 256)], -1) + rng.normal(0, 20, (3000, 4000, 3))
im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
im.save(${JSON.stringify(jpg)}, quality=90)
im.save(${JSON.stringify(jpg)} + ".png")
im.save(${JSON.stringify(jpg)} + ".webp", quality=90)
`]);
  } catch {
    console.log('  skipped: /usr/bin/python3 with PIL is needed to make the test photo');
    return null;
  }
  const bytes = new Uint8Array(readFileSync(jpg));
  const modelDir = path.join(dir, 'clip');
  execFileSync('mkdir', ['-p', modelDir]);
  writeFileSync(path.join(modelDir, 'preprocessor_config.json'), JSON.stringify(clipConfig));

  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(clipConfig));
  const ours = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    await pre.preprocessEncoded(bytes);
    ours.push(performance.now() - t0);
  }
  pre.close();

  const { AutoProcessor, RawImage, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = dir;
  const processor = await AutoProcessor.from_pretrained('clip');
  const theirs = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const image = await RawImage.fromBlob(new Blob([bytes]));
    await processor(image);
    theirs.push(performance.now() - t0);
  }
  const a = median(ours.slice(1)), b = median(theirs.slice(1));
  console.log(`4000x3000 JPEG (${(bytes.length / 1e6).toFixed(1)} MB) -> 3x224x224, median of 5`);
  console.log(`  clipfind WASM (stb_image + PIL-exact bicubic)   ${a.toFixed(0)} ms`);
  console.log(`  transformers.js (RawImage + AutoProcessor)      ${b.toFixed(0)} ms`);
  console.log(`  ratio clipfind/transformers.js time             ${(a / b).toFixed(2)}x (goal <= 1.5x)`);
  console.log('  (the browser path, createImageBitmap in Chromium, is measured in the model section)');

  // The same 12 MP picture as a phone's HEIC (heif-enc, x265), a WebP (libwebp q90) and an AVIF: the lazily
  // loaded decoders (first call, which loads them, excluded) + the same preprocessing.
  const others = [['WebP', `${jpg}.webp`]];
  try {
    execFileSync('heif-enc', ['-q', '80', `${jpg}.png`, '-o', `${jpg}.heic`], { stdio: 'ignore' });
    others.push(['HEIC', `${jpg}.heic`]);
  } catch {
    console.log('  HEIC skipped: heif-enc (libheif-examples) is needed to make the test photo');
  }
  // AVIF (heif-enc, libaom at its fastest setting: the encoder's speed, not the decoder's, is at stake
  // here), decoded by dav1d (web/wasm/dav1d.*) and converted as heif-convert does.
  try {
    execFileSync('heif-enc', ['-q', '80', '-p', 'speed=9', `${jpg}.png`, '-o', `${jpg}.avif`], { stdio: 'ignore' });
    others.push(['AVIF', `${jpg}.avif`]);
  } catch {
    console.log('  AVIF skipped: heif-enc (libheif-examples) is needed to make the test photo');
  }
  const pre2 = await ImagePreprocessor.fromConfig(JSON.stringify(clipConfig));
  const lines = {};
  for (const [name, file] of others) {
    const b2 = new Uint8Array(readFileSync(file));
    const times = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await pre2.preprocessEncoded(b2);
      times.push(performance.now() - t0);
    }
    lines[name] = median(times.slice(1));
    console.log(`  ${`clipfind ${name} (${(b2.length / 1e6).toFixed(1)} MB, 4000x3000), median of 3`.padEnd(48)} ${lines[name].toFixed(0)} ms (${(lines[name] / a).toFixed(2)}x the JPEG)`);
  }
  pre2.close();

  // The same files in Chromium: ImagePreprocessor.fromEncoded in a page (same WASM and decoders).
  const skip = browserSkipReason();
  if (skip) {
    console.log(`  Chromium skipped: ${skip}`);
  } else {
    const files = [['JPEG', jpg], ...others];
    const ms = await withBrowser(async ({ page, origin }) => {
      await page.goto(`${origin}/tests/browser/formats.html`);
      await page.waitForFunction(() => window.ready === true);
      const urls = files.map(([, f]) => `/build/bench-image/${path.basename(f)}`);
      return page.evaluate(([u, c]) => window.benchDecode(u, c), [urls, JSON.stringify(clipConfig)]);
    }, { webgpu: false, roots: ['web', 'tests', 'node_modules', 'build'] });
    for (const [i, [name]] of files.entries()) {
      lines[`chromium${name}`] = ms[i];
      console.log(`  ${`Chromium: clipfind ${name} (4000x3000), median of 3`.padEnd(48)} ${ms[i].toFixed(0)} ms (${(ms[i] / ms[0]).toFixed(2)}x the JPEG)`);
    }
  }
  return { ours: a, theirs: b, ...lines };
}
