// Late-interaction (MaxSim) kernels: for each query token, the largest inner product with any row of
// an item. SIMD128 in WebAssembly, SSE2 natively, scalar otherwise.
//
// The query is laid out once per search, transposed (dimension-major, tokens padded to a multiple of
// four), so one stored value broadcast against four tokens' values gives four products at once: no
// horizontal sums, and each stored row is read once for all tokens of a pass.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipfind::maxsim {

// Tokens padded to a multiple of 4.
inline size_t padded_tokens(size_t tokens) { return (tokens + 3) / 4 * 4; }

// A query (tokens × dim, row-major) transposed to dim × padded_tokens (padding tokens are zero).
std::vector<float> transpose_query(const float* q, size_t tokens, size_t dim);

// i8 storage: each token quantized to i16 with its own scale (value = q16 × scale), laid out as
// pairs of dimensions per four tokens (the operand order of i32x4.dot_i16x8 / pmaddwd):
// for pair p and token group g: t0[2p] t0[2p+1] t1[2p] t1[2p+1] ... t3[2p+1].
struct QuantQuery {
  std::vector<int16_t> pairs;  // (dim+1)/2 × padded_tokens × 2
  std::vector<float> scale;    // padded_tokens
};
QuantQuery quantize_query(const float* q, size_t tokens, size_t dim);

// best[t] = max(best[t], max over the `count` rows of <token t, row>) for every padded token.
// best must start at -infinity (or a previous item's running maximum for the same item).
void max_f32(const float* qt, size_t tpad, size_t dim, const float* rows, size_t count, float* best);
// Rows of binary16 values (converted exactly on the fly).
void max_f16(const float* qt, size_t tpad, size_t dim, const uint16_t* rows, size_t count, float* best);
// Rows of i8 values with one scale each (value = v × scale[r]); best[t] is in units of the token's
// scale (multiply by QuantQuery::scale[t] afterwards).
void max_i8(const QuantQuery& q, size_t tpad, size_t dim, const int8_t* rows, const float* scale, size_t count, float* best);

}  // namespace clipfind::maxsim
