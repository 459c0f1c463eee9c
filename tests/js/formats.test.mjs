// WebP, HEIC and AVIF through the public API and the CLI: WebP against PIL (lossless bit-exact, lossy
// within 3 levels), HEIC/AVIF against libheif's heif-convert (bit-exact), irot/imir turned as
// libheif turns them, grid-tiled and multi-image HEIC, alpha dropped, and typed errors for broken files.
// Fixtures: tests/fixtures/formats/, written by tests/tools/make_format_fixtures.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImagePreprocessor, decodeImage, ImageError } from 'clipfind';
import { compareLevels, havePil, pilReference } from './helpers/pil.mjs';
import { fixturesDir } from './helpers/corpus.mjs';

// Two of tests/js/image.test.mjs's configs (importing that file would run its tests again).
const configs = {
  clip: { crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor', image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224 },
  siglip: { do_normalize: true, do_rescale: true, do_resize: true, image_mean: [0.5, 0.5, 0.5], image_processor_type: 'SiglipImageProcessor', image_std: [0.5, 0.5, 0.5], resample: 3, rescale_factor: 0.00392156862745098, size: { height: 224, width: 224 } },
};

if (!havePil()) throw new Error('/usr/bin/python3 with python3-pil and python3-numpy is not installed (scripts/setup.sh installs them)');
const heifConvert = '/usr/bin/heif-convert';
if (spawnSync(heifConvert, ['--help']).error) throw new Error('heif-convert is not installed (libheif-examples; scripts/setup.sh installs it)');

const dir = `${fixturesDir}formats/`;
const files = readdirSync(dir).filter((f) => /\.(webp|heic|avif)$/.test(f)).sort();
const raw = { do_resize: false, do_center_crop: false, do_normalize: false, do_rescale: true };

/** heif-convert's decoding of each HEIC/AVIF, as PNG files PIL then reads like any other. */
function heifReferences(names) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'clipfind-heif-'));
  return new Map(names.map((f) => {
    const png = path.join(out, `${f}.png`);
    execFileSync(heifConvert, ['--quiet', path.join(dir, f), png], { stdio: 'ignore' });
    // With several top-level images heif-convert writes NAME-1.png, NAME-2.png...; the primary is the
    // first in two-images.heic (heif-info lists it first).
    if (!existsSync(png)) renameSync(path.join(out, `${f}-1.png`), png);
    return [f, png];
  }));
}

function levelsDiff(a, b) {
  assert.equal(a.length, b.length);
  let max = 0, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}

test('WebP equals PIL: lossless bit-exact, lossy within 3 levels; EXIF orientation applied, alpha dropped', async () => {
  const webps = files.filter((f) => f.endsWith('.webp'));
  assert.ok(webps.length >= 4);
  const rawRefs = pilReference(raw, webps.map((f) => dir + f));
  const refs = pilReference(configs.clip, webps.map((f) => dir + f));
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  for (const f of webps) {
    const bytes = readFileSync(dir + f);
    const lossless = /lossless|alpha/.test(f);
    const img = await decodeImage(bytes);
    const ref = rawRefs.get(f);
    assert.deepEqual([img.width, img.height], [ref.width, ref.height], `${f}: size (orientation)`);
    const d = levelsDiff(img.data, ref.data);
    console.log(`# ${f}: ${img.width}x${img.height}, decoded vs PIL max ${d.max} mean ${d.mean.toFixed(3)}`);
    if (lossless) assert.equal(d.max, 0, `${f}: lossless WebP must be bit-exact`);
    else assert.ok(d.max <= 3, `${f}: max ${d.max}`);
    const { data, dims } = await pre.preprocessEncoded(bytes);
    const p = compareLevels(data, dims, refs.get(f), configs.clip);
    assert.ok(p.max <= (lossless ? 1 : 3) + 1e-3, `${f} preprocessed: ${JSON.stringify(p)}`);
  }
  pre.close();
});

// HEIC: libde265 (with its deblocking and SAO filters, which libheif-js's own decode turns off); AVIF:
// dav1d (web/wasm/dav1d.*); both then through libheif 1.15's YCbCr->RGB (web/ycbcr_to_rgb.js): exactly
// heif-convert's pixels, for 4:2:0, 4:2:2 and 4:4:4, full and limited range, BT.601 and BT.709, 8 and
// 10 bits (heif-convert's 16-bit PNG as PIL reads it), odd sizes, alpha (dropped) and grids.
test('HEIC and AVIF bit-exact with heif-convert: plain, alpha, two images, grid, irot/imir, 4:4:4, 10-bit, limited range', async () => {
  const heifs = files.filter((f) => /\.(heic|avif)$/.test(f));
  assert.ok(heifs.length >= 36);
  for (const f of ['alpha.avif', 'chroma444.avif', 'limited.avif', 'bt709.avif', 'tenbit.avif', 'tenbit422.avif', 'odd.avif', 'grid.avif']) assert.ok(heifs.includes(f), f);
  const pngs = heifReferences(heifs);
  const rawRefs = pilReference(raw, [...pngs.values()]);
  const refs = pilReference(configs.siglip, [...pngs.values()]);
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.siglip));
  for (const f of heifs) {
    const bytes = readFileSync(dir + f);
    const img = await decodeImage(bytes);
    const ref = rawRefs.get(`${f}.png`);
    assert.deepEqual([img.width, img.height], [ref.width, ref.height], `${f}: size`);
    const d = levelsDiff(img.data, ref.data);
    console.log(`# ${f}: ${img.width}x${img.height} vs heif-convert: max ${d.max}, mean ${d.mean.toFixed(3)}`);
    assert.equal(d.max, 0, `${f}: not heif-convert's pixels`);
    const { data, dims } = await pre.preprocessEncoded(bytes);
    const p = compareLevels(data, dims, refs.get(`${f}.png`), configs.siglip);
    assert.ok(p.max <= 1 + 1e-3, `${f} preprocessed: ${JSON.stringify(p)}`);
  }
  pre.close();
});

