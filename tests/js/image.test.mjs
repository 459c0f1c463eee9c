// The image pipeline against PIL: every decoder mode, odd sizes, EXIF orientations, three model
// configs; plus bad images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ImagePreprocessor, decodeImage, ImageError } from 'clipfind';
import { compareLevels, generateImages, havePil, pilReference, pilReferenceAsync } from './helpers/pil.mjs';
import { fixturesDir } from './helpers/corpus.mjs';

// The reference is installed by scripts/setup.sh: without it the suite fails, it never skips parity.
if (!havePil()) throw new Error('/usr/bin/python3 with python3-pil and python3-numpy is not installed (scripts/setup.sh installs them)');

export const configs = {
  // openai/clip-vit-base-patch32 (old feature-extractor key style)
  clip: { crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor', image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224 },
  // google/siglip-base-patch16-224 (new key style, resize to height x width, no crop)
  siglip: { do_normalize: true, do_rescale: true, do_resize: true, image_mean: [0.5, 0.5, 0.5], image_processor_type: 'SiglipImageProcessor', image_std: [0.5, 0.5, 0.5], resample: 3, rescale_factor: 0.00392156862745098, size: { height: 224, width: 224 } },
  // MobileCLIP-style: bilinear, mean 0 / std 1, 256
  mobileclip: { crop_size: { height: 256, width: 256 }, do_center_crop: true, do_normalize: true, do_resize: true, image_mean: [0, 0, 0], image_processor_type: 'CLIPImageProcessor', image_std: [1, 1, 1], resample: 2, size: { shortest_edge: 256 } },
};

const lossless = (f) => !/\.jpe?g$/i.test(f);

test('preprocessing equals PIL for every decoder mode, odd size and config', async () => {
  const { files } = generateImages();
  const references = Object.values(configs).map((config) => pilReferenceAsync(config, files));
  for (const [i, [name, config]] of Object.entries(configs).entries()) {
    const refs = await references[i];
    const pre = await ImagePreprocessor.fromConfig(JSON.stringify(config));
    for (const file of files) {
      const base = path.basename(file);
      const ref = refs.get(base);
      const { data, dims } = await pre.preprocessEncoded(readFileSync(file));
      assert.deepEqual(dims, [3, ref.height, ref.width], `${name} ${base} dims`);
      const { max, mean } = compareLevels(data, dims, ref, config);
      const label = `${name} ${base}: max ${max.toFixed(3)} mean ${mean.toFixed(4)} (8-bit levels)`;
      if (lossless(base)) assert.ok(max <= 1.0 + 1e-3, label);
      else assert.ok(max <= 3.0 + 1e-3 && mean <= 0.15, label);
      if (max > 0.01) console.log(`# ${label}`);
    }
    pre.close();
  }
});

test('every resampling filter equals PIL (box, bilinear, hamming, bicubic, lanczos, nearest)', async () => {
  const { files } = generateImages();
  const pick = files.filter((f) => /(rgb\.png|up50x30\.png|rgb\.bmp|224x224\.png)$/.test(f));
  for (const resample of [0, 1, 2, 3, 4, 5]) {
    for (const size of [{ shortest_edge: 100 }, { shortest_edge: 480 }]) {
      const config = { ...configs.clip, resample, size, crop_size: { height: 90, width: 70 } };
      const refs = pilReference(config, pick);
      const pre = await ImagePreprocessor.fromConfig(JSON.stringify(config));
      for (const file of pick) {
        const ref = refs.get(path.basename(file));
        const { data, dims } = await pre.preprocessEncoded(readFileSync(file));
        const { max } = compareLevels(data, dims, ref, config);
        assert.ok(max <= 1.0 + 1e-3, `resample ${resample} ${JSON.stringify(size)} ${path.basename(file)}: max ${max}`);
      }
      pre.close();
    }
  }
});

const exifDir = `${fixturesDir}exif-orientation`;

test('EXIF orientations 1-8 come out upright, as PIL exif_transpose does', async () => {
  for (const kind of ['Landscape', 'Portrait']) {
    const files = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${exifDir}/${kind}_${n}.jpg`);
    const config = configs.siglip;
    const refs = pilReference(config, files);
    const pre = await ImagePreprocessor.fromConfig(JSON.stringify(config));
    const upright = (await pre.preprocessEncoded(readFileSync(files[1]))).data;
    const diff = (a, b) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length * 0.5 * 255; // std 0.5 -> levels
    for (let n = 0; n <= 8; n++) {
      const bytes = readFileSync(files[n]);
      const { data, dims } = await pre.preprocessEncoded(bytes);
      const vsPil = compareLevels(data, dims, refs.get(path.basename(files[n])), config);
      assert.ok(vsPil.max <= 3.0 + 1e-3 && vsPil.mean <= 0.15, `${kind}_${n} vs PIL: ${JSON.stringify(vsPil)}`);
      const d = diff(data, upright);
      // The same photo decoded without applying its orientation is far from upright.
      const raw = await decodeImage(bytes);
      const { width, height } = raw;
      const wrong = n >= 2 ? `, ignoring the tag: ${(await wrongOrientation(pre, raw, upright, diff)).toFixed(1)}` : '';
      console.log(`# ${kind}_${n}: ${width}x${height}, mean |diff| vs orientation 1 = ${d.toFixed(2)} levels${wrong}`);
      assert.ok(d <= 3, `${kind}_${n} differs from upright by ${d}`);
    }
    pre.close();
  }
});

