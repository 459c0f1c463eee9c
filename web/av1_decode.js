// AVIF's AV1 decoded with dav1d (web/wasm/dav1d.*: Debian 12's dav1d 1.0.0, built by
// cmake/dav1d_wasm.cmake) to YCbCr planes, and converted to RGB as libheif's heif-convert does
// (web/ycbcr_to_rgb.js). AV1 decoding is exact by specification, so the planes are those Debian's
// libheif gets from its own dav1d or libaom; the conversion is libheif 1.15's. The C++ core found
// the data (src/image/coded_plan.hpp): the av1C config OBUs and the item's OBUs, per tile of a grid.
import createDav1dModule from './wasm/dav1d.mjs';
import { isNode, nodeImport } from './env.js';
import { ycbcrToRgba } from './ycbcr_to_rgb.js';

/** The dav1d module, instantiated as web/wasm.js instantiates the core (wasmBinary in Node). */
export async function loadDav1d() {
  const wasmUrl = new URL('./wasm/dav1d.wasm', import.meta.url);
  if (isNode) {
    const { readFile } = await nodeImport('node:fs/promises');
    return createDav1dModule({ wasmBinary: await readFile(wasmUrl) });
  }
  return createDav1dModule({ locateFile: (file) => (file.endsWith('.wasm') ? wasmUrl.href : file) });
}

class Unsupported extends Error {}

const ERRNO = { 12: 'out of memory', 22: 'invalid data', 42: 'no picture', 11: 'no picture (data ends early)' };

/** Decodes one tile and converts it straight from the module's heap; frees it after. */
function decodeTile(D, bytes, tile, maxPixels, corrupt, convert) {
  const ranges = [...tile.config, ...tile.data];
  let size = 0;
  for (let i = 1; i < ranges.length; i += 2) size += ranges[i];
  const buf = D._malloc(Math.max(size, 1));
  const info = D._malloc(16 * 4);
  if (!buf || !info) throw corrupt('out of memory');
  try {
    let at = buf;
    for (let i = 0; i < ranges.length; i += 2) {
      D.HEAPU8.set(bytes.subarray(ranges[i], ranges[i] + ranges[i + 1]), at);
      at += ranges[i + 1];
    }
    const res = D._cf_av1_decode(buf, size, info, maxPixels);
    if (res < 0) throw corrupt(`dav1d: ${ERRNO[-res] ?? `error ${-res}`}`);
    const v = D.HEAP32.subarray(info >> 2, (info >> 2) + 13);
    const [width, height, layout, bits, py, pu, pv, yStride, cStride, matrix, fullRange] = v;
    if (layout === 0) throw new Unsupported();  // monochrome: libheif converts it otherwise
    const wide = bits > 8, unit = wide ? 2 : 1;
    const H = wide ? D.HEAPU16 : D.HEAPU8;
    const cHeight = layout === 1 ? (height + 1) >> 1 : height;
    const plane = (ptr, stride, rows) => H.subarray(ptr / unit, ptr / unit + (stride / unit) * rows);
    convert(width, height, {
      y: plane(py, yStride, height), cb: plane(pu, cStride, cHeight), cr: plane(pv, cStride, cHeight),
      yStride: yStride / unit, cStride: cStride / unit,
      shiftH: layout === 3 ? 0 : 1, shiftV: layout === 1 ? 1 : 0, bits,
    }, { matrix, fullRange: fullRange !== 0 });
  } finally {
    D._cf_av1_release();
    D._free(info);
    D._free(buf);
  }
}

/**
 * The primary image of an AVIF as RGBA (before irot/imir), or null where another decoder should
 * (monochrome).
 * @param D the dav1d module  @param plan header.plan from the core (codec 'av1')
 * @param maxPixels dav1d's frame size limit  @param corrupt (why) => ImageError
 */
export function decodeAv1Plan(D, bytes, plan, maxPixels, corrupt) {
  const { width, height, columns, tileWidth, tileHeight } = plan;
  const rgba = new Uint8Array(width * height * 4);
  try {
    for (const [i, tile] of plan.tiles.entries()) {
      const x0 = (i % columns) * tileWidth, y0 = Math.floor(i / columns) * tileHeight;
      decodeTile(D, bytes, tile, maxPixels, corrupt, (w, h, planes, vui) => {
        // The item's colr nclx wins over the sequence header's, as in libheif.
        const nclx = tile.matrix >= 0 ? { matrix: tile.matrix, fullRange: tile.fullRange === 1 } : vui;
        ycbcrToRgba(planes, nclx, rgba, width, x0, y0, Math.min(w, width - x0), Math.min(h, height - y0));
      });
    }
    return { rgba, width, height };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}
