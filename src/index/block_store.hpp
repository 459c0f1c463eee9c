// Fixed-width rows in fixed-size blocks: the vector storage of the flat index. Growing never moves
// what is stored (a contiguous buffer reallocates, holding old and new copies at once, and a WASM heap
// keeps that high-water mark for the life of the page), so memory stays at about the rows' own size.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <vector>

namespace clipfind {

// About 1 MiB per block: large enough that the scan streams, small enough that the one partly used
// block (and the one spare) cost little. Rows per block is a power of two and at least 4, so the
// runs the scan hands the kernels fall where they would in one contiguous buffer and scores stay
// bit-identical to it.
constexpr size_t kBlockBytes = size_t(1) << 20;

inline size_t rows_per_block(size_t row_bytes) {
  size_t rows = 4;
  while (rows * 2 * row_bytes <= kBlockBytes) rows *= 2;
  return rows;
}

// Blocks start on a 64-byte boundary (a cache line): the kernels' 16-byte loads then never straddle
// one at a row start, whatever the allocator's own alignment (8 bytes in emscripten's dlmalloc).
template <class T>
struct AlignedDelete {
  void operator()(T* p) const { ::operator delete[](p, std::align_val_t(64)); }
};
template <class T>
using BlockPtr = std::unique_ptr<T[], AlignedDelete<T>>;
template <class T>
BlockPtr<T> new_block(size_t count) {
  return BlockPtr<T>(static_cast<T*>(::operator new[](count * sizeof(T), std::align_val_t(64))));
}

template <class T>
class BlockStore {
 public:
  BlockStore() = default;
  explicit BlockStore(size_t width) : width_(width), block_rows_(rows_per_block(width * sizeof(T))) {}

  size_t width() const { return width_; }
  size_t rows() const { return rows_; }
  size_t block_rows() const { return block_rows_; }
  // Blocks holding rows; block b holds rows b*block_rows() .. + rows_in(b), contiguously.
  size_t blocks() const { return (rows_ + block_rows_ - 1) / block_rows_; }
  size_t rows_in(size_t b) const { return std::min(block_rows_, rows_ - b * block_rows_); }
  const T* block(size_t b) const { return blocks_[b].get(); }

  // Calls f(rows, first, count) over rows 0..rows-1 in contiguous runs of at most max_run rows,
  // none crossing a block: what the multi-row kernels scan.
  template <class F>
  void for_each_run(size_t rows, size_t max_run, F&& f) const {
    for (size_t first = 0; first < rows;) {
      const size_t b = first / block_rows_, in_block = std::min(block_rows_, rows - first);
      for (size_t off = 0; off < in_block; off += max_run)
        f(blocks_[b].get() + off * width_, first + off, std::min(max_run, in_block - off));
      first += in_block;
    }
  }

  T* row(size_t i) { return blocks_[i / block_rows_].get() + (i % block_rows_) * width_; }
  const T* row(size_t i) const { return blocks_[i / block_rows_].get() + (i % block_rows_) * width_; }

  // A new last row (contents unspecified until written).
  T* push() {
    const size_t b = rows_ / block_rows_, r = rows_ % block_rows_;
    if (b == blocks_.size()) {
      // A fresh block starts small and doubles, so a small index stays small; only this last
      // block is ever copied (at most one block's worth, never the stored rows as a whole).
      blocks_.push_back(new_block<T>(width_ * first_rows()));
      last_rows_ = first_rows();
    } else if (b + 1 == blocks_.size() && r == last_rows_) {
      const size_t grown = std::min(block_rows_, last_rows_ * 2);
      BlockPtr<T> bigger = new_block<T>(width_ * grown);
      std::memcpy(bigger.get(), blocks_[b].get(), r * width_ * sizeof(T));
      blocks_[b] = std::move(bigger);
      last_rows_ = grown;
    }
    ++rows_;
    return row(rows_ - 1);
  }

  // Drops rows from the end; emptied blocks are released except one spare, so removing and adding
  // at a block boundary does not allocate each time.
  void truncate(size_t rows) {
    rows_ = std::min(rows, rows_);
    const size_t keep = blocks() + 1;
    if (blocks_.size() > keep) {
      blocks_.resize(keep);
      last_rows_ = block_rows_;  // a block that was not the last one is full size
    }
  }
  void pop() { truncate(rows_ - 1); }

  // Bytes allocated for rows (for memory reports).
  size_t capacity_bytes() const {
    size_t rows = 0;
    for (size_t b = 0; b < blocks_.size(); ++b) rows += rows_in_allocation(b);
    return rows * width_ * sizeof(T);
  }

 private:
  size_t first_rows() const { return std::min<size_t>(block_rows_, 16); }
  size_t rows_in_allocation(size_t b) const { return b + 1 == blocks_.size() ? last_rows_ : block_rows_; }

  size_t width_ = 0;
  size_t block_rows_ = 4;
  size_t rows_ = 0;
  size_t last_rows_ = 0;  // rows allocated in the last block (the others hold block_rows_)
  std::vector<BlockPtr<T>> blocks_;
};

}  // namespace clipfind
