// "Decode what PIL decodes": Pillow's own test images (odd real-world JPEG/PNG/GIF/BMP files:
// damaged metadata, OS/2 and RLE BMPs, odd palettes, GIF transparency, PNG eXIf/XMP orientation...)
// through decodeImage, against PIL's decode of the same file (exif_transpose + convert("RGB")).
// Fixtures: tests/fixtures/pillow/ (python-pillow/Pillow Tests/images, MIT-CMU, LICENSE beside them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeImage, ImageError } from 'clipfind';
import { havePil, python } from './helpers/pil.mjs';
import { fixturesDir } from './helpers/corpus.mjs';

if (!havePil()) throw new Error('/usr/bin/python3 with python3-pil and python3-numpy is not installed (scripts/setup.sh installs them)');

const dir = `${fixturesDir}pillow/`;
const script = new URL('../tools/pil_reference.py', import.meta.url).pathname;

test('Pillow test images: every file PIL decodes is decoded, >= 98% within 1 level of PIL (JPEG 3)', async () => {
  const files = readdirSync(dir, { recursive: true }).filter((f) => /\.(jpe?g|png|gif|bmp)$/i.test(f)).sort();
  assert.ok(files.length >= 450, `${files.length} files`);
  const out = mkdtempSync(path.join(os.tmpdir(), 'clipfind-pil-corpus-'));
  const refs = execFileSync(python, [script, 'decode', out, ...files.map((f) => dir + f)], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] })
    .trim().split('\n').map((l) => JSON.parse(l));
  let decodedByPil = 0, within = 0;
  const refused = [], differ = [];
  for (const ref of refs) {
    const name = path.relative(dir, ref.image);
    const bytes = readFileSync(ref.image);
    if (ref.error) {
      // PIL refuses it (a bomb, a format clipfind does not read either, or a broken file): clipfind must
      // refuse with a typed error too, or decode it.
      try { await decodeImage(bytes); } catch (e) { assert.ok(e instanceof ImageError, `${name}: ${e}`); }
      continue;
    }
    decodedByPil++;
    let img;
    try {
      img = await decodeImage(bytes);
    } catch (e) {
      assert.ok(e instanceof ImageError, `${name}: ${e}`);
      refused.push(`${name} (${e.code}: ${e.message})`);
      continue;
    }
    const px = readFileSync(path.join(out, ref.file));
    let max = 0;
    if (img.width !== ref.width || img.height !== ref.height) max = Infinity;
    else for (let i = 0; i < px.length; i++) max = Math.max(max, Math.abs(px[i] - img.data[i]));
    if (max <= (/\.jpe?g$/i.test(name) ? 3 : 1)) within++;
    else differ.push(`${name} (${max === Infinity ? `${img.width}x${img.height} vs ${ref.width}x${ref.height}` : `max ${max}`})`);
  }
  console.log(`# ${files.length} files; PIL decodes ${decodedByPil}; clipfind refuses ${refused.length}, differs beyond tolerance on ${differ.length}; ${within} (${(100 * within / decodedByPil).toFixed(1)}%) within tolerance`);
  for (const r of refused) console.log(`#   refused: ${r}`);
  for (const d of differ) console.log(`#   differs: ${d}`);
  assert.deepEqual(refused, [], 'refused files PIL decodes');
  assert.ok(within >= 0.98 * decodedByPil, `${within} of ${decodedByPil} within tolerance`);
});
