// HEIC's HEVC decoded with libde265 directly, through the C functions libheif-js's module exports,
// and YCbCr converted to RGB as libheif's heif-convert (Debian's libheif 1.15) does (ycbcr_to_rgb.js).
//
// Why: libheif's Emscripten build turns libde265's deblocking and SAO filters off for speed, so
// libheif-js's own decode is not the stream's picture (chroma off by a level in places, up to 4
// levels in RGB). With the filters on (libde265's default) the planes equal Debian's libde265's, and
// the conversion equals libheif 1.15's, with the nclx matrix of the item's colr box, else the stream's
// VUI. The C++ core found the data (src/image/coded_plan.hpp); anything it did not describe, libheif
// decodes.

import { ycbcrToRgba } from './ycbcr_to_rgb.js';

class Unsupported extends Error {}

/** One tile's picture from libde265: planes copied out of the heap, and its VUI colour. */
function decodeTile(L, base, tile, corrupt) {
  const ctx = L._de265_new_decoder();
  const scratch = L._malloc(8);
  try {
    const ps = tile.config, data = tile.data, n = tile.nalLengthSize;
    for (let i = 0; i < ps.length; i += 2) L._de265_push_NAL(ctx, base + ps[i], ps[i + 1], 0, 0);
    for (let i = 0; i < data.length; i += 2) {
      // The extent holds NAL units, each after an n-byte big-endian length.
      const start = base + data[i], end = start + data[i + 1];
      for (let at = start; at + n <= end;) {
        let len = 0;
        for (let k = 0; k < n; k++) len = len * 256 + L.HEAPU8[at + k];
        at += n;
        if (len > end - at) throw corrupt('libde265: a NAL unit runs past its item');
        L._de265_push_NAL(ctx, at, len, 0, 0);
        at += len;
      }
    }
    L._de265_flush_data(ctx);
    let img = 0;
    for (;;) {
      L.HEAP32[scratch >> 2] = 0;
      const err = L._de265_decode(ctx, scratch);
      if (err !== 0 && err < 1000) break;  // 1000 and above are warnings
      img = L._de265_get_next_picture(ctx) || img;
      if (img || !L.HEAP32[scratch >> 2]) break;
    }
    if (!img) throw corrupt('libde265: no picture decoded');
    const chroma = L._de265_get_chroma_format(img);
    if (chroma === 0 || [0, 1, 2].some((c) => L._de265_get_bits_per_pixel(img, c) !== 8)) throw new Unsupported();
    const plane = (c) => {
      const ptr = L._de265_get_image_plane(img, c, scratch);
      const stride = L.HEAP32[scratch >> 2];
      return { data: L.HEAPU8.slice(ptr, ptr + stride * L._de265_get_image_height(img, c)), stride };
    };
    const y = plane(0), cb = plane(1), cr = plane(2);
    const width = L._de265_get_image_width(img, 0), height = L._de265_get_image_height(img, 0);
    return {
      width, height,
      planes: { y: y.data, cb: cb.data, cr: cr.data, yStride: y.stride, cStride: cb.stride, shiftH: chroma === 3 ? 0 : 1, shiftV: chroma === 1 ? 1 : 0, bits: 8 },
      vui: { matrix: L._de265_get_image_matrix_coefficients(img), fullRange: !!L._de265_get_image_full_range_flag(img) },
    };
  } finally {
    L._free(scratch);
    L._de265_free_decoder(ctx);
  }
}

/**
 * The primary image of a HEIC as RGBA (before irot/imir), or null where libheif should decode it
 * (monochrome or more than 8 bits).
 * @param L libheif-js's module  @param plan header.plan from the core (codec 'hevc')  @param corrupt (why) => ImageError
 */
export function decodeHevcPlan(L, bytes, plan, corrupt) {
  const { width, height, columns, tileWidth, tileHeight } = plan;
  const base = L._malloc(bytes.byteLength);
  if (!base) throw corrupt('out of memory');
  try {
    L.HEAPU8.set(bytes, base);
    const rgba = new Uint8Array(width * height * 4);
    for (const [i, tile] of plan.tiles.entries()) {
      const x0 = (i % columns) * tileWidth, y0 = Math.floor(i / columns) * tileHeight;
      const t = decodeTile(L, base, tile, corrupt);
      const nclx = tile.matrix >= 0 ? { matrix: tile.matrix, fullRange: tile.fullRange === 1 } : t.vui;
      ycbcrToRgba(t.planes, nclx, rgba, width, x0, y0, Math.min(t.width, width - x0), Math.min(t.height, height - y0));
    }
    return { rgba, width, height };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  } finally {
    L._free(base);
  }
}
