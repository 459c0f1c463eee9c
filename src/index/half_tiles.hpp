// f16 rows stored four at a time in tiles whose layout feeds the f16 scan kernel with one sequential
// stream: within a tile, the rows' values alternate in chunks of 8 halves (16 bytes, one SIMD load)
//   chunk 0 of rows 0,1,2,3 | chunk 1 of rows 0,1,2,3 | ... | the dim % 8 tail values of rows 0..3
// so that the kernel loads the query's 8 matching values once and scores four rows with them, and
// every 64-byte line it reads is used whole in one step (kernels::dot_f16_tiles_half_query).
//
// Why: the f16 scan is bound by the widening arithmetic, not by memory, when it reads one row at a
// time (median ms at 100k x 512 in V8 on x86-64, kernels alone: f32 20.7, f16 row by row 13.6,
// 4-row tiles 11.8, a streaming read of the same f16 bytes 10.5). Four rows from four places in
// memory (each query load serving four rows without the tiles) were slower still (23.8): four
// streams a row apart are fetched worse than one.
//
// Only memory is tiled: the file format, get() and everything else see rows in natural order
// (the accessors below convert), so a saved f16 index reads the same before and after.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "index/block_store.hpp"

namespace clipfind {

class HalfTiles {
 public:
  static constexpr size_t kTileRows = 4;   // rows per tile
  static constexpr size_t kChunk = 8;      // halves of one row per chunk

  HalfTiles() = default;
  // One BlockStore row is one tile: tiles never straddle a block, and blocks hold a power-of-two
  // number of tiles (so a run of rows the scan hands the kernel starts on a tile).
  explicit HalfTiles(size_t width) : width_(width), tiles_(width * kTileRows) {}

  size_t width() const { return width_; }
  size_t rows() const { return rows_; }
  size_t block_rows() const { return tiles_.block_rows() * kTileRows; }
  size_t capacity_bytes() const { return tiles_.capacity_bytes(); }

  // A new last row. A new tile starts all zero: the rows of a partly filled tile that hold no row
  // are scored (and the scores dropped) with the others.
  void push() {
    if (rows_ % kTileRows == 0) std::memset(tiles_.push(), 0, width_ * kTileRows * sizeof(uint16_t));
    ++rows_;
  }
  void truncate(size_t rows) {
    rows_ = std::min(rows, rows_);
    tiles_.truncate((rows_ + kTileRows - 1) / kTileRows);
  }
  void pop() { truncate(rows_ - 1); }

  // The tile holding row `first` (a multiple of kTileRows), for the scan kernel.
  const uint16_t* tile(size_t first) const { return tiles_.row(first / kTileRows); }

  // Calls f(tile, first, count) over rows 0..rows-1 in runs of at most max_run rows (a multiple of
  // kTileRows), none crossing a block.
  template <class F>
  void for_each_run(size_t rows, size_t max_run, F&& f) const {
    tiles_.for_each_run((rows + kTileRows - 1) / kTileRows, std::max<size_t>(max_run / kTileRows, 1),
                        [&](const uint16_t* tile, size_t first, size_t count) {
                          const size_t row = first * kTileRows;
                          f(tile, row, std::min(count * kTileRows, rows - row));
                        });
  }

  // Row i's byte `offset` (in natural order) and how many bytes from there are contiguous in
  // memory: up to the end of its chunk or of its tail.
  uint8_t* bytes_at(size_t i, size_t offset, size_t& contiguous) {
    return reinterpret_cast<uint8_t*>(tiles_.row(i / kTileRows)) + tile_offset(i, offset, contiguous);
  }
  const uint8_t* bytes_at(size_t i, size_t offset, size_t& contiguous) const {
    return reinterpret_cast<const uint8_t*>(tiles_.row(i / kTileRows)) + tile_offset(i, offset, contiguous);
  }

  uint16_t at(size_t i, size_t j) const {
    size_t contiguous;
    uint16_t h;
    std::memcpy(&h, bytes_at(i, j * sizeof(uint16_t), contiguous), sizeof h);
    return h;
  }
  void set_row(size_t i, const uint16_t* v) {
    const auto* p = reinterpret_cast<const uint8_t*>(v);
    for (size_t o = 0, n; o < row_bytes(); o += n) {
      uint8_t* t = bytes_at(i, o, n);
      std::memcpy(t, p + o, n);
    }
  }
  void get_row(size_t i, uint16_t* out) const {
    auto* p = reinterpret_cast<uint8_t*>(out);
    for (size_t o = 0, n; o < row_bytes(); o += n) {
      const uint8_t* t = bytes_at(i, o, n);
      std::memcpy(p + o, t, n);
    }
  }
  void copy_row(size_t from, size_t to) {
    for (size_t o = 0, n; o < row_bytes(); o += n) {
      uint8_t* t = bytes_at(to, o, n);
      std::memcpy(t, bytes_at(from, o, n), n);
    }
  }

 private:
  size_t row_bytes() const { return width_ * sizeof(uint16_t); }
  // Byte offset within its tile of row i's byte `offset`, and the contiguous bytes from there.
  size_t tile_offset(size_t i, size_t offset, size_t& contiguous) const {
    const size_t j = offset / sizeof(uint16_t), r = i % kTileRows, body = width_ / kChunk * kChunk;
    size_t at, end;
    if (j < body) {
      at = (j / kChunk) * kChunk * kTileRows + r * kChunk + j % kChunk;
      end = (j / kChunk + 1) * kChunk;
    } else {
      at = body * kTileRows + r * (width_ - body) + (j - body);
      end = width_;
    }
    contiguous = end * sizeof(uint16_t) - offset;
    return at * sizeof(uint16_t) + offset % sizeof(uint16_t);
  }

  size_t width_ = 0;
  size_t rows_ = 0;
  BlockStore<uint16_t> tiles_;
};

}  // namespace clipfind
