#include "index/kernels.hpp"

#include <cstring>
#include <vector>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace clipfind::kernels {
namespace {

// GCC/Clang vector extensions lower to SIMD128 in wasm and to SSE natively.
typedef float v4f __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, 16);
  return v;
}

inline float hsum(v4f v) { return (v[0] + v[1]) + (v[2] + v[3]); }

// Eight binary16 values as f32 vectors holding value × 2^-112: each half's sign, exponent and
// mantissa moved into a float's fields without rebiasing the exponent (a half subnormal lands on a
// float subnormal). A query scaled by 2^112 (half_query) times these gives exactly q × value, so
// scores equal a plain conversion's. The moves work on the eight halves as four 32-bit lanes of two
// halves each, with no lane shuffles: `even` gets halves 0, 2, 4, 6 (moved to the top, then one
// arithmetic shift and a mask), `odd` halves 1, 3, 5, 7 (already on top: one shift, one mask that
// also clears the even half's bits below). half_query orders each 8 query values to match:
// q0 q2 q4 q6 q1 q3 q5 q7. Five integer operations per eight values, no shuffle. (Placing each half
// in the top of a lane with an i8x16.shuffle, then shift and mask, is six per eight, and V8 lowers a
// shuffle with zeroed bytes to several instructions: 28 ms against 13.6 for this, row by row, at
// 100k x 512.)
constexpr int32_t kEvenMask = int32_t(0x8FFFFFFFu), kOddMask = int32_t(0x8FFFE000u);
inline void load8_half_scaled(const uint16_t* p, v4f& even, v4f& odd) {
#if defined(__wasm_simd128__)
  const v128_t w = wasm_v128_load(p);
  const v128_t e = wasm_v128_and(wasm_i32x4_shr(wasm_i32x4_shl(w, 16), 3), wasm_i32x4_splat(kEvenMask));
  const v128_t o = wasm_v128_and(wasm_i32x4_shr(w, 3), wasm_i32x4_splat(kOddMask));
  std::memcpy(&even, &e, 16);
  std::memcpy(&odd, &o, 16);
#elif defined(__SSE2__)
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i e = _mm_and_si128(_mm_srai_epi32(_mm_slli_epi32(w, 16), 3), _mm_set1_epi32(kEvenMask));
  const __m128i o = _mm_and_si128(_mm_srai_epi32(w, 3), _mm_set1_epi32(kOddMask));
  std::memcpy(&even, &e, 16);
  std::memcpy(&odd, &o, 16);
#else
  uint32_t t[8];
  for (int i = 0; i < 8; ++i) {
    const uint16_t h = p[(i % 4) * 2 + i / 4];
    t[i] = (uint32_t(h & 0x8000u) << 16) | (uint32_t(h & 0x7FFFu) << 13);
  }
  std::memcpy(&even, t, 16);
  std::memcpy(&odd, t + 4, 16);
#endif
}

// One half as value × 2^-112 (the scalar tail of the same conversion).
inline float half_scaled(uint16_t h) {
  const uint32_t bits = (uint32_t(h & 0x8000u) << 16) | (uint32_t(h & 0x7FFFu) << 13);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace

float dot_f32(const float* a, const float* b, size_t n) {
  v4f s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += load4(a + i) * load4(b + i);
    s1 += load4(a + i + 4) * load4(b + i + 4);
    s2 += load4(a + i + 8) * load4(b + i + 8);
    s3 += load4(a + i + 12) * load4(b + i + 12);
  }
  for (; i + 4 <= n; i += 4) s0 += load4(a + i) * load4(b + i);
  float s = hsum((s0 + s1) + (s2 + s3));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

std::vector<float> half_query(const float* q, size_t n) {
  std::vector<float> out(n);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (size_t j = 0; j < 8; ++j) out[i + j] = q[i + (j % 4) * 2 + j / 4] * kHalfQueryScale;  // evens, then odds
  for (; i < n; ++i) out[i] = q[i] * kHalfQueryScale;
  return out;
}

float dot_f16(const float* q, const uint16_t* v, size_t n) { return dot_f16_half_query(half_query(q, n).data(), v, n); }

void dot_f16_rows(const float* q, const uint16_t* rows, size_t dim, size_t count, float* out) {
  dot_f16_rows_half_query(half_query(q, dim).data(), rows, dim, count, out);
}

// Eight halves per step into one accumulator: the order the tile kernel below sums each row in, so
// both give the same scores bit for bit (this one serves rows stored one after another).
float dot_f16_half_query(const float* q, const uint16_t* v, size_t n) {
  v4f s = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4f e, o;
    load8_half_scaled(v + i, e, o);
    s += load4(q + i) * e + load4(q + i + 4) * o;
  }
  float sum = hsum(s);
  for (; i < n; ++i) sum += q[i] * half_scaled(v[i]);
  return sum;
}

