// YCbCr planes (from libde265 or dav1d) to RGB exactly as libheif 1.15's heif-convert (Debian 12)
// converts them, for HEIC (web/hevc_decode.js) and AVIF (web/av1_decode.js).
//
// libheif's decode_image_planar converts every decoded picture (and every tile of a grid) to planar RGB
// 4:4:4 first, so one operation does it all: Op_YCbCr_to_RGB, single-precision floats (Math.fround
// here), nearest-neighbour chroma, the nclx matrix's coefficients, limited range expanded by libheif's
// factors. Its cheaper 4:2:0-to-interleaved operations are never reached that way (tested: with them
// the pixels differ by a level). For more than 8 bits heif-convert writes a 16-bit PNG (value << 6 |
// value >> 4 for 10 bits), whose high byte, which PIL reads, is value >> (bits - 8).

const f32 = Math.fround;

// heif::get_Kr_Kb and get_YCbCr_to_RGB_coefficients of libheif 1.15 (nclx.cc), in float as there.
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

// clip_f_u16: (long)(x + 0.5f), clamped to [0, max].
const clipF = (x, max) => {
  const v = Math.trunc(f32(x + 0.5));
  return v < 0 ? 0 : v > max ? max : v;
};
const clip8 = (v) => (v < 0 ? 0 : v > 255 ? 255 : v);
const LIMITED_Y = f32(1.1689), LIMITED_C = f32(1.1429);

/**
 * Converts a w x h picture (or grid tile) into RGBA at (x0, y0) of `out` (outWidth pixels wide).
 * @param p {y, cb, cr: Uint8Array|Uint16Array, yStride, cStride: in samples, shiftH, shiftV, bits}
 * @param nclx {matrix, fullRange}
 */
export function ycbcrToRgba(p, nclx, out, outWidth, x0, y0, w, h) {
  const { matrix, fullRange } = nclx;
  const c = coefficients(matrix);
  const { y: Y, cb: Cb, cr: Cr, yStride, cStride, shiftH, shiftV, bits } = p;
  const max = (1 << bits) - 1, half = 1 << (bits - 1), down = bits - 8;
  const offsetInt = 16 << (bits - 8), offset = f32(offsetInt);
  for (let y = 0; y < h; y++) {
    let o = ((y0 + y) * outWidth + x0) * 4;
    const yRow = y * yStride, cRow = (y >> shiftV) * cStride;
    for (let x = 0; x < w; x++, o += 4) {
      const ci = cRow + (x >> shiftH);
      const yv = Y[yRow + x], cbv = Cb[ci], crv = Cr[ci];
      let r, g, b;
      if (matrix === 0) {  // GBR
        r = fullRange ? crv : ((crv * 219 + 128) >> 8) + offsetInt;
        g = fullRange ? yv : ((yv * 219 + 128) >> 8) + offsetInt;
        b = fullRange ? cbv : ((cbv * 219 + 128) >> 8) + offsetInt;
      } else if (matrix === 8) {  // YCgCo, clipped to 8 bits at any depth as there
        const cb = cbv - half, cr = crv - half;
        r = clip8(yv - cb + cr);
        g = clip8(yv + cb);
        b = clip8(yv - cb - cr);
      } else {
        let yf = yv, cb = cbv - half, cr = crv - half;
        if (!fullRange) {
          yf = f32(f32(yf - offset) * LIMITED_Y);
          cb = f32(cb * LIMITED_C);
          cr = f32(cr * LIMITED_C);
        }
        r = clipF(f32(yf + f32(c.rCr * cr)), max);
        g = clipF(f32(f32(yf + f32(c.gCb * cb)) + f32(c.gCr * cr)), max);
        b = clipF(f32(yf + f32(c.bCb * cb)), max);
      }
      out[o] = r >> down;
      out[o + 1] = g >> down;
      out[o + 2] = b >> down;
      out[o + 3] = 255;
    }
  }
}