// AVIF files no one here wrote: Pillow's test images (libavif's encoder; EXIF and XMP, transparency, no
// pixi property, irot/imir), as heif-convert decodes them.
test("Pillow's AVIF test images are heif-convert's pixels exactly, through decodeImage and preprocessing", async () => {
  const pdir = `${fixturesDir}pillow/avif/`;
  const avifs = readdirSync(pdir).filter((f) => f.endsWith('.avif')).sort();
  assert.ok(avifs.length >= 8);
  const out = mkdtempSync(path.join(os.tmpdir(), 'clipfind-pillow-avif-'));
  const pngs = avifs.map((f) => {
    execFileSync(heifConvert, ['--quiet', pdir + f, path.join(out, `${f}.png`)], { stdio: 'ignore' });
    return path.join(out, `${f}.png`);
  });
  // heif-convert copies the file's EXIF/XMP into the PNG, whose orientation the PIL reference would
  // apply again (xmp_tags_orientation.avif): the pixels are re-saved without metadata first.
  execFileSync('/usr/bin/python3', ['-c', 'import sys\nfrom PIL import Image\nfor p in sys.argv[1:]: Image.open(p).convert("RGB").save(p)', ...pngs]);
  const rawRefs = pilReference(raw, pngs);
  const refs = pilReference(configs.clip, pngs);
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  for (const f of avifs) {
    const bytes = readFileSync(pdir + f);
    const img = await decodeImage(bytes);
    const ref = rawRefs.get(`${f}.png`);
    assert.deepEqual([img.width, img.height], [ref.width, ref.height], `${f}: size`);
    const d = levelsDiff(img.data, ref.data);
    console.log(`# pillow/avif/${f}: ${img.width}x${img.height} vs heif-convert: max ${d.max}, mean ${d.mean.toFixed(3)}`);
    assert.equal(d.max, 0, `${f}: not heif-convert's pixels`);
    const { data, dims } = await pre.preprocessEncoded(bytes);
    const p = compareLevels(data, dims, refs.get(`${f}.png`), configs.clip);
    assert.ok(p.max <= 1 + 1e-3, `${f} preprocessed: ${JSON.stringify(p)}`);
  }
  pre.close();
});

// Independent of both decoders' transform code: irot (anticlockwise quarter turns) then imir (axis 0
// flips top-bottom, 1 left-right, as libheif reads it) written out as loops over the unturned image.
function turn({ data, width, height }, rot, mirror) {
  let img = { data, width, height };
  for (let r = 0; r < rot; r++) {
    const { data: s, width: w, height: h } = img;
    const out = new Uint8Array(s.length);
    for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) out.set(s.subarray(((x) * w + (w - 1 - y)) * 3, ((x) * w + (w - 1 - y)) * 3 + 3), (y * h + x) * 3);
    img = { data: out, width: h, height: w };
  }
  if (mirror === undefined) return img;
  const { data: s, width: w, height: h } = img;
  const out = new Uint8Array(s.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [sx, sy] = mirror === 1 ? [w - 1 - x, y] : [x, h - 1 - y];
    out.set(s.subarray((sy * w + sx) * 3, (sy * w + sx) * 3 + 3), (y * w + x) * 3);
  }
  return { data: out, width: w, height: h };
}

test('irot/imir: each transformed HEIC/AVIF is exactly the stored image turned and mirrored', async () => {
  for (const ext of ['heic', 'avif']) {
    const stored = await decodeImage(readFileSync(`${dir}rot0.${ext}`));
    assert.deepEqual([stored.width, stored.height], [128, 64]);
    for (let rot = 0; rot < 4; rot++) {
      for (const mirror of [undefined, 0, 1]) {
        const f = `rot${rot}${mirror === undefined ? '' : `mir${mirror}`}.${ext}`;
        const got = await decodeImage(readFileSync(dir + f));
        const want = turn(stored, rot, mirror);
        assert.deepEqual([got.width, got.height], [want.width, want.height], f);
        assert.ok(Buffer.from(got.data).equals(Buffer.from(want.data)), `${f}: not the stored image turned as irot/imir say`);
      }
    }
  }
});

