// Distance kernels for the flat index. SIMD128 in WebAssembly, SSE2 natively, scalar otherwise.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipfind::kernels {

float dot_f32(const float* a, const float* b, size_t n);
// q is f32, v is binary16: converts on the fly (the exact conversion's dot product).
float dot_f16(const float* q, const uint16_t* v, size_t n);
// The f16 scan proper takes the query pre-scaled by 2^112 (exact: a power of two), which lets it
// widen halves with bit moves alone; half_query makes that copy once per search (each 8 values in the
// order the kernels widen halves: evens, then odds). dot_f16 and
// dot_f16_rows are these with the copy made per call.
constexpr float kHalfQueryScale = 0x1p112f;
std::vector<float> half_query(const float* q, size_t n);
float dot_f16_half_query(const float* qh, const uint16_t* v, size_t n);
void dot_f16_rows_half_query(const float* qh, const uint16_t* rows, size_t dim, size_t count, float* out);
// The f16 scan: `count` rows stored in tiles of four (HalfTiles' layout: the rows' values alternate
// in chunks of 8, then the four rows' dim % 8 tails), from the first row of a tile. out[r] equals
// dot_f16 of row r stored on its own, bit for bit. The rows of a last partial tile that hold no row
// are read (and their scores dropped).
void dot_f16_tiles_half_query(const float* qh, const uint16_t* tiles, size_t dim, size_t count, float* out);
void dot_f16_tiles(const float* q, const uint16_t* tiles, size_t dim, size_t count, float* out);
// q is the quantized query widened to i16 (so the widening happens once per query, not per item).
int32_t dot_i8(const int16_t* q, const int8_t* v, size_t n);
// Scores `count` consecutive rows of `dim` values against one query: out[r] = <q, rows[r]>, each
// exactly as the single-row kernel scores it.
void dot_f32_rows(const float* q, const float* rows, size_t dim, size_t count, float* out);
void dot_f16_rows(const float* q, const uint16_t* rows, size_t dim, size_t count, float* out);
void dot_i8_rows(const int16_t* q, const int8_t* rows, size_t dim, size_t count, int32_t* out);

// Memory-bandwidth probe: reads n floats once, the least work any scan over them can do.
float stream_sum_f32(const float* p, size_t n);

}  // namespace clipfind::kernels
