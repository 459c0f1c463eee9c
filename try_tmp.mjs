import { readFileSync } from 'node:fs';
import { decodeForeign } from './web/image_codecs.js';
const dir = '/tmp/f22/fx/';
for (const [f, kind] of [['lossless.webp','webp'],['exif6.webp','webp'],['plain.heic','heif'],['grid.heic','heif'],['two-images.heic','heif'],['orientation6.heic','heif'],['plain.avif','avif'],['orientation6.avif','avif']]) {
  const t = performance.now();
  const r = await decodeForeign(readFileSync(dir + f), { kind, name: kind, orientation: 9 });
  console.log(f, r.width, r.height, r.orientation, r.rgba.length, Array.from(r.rgba.slice(0, 8)).join(','), (performance.now() - t).toFixed(0), 'ms');
}
for (const [f, kind] of [['plain.heic','heif'],['plain.avif','avif'],['lossy.webp','webp']]) {
  const b = readFileSync(dir + f);
  for (const cut of [b.length >> 1, b.length - 10]) {
    try { await decodeForeign(b.subarray(0, cut), { kind, name: kind.toUpperCase() }); console.log(f, cut, 'decoded!'); } catch (e) { console.log(f, cut, e.code, e.message); }
  }
}
console.log('ImageData global?', typeof globalThis.ImageData);
