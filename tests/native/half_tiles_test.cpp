// f16 rows tiled four at a time (HalfTiles) and the scan kernel over the tiles: every half value
// widened exactly in every row position and lane, scores bit-identical to one row at a time, and
// the natural row order kept everywhere outside memory (get, toBytes, fromBytes in pieces).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "index/f16.hpp"
#include "index/flat_index.hpp"
#include "index/half_tiles.hpp"
#include "index/index_loader.hpp"
#include "index/kernels.hpp"
#include "random_unit.hpp"

using namespace clipfind;

namespace {

std::vector<std::string> names(size_t n) {
  std::vector<std::string> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = "r" + std::to_string(i);
  return out;
}

std::vector<uint16_t> finite_halves() {
  std::vector<uint16_t> out;
  for (uint32_t h = 0; h < 0x10000; ++h)
    if ((h & 0x7C00) != 0x7C00) out.push_back(uint16_t(h));
  return out;
}

}  // namespace

// Row i holds every finite half in turn at lane `lane` (1.0 elsewhere, times a zero query value):
// rows fall in all four positions of a tile, lanes cover the 8-value chunks and the dim % 8 tail.
// Zeros of both signs, subnormals and +-65504 included; the score must be the half's value exactly.
TEST(HalfTiles, KernelWidensEveryHalfExactlyInEveryRowAndLane) {
  const auto halves = finite_halves();
  for (size_t dim : {8u, 13u}) {
    for (size_t lane = 0; lane < dim; ++lane) {
      HalfTiles tiles(dim);
      std::vector<uint16_t> row(dim, 0x3C00);
      for (size_t i = 0; i < halves.size() + 3; ++i) {  // + 3: a last partial tile
        row[lane] = halves[i % halves.size()];
        tiles.push();
        tiles.set_row(i, row.data());
      }
      std::vector<float> q(dim, 0.0f), out(tiles.rows());
      q[lane] = 1.0f;
      tiles.for_each_run(tiles.rows(), SIZE_MAX, [&](const uint16_t* t, size_t first, size_t count) {
        kernels::dot_f16_tiles(q.data(), t, dim, count, out.data() + first);
      });
      for (size_t i = 0; i < out.size(); ++i) {
        const uint16_t h = halves[i % halves.size()];
        ASSERT_EQ(out[i], half_to_float(h)) << std::hex << h << std::dec << " dim " << dim << " lane " << lane << " row " << i;
      }
    }
  }
}

TEST(HalfTiles, KernelEqualsOneRowAtATime) {
  for (size_t dim : {1u, 3u, 8u, 13u, 24u, 512u}) {
    for (size_t count : {1u, 4u, 5u, 7u, 64u}) {
      const auto data = random_unit(count, dim, 11);
      const auto q = random_unit(1, dim, 12);
      std::vector<uint16_t> rows(count * dim);
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = float_to_half(data[i] * (i % 7 == 0 ? 1e-5f : 1.0f));
      HalfTiles tiles(dim);
      for (size_t r = 0; r < count; ++r) {
        tiles.push();
        tiles.set_row(r, rows.data() + r * dim);
      }
      std::vector<float> got(count);
      kernels::dot_f16_tiles(q.data(), tiles.tile(0), dim, count, got.data());
      for (size_t r = 0; r < count; ++r)
        EXPECT_EQ(got[r], kernels::dot_f16(q.data(), rows.data() + r * dim, dim)) << "dim " << dim << " count " << count << " row " << r;
    }
  }
}

TEST(HalfTiles, RowsInNaturalOrderThroughEveryAccessor) {
  const size_t dim = 13, n = 10;
  HalfTiles tiles(dim);
  std::vector<uint16_t> want(n * dim), got(dim);
  for (size_t i = 0; i < want.size(); ++i) want[i] = uint16_t(i * 7919 + 1);
  for (size_t r = 0; r < n; ++r) {
    tiles.push();
    tiles.set_row(r, want.data() + r * dim);
  }
  for (size_t r = 0; r < n; ++r) {
    tiles.get_row(r, got.data());
    EXPECT_EQ(got, std::vector<uint16_t>(want.begin() + r * dim, want.begin() + (r + 1) * dim)) << r;
    for (size_t j = 0; j < dim; ++j) EXPECT_EQ(tiles.at(r, j), want[r * dim + j]);
  }
  // byte by byte through bytes_at, as the loader writes a file's rows arriving in any pieces
  HalfTiles bytewise(dim);
  const auto* src = reinterpret_cast<const uint8_t*>(want.data());
  for (size_t b = 0; b < want.size() * 2; ++b) {
    if (b % (dim * 2) == 0) bytewise.push();
    size_t contiguous;
    *bytewise.bytes_at(b / (dim * 2), b % (dim * 2), contiguous) = src[b];
    EXPECT_GE(contiguous, 1u);
  }
  for (size_t r = 0; r < n; ++r) {
    bytewise.get_row(r, got.data());
    EXPECT_EQ(got, std::vector<uint16_t>(want.begin() + r * dim, want.begin() + (r + 1) * dim)) << r;
  }
  tiles.copy_row(9, 2);
  tiles.get_row(2, got.data());
  EXPECT_EQ(got, std::vector<uint16_t>(want.begin() + 9 * dim, want.end()));
  // a tile begun after a truncate starts at zero, whatever its rows held before
  tiles.truncate(7);
  tiles.push();
  tiles.push();
  tiles.get_row(8, got.data());
  EXPECT_EQ(got, std::vector<uint16_t>(dim, 0));
}

// The file keeps f16 rows in natural order (the format of indexes saved before the tiles), and a
// file read in pieces of any size lands in the tiles where set_row would put it.
TEST(HalfTiles, SavedIndexKeepsRowMajorHalves) {
  const size_t dim = 13, n = 23;
  const auto data = random_unit(n, dim, 21);
  FlatIndex index({.dim = dim, .storage = Storage::F16, .metric = Metric::InnerProduct});  // stored as given
  index.add(names(n), data);
  const auto bytes = index.to_bytes();
  ASSERT_GE(bytes.size(), n * dim * 2 + 4);
  std::vector<uint16_t> section(n * dim);
  std::memcpy(section.data(), bytes.data() + bytes.size() - 4 - n * dim * 2, n * dim * 2);
  for (size_t i = 0; i < n * dim; ++i) ASSERT_EQ(section[i], float_to_half(data[i])) << i;
  for (size_t piece : {1u, 3u, 1000u}) {
    IndexLoader loader(bytes.size());
    for (size_t at = 0; at < bytes.size(); at += piece) loader.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
    const FlatIndex again = loader.finish();
    EXPECT_EQ(again.to_bytes(), bytes) << piece;
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(again.get("r" + std::to_string(i)), index.get("r" + std::to_string(i))) << piece;
    const auto q = random_unit(1, dim, 22);
    std::vector<float> a(n), b(n);
    index.score_all(q, a.data());
    again.score_all(q, b.data());
    EXPECT_EQ(a, b) << piece;
  }
}
