#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "common/crc32.hpp"
#include "index/f16.hpp"
#include "index/kernels.hpp"

using namespace clipfind;

TEST(Crc32, StandardCheckValue) {
  const std::string s = "123456789";  // the CRC-32/ISO-HDLC check value from the CRC catalogue
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0xCBF43926u);
  EXPECT_EQ(crc32(nullptr, 0), 0u);
}

TEST(Half, KnownEncodings) {
  EXPECT_EQ(float_to_half(1.0f), 0x3C00);
  EXPECT_EQ(float_to_half(-2.0f), 0xC000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_half(1e6f), 0x7C00);
  EXPECT_EQ(float_to_half(0.1f), 0x2E66);
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000);  // below half of it: zero
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3C00);  // tie rounds to even
  EXPECT_EQ(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
}

TEST(Half, EveryFiniteHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00) continue;
    const float f = half_to_float(uint16_t(h));
    EXPECT_EQ(float_to_half(f), h) << std::hex << h;
  }
}

TEST(Kernels, SimdMatchesScalar) {
  for (size_t n : {1u, 7u, 16u, 33u, 512u}) {
    std::vector<float> a(n), b(n);
    std::vector<uint16_t> h(n);
    std::vector<int8_t> i8(n);
    std::vector<int16_t> q16(n);
    double ref = 0, ref16 = 0, sum = 0;
    int64_t ref8 = 0;
    for (size_t i = 0; i < n; ++i) {
      a[i] = std::sin(float(i) * 0.37f);
      b[i] = std::cos(float(i) * 0.11f);
      h[i] = float_to_half(b[i]);
      i8[i] = int8_t(int(i * 37) % 255 - 127);
      q16[i] = int16_t(int(i * 9973) % 65535 - 32767);
      ref += double(a[i]) * b[i];
      ref16 += double(a[i]) * half_to_float(h[i]);
      ref8 += int64_t(i8[i]) * q16[i];
      sum += a[i];
    }
    EXPECT_NEAR(kernels::dot_f32(a.data(), b.data(), n), ref, 1e-4);
    EXPECT_NEAR(kernels::dot_f16(a.data(), h.data(), n), ref16, 1e-4);
    if (n <= 33) EXPECT_EQ(kernels::dot_i8(q16.data(), i8.data(), n), ref8);
    EXPECT_NEAR(kernels::stream_sum_f32(a.data(), n), sum, 1e-3);
  }
}

// The SIMD f16 kernels move half bits into float fields without rebiasing and pre-scale the query
// by 2^112: for every finite half (subnormals and signs included) and every lane, q = e_lane must
// give exactly the half's value.
TEST(Kernels, F16KernelConvertsEveryHalfExactly) {
  std::vector<uint16_t> v(8);
  std::vector<float> q(8);
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00) continue;
    for (size_t lane = 0; lane < 8; ++lane) {
      std::fill(v.begin(), v.end(), uint16_t(0x3C00));  // 1.0 elsewhere, times q = 0
      std::fill(q.begin(), q.end(), 0.0f);
      v[lane] = uint16_t(h);
      q[lane] = 1.0f;
      const float got = kernels::dot_f16(q.data(), v.data(), 8);
      ASSERT_EQ(got, half_to_float(uint16_t(h))) << std::hex << h << " lane " << lane;
    }
  }
}

TEST(Kernels, F16RowsEqualOneRowAtATime) {
  for (size_t dim : {8u, 24u, 13u}) {
    const size_t count = 7;
    std::vector<float> q(dim);
    std::vector<uint16_t> rows(dim * count);
    for (size_t i = 0; i < dim; ++i) q[i] = std::sin(float(i) + 0.5f);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = float_to_half(std::cos(float(i) * 0.7f) * (i % 5 == 0 ? 1e-6f : 1.0f));
    std::vector<float> out(count);
    kernels::dot_f16_rows(q.data(), rows.data(), dim, count, out.data());
    for (size_t r = 0; r < count; ++r) EXPECT_EQ(out[r], kernels::dot_f16(q.data(), rows.data() + r * dim, dim)) << dim << " row " << r;
  }
}
