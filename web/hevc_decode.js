// HEIC's HEVC decoded with libde265 directly, through the C functions libheif-js's module exports,
// and YCbCr converted to RGB as libheif's heif-convert (Debian's libheif 1.15) does.
//
// Why: libheif's Emscripten build turns libde265's deblocking and SAO filters off for speed, so
// libheif-js's own decode is not the stream's picture (chroma off by a level in places, up to 4
// levels in RGB). With the filters on (libde265's default) the planes equal Debian's libde265's, and
// the conversion below equals libheif 1.15's: nearest-neighbour chroma, float coefficients from the
// nclx matrix (the item's colr box, else the stream's VUI), limited range expanded as libheif does.
// The C++ core found the data (src/image/hevc_plan.hpp); anything it did not describe, libheif decodes.

const f32 = Math.fround;

// heif::get_Kr_Kb and YCbCr_to_RGB_coefficients of libheif 1.15 (nclx.cc), in float as there.
function coefficients(matrix) {
  const k = { 1: [0.2126, 0.0722], 4: [0.30, 0.11], 5: [0.299, 0.114], 6: [0.299, 0.114], 7: [0.212, 0.087], 9: [0.2627, 0.0593], 10: [0.2627, 0.0593] }[matrix];
  if (!k) return { rCr: f32(1.402), gCb: f32(-0.344136), gCr: f32(-0.714136), bCb: f32(1.772) };
  const kr = f32(k[0]), kb = f32(k[1]), den = f32(f32(kb + kr) - 1);
  return {
    rCr: f32(2 * f32(-kr + 1)),
    gCb: f32(f32(f32(2 * kb) * f32(-kb + 1)) / den),
    gCr: f32(f32(f32(2 * kr) * f32(-kr + 1)) / den),
    bCb: f32(2 * f32(-kb + 1)),
  };
}

// libheif's clip_f_u16 for 8 bits: (long)(x + 0.5f), clamped.
const clip = (x) => {
  const v = Math.trunc(f32(x + 0.5));
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

const LIMITED_Y = f32(1.1689), LIMITED_C = f32(1.1429);

/** Op_YCbCr_to_RGB<uint8_t> of libheif 1.15, writing a w x h tile into RGBA at (x0, y0). */
function convertTile(p, nclx, out, outWidth, x0, y0, w, h) {
  const { matrix, fullRange } = nclx;
  const c = coefficients(matrix);
  const { y: Y, cb: Cb, cr: Cr, yStride, cStride, shiftH, shiftV } = p;
  for (let y = 0; y < h; y++) {
    let o = ((y0 + y) * outWidth + x0) * 4;
    const yRow = y * yStride, cRow = (y >> shiftV) * cStride;
    for (let x = 0; x < w; x++, o += 4) {
      const ci = cRow + (x >> shiftH);
      let yv = Y[yRow + x], cb = Cb[ci], cr = Cr[ci];
      if (matrix === 0) {  // GBR
        out[o] = fullRange ? cr : ((cr * 219 + 128) >> 8) + 16;
        out[o + 1] = fullRange ? yv : ((yv * 219 + 128) >> 8) + 16;
        out[o + 2] = fullRange ? cb : ((cb * 219 + 128) >> 8) + 16;
      } else if (matrix === 8) {  // YCgCo
        cb -= 128;
        cr -= 128;
        out[o] = Math.min(255, Math.max(0, yv - cb + cr));
        out[o + 1] = Math.min(255, Math.max(0, yv + cb));
        out[o + 2] = Math.min(255, Math.max(0, yv - cb - cr));
      } else {
        cb -= 128;
        cr -= 128;
        if (!fullRange) {
          yv = f32(f32(yv - 16) * LIMITED_Y);
          cb = f32(cb * LIMITED_C);
          cr = f32(cr * LIMITED_C);
        }
        out[o] = clip(f32(yv + f32(c.rCr * cr)));
        out[o + 1] = clip(f32(f32(yv + f32(c.gCb * cb)) + f32(c.gCr * cr)));
        out[o + 2] = clip(f32(yv + f32(c.bCb * cb)));
      }
      out[o + 3] = 255;
    }
  }
}

class Unsupported extends Error {}

/** One tile's picture from libde265: planes copied out of the heap, and its VUI colour. */
function decodeTile(L, base, tile, corrupt) {
  const ctx = L._de265_new_decoder();
  const scratch = L._malloc(8);
  try {
    const ps = tile.parameterSets, data = tile.data, n = tile.nalLengthSize;
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
      planes: { y: y.data, cb: cb.data, cr: cr.data, yStride: y.stride, cStride: cb.stride, shiftH: chroma === 3 ? 0 : 1, shiftV: chroma === 1 ? 1 : 0 },
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
 * @param L libheif-js's module  @param plan header.hevc from the core  @param corrupt (why) => ImageError
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
      convertTile(t.planes, nclx, rgba, width, x0, y0, Math.min(t.width, width - x0), Math.min(t.height, height - y0));
    }
    return { rgba, width, height };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  } finally {
    L._free(base);
  }
}