function withBox(bytes, type, edit) {
  const b = Buffer.from(bytes);
  const i = b.indexOf(type);
  assert.ok(i > 0, type);
  edit(b, i + 4);
  return new Uint8Array(b);
}

test('broken WebP/HEIC/AVIF: INVALID_IMAGE naming the format and why; bombs refused before decoding', async () => {
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  const heic = readFileSync(`${dir}rot0.heic`), avif = readFileSync(`${dir}rot0.avif`), webp = readFileSync(`${dir}lossy.webp`);
  const enc = (s) => [...new TextEncoder().encode(s)];
  const cases = [
    [new Uint8Array([0, 0, 0, 0x18, ...enc('ftypheic'), 0, 0, 0, 0]), 'INVALID_IMAGE', /HEIC header is truncated/],
    [new Uint8Array([...enc('RIFF\0\0\0\0WEBPVP8 ')]), 'INVALID_IMAGE', /WebP header is corrupt or truncated/],
    [new Uint8Array([0, 0, 0, 0x18, ...enc('ftypavif')]), 'INVALID_IMAGE', /AVIF header is truncated/],
    [heic.subarray(0, 400), 'INVALID_IMAGE', /HEIC .*(truncated|libheif)/],
    [heic.subarray(0, heic.length - 200), 'INVALID_IMAGE', /HEIC data is corrupt or truncated \(libheif: /],
    [avif.subarray(0, avif.length - 200), 'INVALID_IMAGE', /AVIF data is corrupt or truncated \(libavif/],
    [withBox(avif, 'mdat', (b, at) => { b.fill(0xff, at, at + 32); }), 'INVALID_IMAGE', /AVIF data is corrupt or truncated \(dav1d: /],
    [webp.subarray(0, webp.length >> 1), 'INVALID_IMAGE', /WebP data is corrupt or truncated \(libwebp/],
    [withBox(heic, 'ispe', (b, at) => { b.writeUInt32BE(60000, at + 4); b.writeUInt32BE(60000, at + 8); }), 'IMAGE_TOO_LARGE', /HEIC of 60000x60000/],
    [withBox(webp, 'VP8 ', (b, at) => { b.writeUInt16LE(16383, at + 10); b.writeUInt16LE(16383, at + 12); }), 'IMAGE_TOO_LARGE', /WebP of 16383x16383/],
    [withBox(heic, 'pitm', (b, at) => { b.write('xxxx', at - 4); }), 'INVALID_IMAGE', /HEIC has no primary item/],
    [new Uint8Array([0, 0, 0, 0x18, ...enc('ftypisom'), 0, 0, 0, 0]), 'UNSUPPORTED_FORMAT', /MP4/],
    [new Uint8Array([...enc('II*\0'), 8, 0, 0, 0]), 'UNSUPPORTED_FORMAT', /TIFF/],
  ];
  for (const [bytes, code, re] of cases) {
    await assert.rejects(pre.preprocessEncoded(bytes), (e) => e instanceof ImageError && e.code === code && re.test(e.message), `${code} ${re}`);
    await assert.rejects(decodeImage(bytes), (e) => e instanceof ImageError && e.code === code, `decodeImage ${code} ${re}`);
  }
  const small = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip), { maxPixels: 1000 });
  await assert.rejects(small.preprocessEncoded(heic), (e) => e.code === 'IMAGE_TOO_LARGE' && /HEIC of 128x64/.test(e.message));
  small.close();
  pre.close();
});

test('clipfind preprocess: HEIC, AVIF (8 and 10 bits) and WebP files give the API output; a broken HEIC is named with its reason', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'clipfind-fmt-cli-'));
  const model = path.join(tmp, 'model');
  execFileSync('mkdir', ['-p', model]);
  writeFileSync(path.join(model, 'preprocessor_config.json'), JSON.stringify(configs.clip));
  const broken = path.join(tmp, 'IMG_0001.HEIC');
  const heic = readFileSync(`${dir}rot0.heic`);
  writeFileSync(broken, heic.subarray(0, heic.length - 200));
  const names = ['grid.heic', 'rot1mir0.avif', 'tenbit.avif', 'exif6.webp'];
  const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
  const r = spawnSync('node', [cli, 'preprocess', '--model', model, '--out', tmp, ...names.map((f) => dir + f), broken], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.match(lines[4].error, /^INVALID_IMAGE: HEIC data is corrupt or truncated \(libheif: /);
  const pre = await ImagePreprocessor.fromConfig(JSON.stringify(configs.clip));
  for (const [i, f] of names.entries()) {
    const api = await pre.preprocessEncoded(readFileSync(dir + f));
    assert.deepEqual(lines[i].dims, api.dims);
    assert.ok(readFileSync(path.join(tmp, `${f}.f32`)).equals(Buffer.from(api.data.buffer)), `${f}: CLI output differs from the API's`);
  }
  pre.close();
});