// Preprocess the decoder's output rotated back the wrong way: the distance the EXIF step removes.
async function wrongOrientation(pre, raw, upright, diff) {
  const { data, width, height } = raw;
  // transpose the upright pixels: a wrong rotation for every non-trivial orientation
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const s = ((height - 1 - y) * width + (width - 1 - x)) * 3, d = (x * height + y) * 4;
    rgba[d] = data[s]; rgba[d + 1] = data[s + 1]; rgba[d + 2] = data[s + 2]; rgba[d + 3] = 255;
  }
  const out = pre.preprocessRGBA(rgba, height, width);
  return diff(out.data, upright);
}

test('preprocessRGBA equals preprocessEncoded for the same pixels', async () => {
  const { files } = generateImages();
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  const file = files.find((f) => f.endsWith('rgb.png'));
  const bytes = readFileSync(file);
  const { data, width, height } = await decodeImage(bytes);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([data[i * 3], data[i * 3 + 1], data[i * 3 + 2], 255], i * 4);
  assert.deepEqual(pre.preprocessRGBA(rgba, width, height), await pre.preprocessEncoded(bytes));
  const batch = await pre.batch([bytes, bytes]);
  assert.deepEqual(batch.dims, [2, 3, 224, 224]);
  pre.close();
});

function pngHeader(width, height) {
  const b = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(b, 0);
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8; b[25] = 2;
  return new Uint8Array(b);
}

test('bad images give typed errors with a reason; huge headers are refused before allocating', async () => {
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  const cases = [
    [new Uint8Array(0), 'INVALID_IMAGE', /empty/],
    [new TextEncoder().encode('hello, not an image'), 'INVALID_IMAGE', /not an image/],
    [pngHeader(60000, 60000), 'IMAGE_TOO_LARGE', /60000x60000/],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]), 'INVALID_IMAGE', /JPEG/],
    // Decoded since issue 22: magic bytes alone are a truncated file, named with what is missing.
    [new Uint8Array([...new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')]), 'INVALID_IMAGE', /WebP header is corrupt or truncated/],
    [new Uint8Array([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypheic')]), 'INVALID_IMAGE', /HEIC header is truncated/],
    [new Uint8Array([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypavif')]), 'INVALID_IMAGE', /AVIF header is truncated/],
    [new Uint8Array([...new TextEncoder().encode('II*\0'), 8, 0, 0, 0]), 'UNSUPPORTED_FORMAT', /TIFF/],
    [new Uint8Array([...new TextEncoder().encode('GIF89a'), 1, 0]), 'INVALID_IMAGE', /GIF/],
  ];
  const before = process.memoryUsage().rss;
  for (const [bytes, code, re] of cases) {
    await assert.rejects(pre.preprocessEncoded(bytes), (e) => e instanceof ImageError && e.code === code && re.test(e.message), `${code} ${re}`);
  }
  assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024, 'the 60000x60000 header must not be allocated');
  const { files } = generateImages();
  const good = readFileSync(files.find((f) => f.endsWith('baseline.jpg')));
  for (const cut of [10, 200, good.length >> 1]) {
    // truncated JPEGs: stb_image either errors or decodes the rest as grey, never crashes
    try { await pre.preprocessEncoded(good.subarray(0, cut)); } catch (e) { assert.ok(e instanceof ImageError, String(e)); }
  }
  const small = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip), { maxPixels: 1000 });
  await assert.rejects(small.preprocessEncoded(good), (e) => e.code === 'IMAGE_TOO_LARGE');
  small.close();
  assert.throws(() => pre.preprocessRGBA(new Uint8Array(12), 2, 2), (e) => e.code === 'DIMENSION_MISMATCH');
  pre.close();
});

test('a malformed preprocessor_config.json names the field', async () => {
  for (const [text, re] of [['{', /invalid JSON/], ['{"size": "big"}', /size: expected an integer/], ['{"size": {"shortest_edge": -3}}', /out of range/],
    ['{"image_std": [1, 0, 1]}', /image_std/], ['{"resample": 9}', /resample/], ['{"crop_size": {"height": 5}}', /crop_size.*width/]]) {
    await assert.rejects(ImagePreprocessor.fromConfig(text), (e) => e.code === 'INVALID_MODEL' && re.test(e.message), String(re));
  }
});
