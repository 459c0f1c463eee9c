#include "index/maxsim_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace clipfind::maxsim {
namespace {

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef int16_t v8s __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, 16);
  return v;
}
inline v8s load8(const int16_t* p) {
  v8s v;
  std::memcpy(&v, p, 16);
  return v;
}

inline v4f vmax(v4f a, v4f b) {
#if defined(__wasm_simd128__)
  return (v4f)wasm_f32x4_pmax((v128_t)a, (v128_t)b);
#elif defined(__SSE2__)
  return (v4f)_mm_max_ps((__m128)a, (__m128)b);
#else
  return v4f{std::max(a[0], b[0]), std::max(a[1], b[1]), std::max(a[2], b[2]), std::max(a[3], b[3])};
#endif
}

// acc + the pairwise products of a and b summed in pairs (i32x4.dot_i16x8 / pmaddwd).
inline v4i dot_acc(v4i acc, v8s a, v8s b) {
#if defined(__wasm_simd128__)
  return acc + (v4i)wasm_i32x4_dot_i16x8((v128_t)a, (v128_t)b);
#elif defined(__SSE2__)
  return acc + (v4i)_mm_madd_epi16((__m128i)a, (__m128i)b);
#else
  for (int j = 0; j < 4; ++j) acc[j] += int32_t(a[2 * j]) * b[2 * j] + int32_t(a[2 * j + 1]) * b[2 * j + 1];
  return acc;
#endif
}

// Token groups (of four) per pass: two rows × G groups of accumulators, the two rows' values and their
// broadcasts stay in the 16 SIMD registers of x86-64 (which V8 maps SIMD128 onto) up to G = 5. At
// 1,000 pages × 1,030 × 128 and 20 tokens (5 groups, one pass) in V8: G <= 4 (passes of 2 + 3) was
// 1.2x slower, and scalar loads + splats instead of lane shuffles 1.6x slower.
constexpr size_t kMaxGroups = 5;

// Two rows against G groups of four tokens (qt already offset to the pass's first token).
template <int G>
void rows2_f32(const float* qt, size_t tpad, size_t dim, const float* r0, const float* r1, float* best) {
  v4f a0[G], a1[G];
  for (int g = 0; g < G; ++g) a0[g] = a1[g] = v4f{0, 0, 0, 0};
  auto step = [&](const float* q, v4f s0, v4f s1) {
    for (int g = 0; g < G; ++g) {
      const v4f qq = load4(q + 4 * g);
      a0[g] += s0 * qq;
      a1[g] += s1 * qq;
    }
  };
  size_t i = 0;
  // Four values of each row per load, broadcast by lane shuffles (one pshufd each in V8) rather than
  // four scalar loads and splats.
  for (; i + 4 <= dim; i += 4) {
    const v4f x0 = load4(r0 + i), x1 = load4(r1 + i);
    step(qt + i * tpad, __builtin_shufflevector(x0, x0, 0, 0, 0, 0), __builtin_shufflevector(x1, x1, 0, 0, 0, 0));
    step(qt + (i + 1) * tpad, __builtin_shufflevector(x0, x0, 1, 1, 1, 1), __builtin_shufflevector(x1, x1, 1, 1, 1, 1));
    step(qt + (i + 2) * tpad, __builtin_shufflevector(x0, x0, 2, 2, 2, 2), __builtin_shufflevector(x1, x1, 2, 2, 2, 2));
    step(qt + (i + 3) * tpad, __builtin_shufflevector(x0, x0, 3, 3, 3, 3), __builtin_shufflevector(x1, x1, 3, 3, 3, 3));
  }
  for (; i < dim; ++i) step(qt + i * tpad, v4f{r0[i], r0[i], r0[i], r0[i]}, v4f{r1[i], r1[i], r1[i], r1[i]});
  for (int g = 0; g < G; ++g) {
    const v4f m = vmax(load4(best + 4 * g), vmax(a0[g], a1[g]));
    std::memcpy(best + 4 * g, &m, 16);
  }
}

template <int G>
void rows2_i8(const int16_t* qp, size_t tpad, size_t pairs, const int16_t* r0, const int16_t* r1, float s0, float s1, float* best) {
  v4i a0[G], a1[G];
  for (int g = 0; g < G; ++g) a0[g] = a1[g] = v4i{0, 0, 0, 0};
  for (size_t p = 0; p < pairs; ++p) {
    int32_t w0, w1;
    std::memcpy(&w0, r0 + 2 * p, 4);
    std::memcpy(&w1, r1 + 2 * p, 4);
    const v8s x0 = (v8s)v4i{w0, w0, w0, w0}, x1 = (v8s)v4i{w1, w1, w1, w1};
    const int16_t* q = qp + p * tpad * 2;
    for (int g = 0; g < G; ++g) {
      const v8s qq = load8(q + 8 * g);
      a0[g] = dot_acc(a0[g], x0, qq);
      a1[g] = dot_acc(a1[g], x1, qq);
    }
  }
  const v4f f0 = {s0, s0, s0, s0}, f1 = {s1, s1, s1, s1};
  for (int g = 0; g < G; ++g) {
    const v4f m = vmax(load4(best + 4 * g), vmax(__builtin_convertvector(a0[g], v4f) * f0, __builtin_convertvector(a1[g], v4f) * f1));
    std::memcpy(best + 4 * g, &m, 16);
  }
}

