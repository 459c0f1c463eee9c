#include "image/resize.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.hpp"

namespace clipfind {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}
double bilinear(double x) {
  if (x < 0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}
double box(double x) { return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0; }
double hamming(double x) {
  if (x < 0) x = -x;
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x = x * M_PI;
  return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
}
double sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * M_PI;
  return std::sin(x) / x;
}
double lanczos(double x) { return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0; }

struct FilterDef {
  double (*fn)(double);
  double support;
};

FilterDef filter_def(Filter f) {
  switch (f) {
    case Filter::Box: return {box, 0.5};
    case Filter::Bilinear: return {bilinear, 1.0};
    case Filter::Hamming: return {hamming, 1.0};
    case Filter::Bicubic: return {bicubic, 2.0};
    case Filter::Lanczos: return {lanczos, 3.0};
    default: return {bicubic, 2.0};
  }
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc, for outputs [first, first + count).
struct Coeffs {
  int ksize = 0;
  std::vector<int> bounds;  // (min, count) per output
  std::vector<int32_t> k;   // ksize per output, fixed point
};

Coeffs precompute(int in_size, int out_size, FilterDef f, int first, int count) {
  const double in0 = 0, in1 = in_size;
  const double scale = (in1 - in0) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = f.support * filterscale;
  Coeffs c;
  c.ksize = int(std::ceil(support)) * 2 + 1;
  c.bounds.resize(size_t(count) * 2);
  c.k.assign(size_t(count) * size_t(c.ksize), 0);
  std::vector<double> w(size_t(c.ksize));
  for (int i = 0; i < count; ++i) {
    const int xx = first + i;
    const double center = in0 + (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = int(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[size_t(x)] = f.fn((x + xmin - center + 0.5) * ss);
      ww += w[size_t(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[size_t(x)] / ww : w[size_t(x)];
      c.k[size_t(i) * size_t(c.ksize) + size_t(x)] =
          v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
    }
    c.bounds[size_t(i) * 2] = xmin;
    c.bounds[size_t(i) * 2 + 1] = xmax;
  }
  return c;
}

inline uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

RgbImage nearest(const RgbImage& in, int out_w, int out_h, const Window& win) {
  // Pillow's ImagingScaleAffine: source coordinate accumulated in double from the pixel centre.
  const double ax = double(in.width) / out_w, ay = double(in.height) / out_h;
  std::vector<int> xin(size_t(win.w));
  double xo = ax * 0.5;
  for (int x = 0; x < win.x; ++x) xo += ax;
  for (int x = 0; x < win.w; ++x, xo += ax) {
    const int xi = xo < 0.0 ? -1 : int(xo);
    xin[size_t(x)] = xi < in.width ? xi : in.width - 1;
  }
  RgbImage out;
  out.width = win.w;
  out.height = win.h;
  out.data.resize(size_t(win.w) * size_t(win.h) * 3);
  double yo = ay * 0.5;
  for (int y = 0; y < win.y; ++y) yo += ay;
  for (int y = 0; y < win.h; ++y, yo += ay) {
    int yi = yo < 0.0 ? -1 : int(yo);
    if (yi >= in.height) yi = in.height - 1;
    for (int x = 0; x < win.w; ++x) std::memcpy(out.px(x, y), in.px(xin[size_t(x)], yi), 3);
  }
  return out;
}

}  // namespace

RgbImage resize(const RgbImage& in, int out_w, int out_h, Filter filter, Window win) {
  if (out_w <= 0 || out_h <= 0) throw Error(ErrorCode::InvalidArgument, "resize: output size must be positive");
  if (win.w < 0) win = {0, 0, out_w, out_h};
  if (win.x < 0 || win.y < 0 || win.w <= 0 || win.h <= 0 || win.x + win.w > out_w || win.y + win.h > out_h)
    throw Error(ErrorCode::InvalidArgument, "resize: window outside the output");
  if (filter == Filter::Nearest) {
    if (out_w == in.width && out_h == in.height) {
      RgbImage out;
      out.width = win.w;
      out.height = win.h;
      out.data.resize(size_t(win.w) * size_t(win.h) * 3);
      for (int y = 0; y < win.h; ++y) std::memcpy(out.px(0, y), in.px(win.x, win.y + y), size_t(win.w) * 3);
      return out;
    }
    return nearest(in, out_w, out_h, win);
  }
  const FilterDef f = filter_def(filter);
  const bool need_h = out_w != in.width;
  const bool need_v = out_h != in.height;

  // Rows of the source the vertical pass will read.
  Coeffs cv;
  int ybox_first = win.y, ybox_last = win.y + win.h;
  if (need_v) {
    cv = precompute(in.height, out_h, f, win.y, win.h);
    ybox_first = cv.bounds[0];
    ybox_last = cv.bounds[size_t(win.h - 1) * 2] + cv.bounds[size_t(win.h - 1) * 2 + 1];
    for (int i = 0; i < win.h; ++i) cv.bounds[size_t(i) * 2] -= ybox_first;
  }

  // Horizontal pass over those rows (or a plain copy of the window's columns).
  RgbImage mid;
  mid.width = win.w;
  mid.height = ybox_last - ybox_first;
  mid.data.resize(size_t(mid.width) * size_t(mid.height) * 3);
  if (need_h) {
    const Coeffs ch = precompute(in.width, out_w, f, win.x, win.w);
    // Each source row widened once to int32 RGBX, so a tap is one 4-lane multiply-add (SIMD128 in
    // wasm, SSE natively); the integer arithmetic is Pillow's, lane by lane.
    typedef int32_t v4i __attribute__((vector_size(16)));
    std::vector<v4i> row(size_t(in.width));
    for (int y = 0; y < mid.height; ++y) {
      const uint8_t* src_row = in.px(0, y + ybox_first);
      for (int x = 0; x < in.width; ++x) row[size_t(x)] = v4i{src_row[x * 3], src_row[x * 3 + 1], src_row[x * 3 + 2], 0};
      for (int x = 0; x < win.w; ++x) {
        const int xmin = ch.bounds[size_t(x) * 2], xmax = ch.bounds[size_t(x) * 2 + 1];
        const int32_t* k = &ch.k[size_t(x) * size_t(ch.ksize)];
        const int32_t half = 1 << (kPrecisionBits - 1);
        v4i acc = {half, half, half, half};
        const v4i* src = row.data() + xmin;
        for (int i = 0; i < xmax; ++i) acc += src[i] * k[i];
        uint8_t* d = mid.px(x, y);
        d[0] = clip8(acc[0]);
        d[1] = clip8(acc[1]);
        d[2] = clip8(acc[2]);
      }
    }
  } else {
    for (int y = 0; y < mid.height; ++y) std::memcpy(mid.px(0, y), in.px(win.x, y + ybox_first), size_t(win.w) * 3);
  }
  if (!need_v) return mid;

  RgbImage out;
  out.width = win.w;
  out.height = win.h;
  out.data.resize(size_t(win.w) * size_t(win.h) * 3);
  const size_t stride = size_t(mid.width) * 3;
  for (int y = 0; y < win.h; ++y) {
    const int ymin = cv.bounds[size_t(y) * 2], ymax = cv.bounds[size_t(y) * 2 + 1];
    const int32_t* k = &cv.k[size_t(y) * size_t(cv.ksize)];
    for (int x = 0; x < win.w; ++x) {
      int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      const uint8_t* src = mid.px(x, ymin);
      for (int i = 0; i < ymax; ++i) {
        const uint8_t* p = src + size_t(i) * stride;
        s0 += p[0] * k[i];
        s1 += p[1] * k[i];
        s2 += p[2] * k[i];
      }
      uint8_t* d = out.px(x, y);
      d[0] = clip8(s0);
      d[1] = clip8(s1);
      d[2] = clip8(s2);
    }
  }
  return out;
}

}  // namespace clipfind