// Four rows per step from one tile (HalfTiles): each 8 query values are loaded once and widened
// halves of the four rows go into four accumulators, one per row (independent chains hide the add
// latency). One accumulator per row rather than two: eight accumulators plus the query and the
// mask outgrow the 16 SIMD registers V8 allocates on x86-64 and spill (measured 13.8 ms against
// 11.8 at 100k x 512).
void dot_f16_tiles_half_query(const float* q, const uint16_t* tiles, size_t dim, size_t count, float* out) {
  constexpr size_t kRows = 4;
  const size_t body = dim / 8 * 8, tail = dim - body;
  for (size_t first = 0; first < count; first += kRows, tiles += kRows * dim) {
    v4f s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    const uint16_t* p = tiles;
    for (size_t i = 0; i < body; i += 8, p += 8 * kRows) {
      const v4f qe = load4(q + i), qo = load4(q + i + 4);
      v4f e, o;
      load8_half_scaled(p, e, o);
      s0 += qe * e + qo * o;
      load8_half_scaled(p + 8, e, o);
      s1 += qe * e + qo * o;
      load8_half_scaled(p + 16, e, o);
      s2 += qe * e + qo * o;
      load8_half_scaled(p + 24, e, o);
      s3 += qe * e + qo * o;
    }
    float sum[kRows] = {hsum(s0), hsum(s1), hsum(s2), hsum(s3)};
    for (size_t r = 0; r < kRows; ++r)
      for (size_t j = 0; j < tail; ++j) sum[r] += q[body + j] * half_scaled(p[r * tail + j]);
    for (size_t r = 0; r < kRows && first + r < count; ++r) out[first + r] = sum[r];
  }
}

void dot_f16_tiles(const float* q, const uint16_t* tiles, size_t dim, size_t count, float* out) {
  dot_f16_tiles_half_query(half_query(q, dim).data(), tiles, dim, count, out);
}

int32_t dot_i8(const int16_t* q, const int8_t* v, size_t n) {
  size_t i = 0;
  int32_t s = 0;
#if defined(__wasm_simd128__)
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = acc0;
  for (; i + 16 <= n; i += 16) {
    const v128_t x = wasm_v128_load(v + i);
    acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(x), wasm_v128_load(q + i)));
    acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(x), wasm_v128_load(q + i + 8)));
  }
  const v128_t acc = wasm_i32x4_add(acc0, acc1);
  s = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) +
      wasm_i32x4_extract_lane(acc, 3);
#elif defined(__SSE2__)
  __m128i acc0 = _mm_setzero_si128(), acc1 = acc0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i));
    const __m128i sign = _mm_cmpgt_epi8(_mm_setzero_si128(), x);
    const __m128i lo = _mm_unpacklo_epi8(x, sign), hi = _mm_unpackhi_epi8(x, sign);
    acc0 = _mm_add_epi32(acc0, _mm_madd_epi16(lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i))));
    acc1 = _mm_add_epi32(acc1, _mm_madd_epi16(hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i + 8))));
  }
  alignas(16) int32_t lanes[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), _mm_add_epi32(acc0, acc1));
  s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
#endif
  for (; i < n; ++i) s += int32_t(q[i]) * int32_t(v[i]);
  return s;
}

// The rows kernels scan row by row: one sequential stream. Four rows at a time (each query load
// serving four) was slower at 100k x 512 in V8 on x86-64 (median ms, four rows / one row: f32 31 / 24,
// f16 30 / 20, i8 17 / 7.6; the streaming probe over the f32 bytes 22): four streams a row apart
// are fetched worse than one. (f16 scans tiles of four rows interleaved so that they are one
// stream: dot_f16_tiles_half_query.)
void dot_f32_rows(const float* q, const float* rows, size_t dim, size_t count, float* out) {
  for (size_t r = 0; r < count; ++r) out[r] = dot_f32(q, rows + r * dim, dim);
}

void dot_f16_rows_half_query(const float* q, const uint16_t* rows, size_t dim, size_t count, float* out) {
  for (size_t r = 0; r < count; ++r) out[r] = dot_f16_half_query(q, rows + r * dim, dim);
}

void dot_i8_rows(const int16_t* q, const int8_t* rows, size_t dim, size_t count, int32_t* out) {
  for (size_t r = 0; r < count; ++r) out[r] = dot_i8(q, rows + r * dim, dim);
}

float stream_sum_f32(const float* p, size_t n) {
  v4f s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += load4(p + i);
    s1 += load4(p + i + 4);
    s2 += load4(p + i + 8);
    s3 += load4(p + i + 12);
  }
  float s = hsum((s0 + s1) + (s2 + s3));
  for (; i < n; ++i) s += p[i];
  return s;
}

}  // namespace clipfind::kernels
