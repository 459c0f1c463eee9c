/* The AV1 decoder module of the browser/Node build (web/wasm/dav1d.{mjs,wasm}): dav1d behind two C
 * functions, so web/av1_decode.js gets one coded image's YUV planes as libheif's dav1d plugin gets
 * them (same settings: one layer, film grain applied) and converts them to RGB itself. Built only by
 * Emscripten (cmake/dav1d_wasm.cmake); a separate module because it loads only when an AVIF appears. */
#include <dav1d/dav1d.h>
#include <emscripten/emscripten.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

static Dav1dContext* ctx;
static Dav1dPicture pic;
static int have_pic;

EMSCRIPTEN_KEEPALIVE void cf_av1_release(void) {
  if (have_pic) dav1d_picture_unref(&pic);
  have_pic = 0;
  if (ctx) dav1d_close(&ctx);
}

/* Decodes the OBUs at data[0..size) (the av1C config OBUs followed by the item's data) and fills
 * info[0..12]: width, height, layout (0 I400, 1 I420, 2 I422, 3 I444), bits per component, the Y, U, V
 * plane addresses, the luma and chroma strides in bytes, and the sequence header's matrix
 * coefficients, full-range flag, colour primaries, transfer characteristics. The planes stay valid
 * until cf_av1_release. Returns 0, or a negative errno from dav1d (-EINVAL: corrupt data; -ENOMEM). */
EMSCRIPTEN_KEEPALIVE int cf_av1_decode(const uint8_t* data, size_t size, int32_t* info, int max_pixels) {
  cf_av1_release();
  Dav1dSettings s;
  dav1d_default_settings(&s);
  s.n_threads = 1;  /* no threads in this build; also what makes dav1d never call pthread_create */
  s.max_frame_delay = 1;
  s.all_layers = 0;
  s.frame_size_limit = (unsigned) max_pixels;
  int res = dav1d_open(&ctx, &s);
  if (res < 0) return res;
  Dav1dData d;
  uint8_t* buf = dav1d_data_create(&d, size);
  if (!buf) return DAV1D_ERR(ENOMEM);
  memcpy(buf, data, size);
  int flushed = 0;
  /* As libheif's dav1d plugin: send until the data is consumed, then drain. */
  for (;;) {
    res = dav1d_send_data(ctx, &d);
    if (res < 0 && res != DAV1D_ERR(EAGAIN)) break;
    res = dav1d_get_picture(ctx, &pic);
    if (!flushed && res == DAV1D_ERR(EAGAIN)) {
      if (d.sz == 0) flushed = 1;
      continue;
    }
    break;
  }
  if (d.sz) dav1d_data_unref(&d);
  if (res < 0) return res;
  have_pic = 1;
  info[0] = pic.p.w;
  info[1] = pic.p.h;
  info[2] = (int32_t) pic.p.layout;
  info[3] = pic.p.bpc;
  for (int c = 0; c < 3; ++c) info[4 + c] = (int32_t) (uintptr_t) pic.data[c];
  info[7] = (int32_t) pic.stride[0];
  info[8] = (int32_t) pic.stride[1];
  info[9] = (int32_t) pic.seq_hdr->mtrx;
  info[10] = pic.seq_hdr->color_range;
  info[11] = (int32_t) pic.seq_hdr->pri;
  info[12] = (int32_t) pic.seq_hdr->trc;
  return 0;
}