// Calls pass(first token, groups) over passes of at most kMaxGroups groups, sized evenly (20 tokens:
// one pass of 5 groups; 32 tokens: two of 4), so no pass is left with one starved group.
template <class F>
void for_each_pass(size_t tpad, F&& pass) {
  const size_t groups = tpad / 4, passes = (groups + kMaxGroups - 1) / kMaxGroups;
  for (size_t p = 0, g0 = 0; p < passes; ++p) {
    const size_t g = (groups - g0) / (passes - p);
    pass(g0 * 4, g);
    g0 += g;
  }
}

template <class F>
void dispatch(size_t groups, F&& f) {
  switch (groups) {
    case 1: f.template operator()<1>(); break;
    case 2: f.template operator()<2>(); break;
    case 3: f.template operator()<3>(); break;
    case 4: f.template operator()<4>(); break;
    default: f.template operator()<5>(); break;
  }
}

// Exact binary16 → float: the bits moved into a float's fields (value × 2^-112), then rescaled.
// Stored values are finite (the index never stores inf/NaN), so no special cases.
inline void widen_half(const uint16_t* h, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = (uint32_t(h[i] & 0x8000u) << 16) | (uint32_t(h[i] & 0x7FFFu) << 13);
    float f;
    std::memcpy(&f, &bits, 4);
    out[i] = f * 0x1p112f;
  }
}

}  // namespace

std::vector<float> transpose_query(const float* q, size_t tokens, size_t dim) {
  const size_t tpad = padded_tokens(tokens);
  std::vector<float> qt(dim * tpad, 0.0f);
  for (size_t t = 0; t < tokens; ++t)
    for (size_t i = 0; i < dim; ++i) qt[i * tpad + t] = q[t * dim + i];
  return qt;
}

QuantQuery quantize_query(const float* q, size_t tokens, size_t dim) {
  const size_t tpad = padded_tokens(tokens), pairs = (dim + 1) / 2;
  // i16 × i8 products are summed in i32 lanes: dim × 127 × qmax must stay below 2^31.
  const double limit = 2147483647.0 / (double(dim) * 127.0 * 1.01);
  const float qmax = float(std::min(32767.0, std::floor(limit)));
  QuantQuery out{std::vector<int16_t>(pairs * tpad * 2, 0), std::vector<float>(tpad, 0.0f)};
  for (size_t t = 0; t < tokens; ++t) {
    const float* v = q + t * dim;
    float maxabs = 0;
    for (size_t i = 0; i < dim; ++i) maxabs = std::max(maxabs, std::fabs(v[i]));
    const float scale = maxabs / qmax;
    out.scale[t] = scale;
    if (scale == 0) continue;
    for (size_t i = 0; i < dim; ++i) out.pairs[((i / 2) * tpad + t) * 2 + i % 2] = int16_t(std::nearbyint(v[i] / scale));
  }
  return out;
}

void max_f32(const float* qt, size_t tpad, size_t dim, const float* rows, size_t count, float* best) {
  for_each_pass(tpad, [&](size_t t0, size_t groups) {
    dispatch(groups, [&]<int G>() {
      size_t r = 0;
      for (; r + 2 <= count; r += 2) rows2_f32<G>(qt + t0, tpad, dim, rows + r * dim, rows + (r + 1) * dim, best + t0);
      if (r < count) rows2_f32<G>(qt + t0, tpad, dim, rows + r * dim, rows + r * dim, best + t0);
    });
  });
}

void max_f16(const float* qt, size_t tpad, size_t dim, const uint16_t* rows, size_t count, float* best) {
  // Two rows widened at a time into a small buffer, scanned by the f32 kernel (each widening is
  // paid once per row and pass, against tokens × dim multiply-adds).
  std::vector<float> buf(2 * dim);
  for_each_pass(tpad, [&](size_t t0, size_t groups) {
    dispatch(groups, [&]<int G>() {
      for (size_t r = 0; r < count; r += 2) {
        const bool two = r + 1 < count;
        widen_half(rows + r * dim, dim, buf.data());
        if (two) widen_half(rows + (r + 1) * dim, dim, buf.data() + dim);
        rows2_f32<G>(qt + t0, tpad, dim, buf.data(), two ? buf.data() + dim : buf.data(), best + t0);
      }
    });
  });
}

void max_i8(const QuantQuery& q, size_t tpad, size_t dim, const int8_t* rows, const float* scale, size_t count, float* best) {
  // Rows widened to i16 (padded to whole pairs) two at a time; each pair of values then feeds
  // one dot_i16x8 per four tokens.
  const size_t pairs = (dim + 1) / 2;
  std::vector<int16_t> buf(4 * pairs, 0);
  int16_t* w0 = buf.data();
  int16_t* w1 = buf.data() + 2 * pairs;
  for_each_pass(tpad, [&](size_t t0, size_t groups) {
    dispatch(groups, [&]<int G>() {
      for (size_t r = 0; r < count; r += 2) {
        const size_t r1 = r + 1 < count ? r + 1 : r;
        for (size_t i = 0; i < dim; ++i) w0[i] = rows[r * dim + i];
        for (size_t i = 0; i < dim; ++i) w1[i] = rows[r1 * dim + i];
        rows2_i8<G>(q.pairs.data() + t0 * 2, tpad, pairs, w0, w1, scale[r], scale[r1], best + t0);
      }
    });
  });
}

}  // namespace clipfind::maxsim
