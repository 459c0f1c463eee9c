// Late-interaction index (ColBERT/ColPali "MaxSim"): each item is a bag of vectors (a page's patch
// embeddings), a query is a bag of token vectors, and an item's score is the sum over query tokens of
// the largest inner product between that token and any of the item's vectors. Exact: every item is
// scored. Vectors are used as given (no normalization), as ColPali scores them.
//
// Storage kinds as in FlatIndex: f32, f16 (binary16), i8 (one scale per vector). Optional token
// pooling at add time (token_pooling.hpp) stores about count / pool_factor vectors per item.
// Each item's vectors are one allocation of their own, so removing an item frees exactly its memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/block_store.hpp"
#include "index/flat_index.hpp"

namespace clipfind {

struct MultiVectorOptions {
  uint32_t dim = 0;
  Storage storage = Storage::F32;
  // 0 or 1: vectors stored as given; n > 1: each item's vectors pooled to about count / n.
  uint32_t pool_factor = 0;
};

class MultiVectorIndex {
 public:
  static constexpr uint32_t kMaxDim = 8192;
  static constexpr size_t kMaxIdBytes = FlatIndex::kMaxIdBytes;
  static constexpr uint32_t kMaxVectorsPerItem = 1u << 20;
  static constexpr uint32_t kMaxPoolFactor = 1024;
  static constexpr size_t kMaxQueryTokens = 4096;

  explicit MultiVectorIndex(const MultiVectorOptions& options);

  const MultiVectorOptions& options() const { return opt_; }
  uint32_t dim() const { return opt_.dim; }
  size_t size() const { return items_.size(); }
  // Vectors stored over all items (after pooling).
  size_t vector_count() const { return vectors_; }
  bool contains(std::string_view id) const;
  // Vectors stored for one item (NotFound otherwise).
  size_t count_of(std::string_view id) const;

  // Adds ids.size() items; item i has counts[i] >= 1 vectors, taken in order from `vectors`
  // (Σ counts × dim floats). All-or-nothing: a bad value, count or duplicate id throws and leaves
  // the index unchanged.
  void add(std::span<const std::string> ids, std::span<const float> vectors, std::span<const uint32_t> counts);
  // The same add in pieces (the WASM binding copies about 1 MiB of whole items at a time):
  // begin_add declares the counts, stage_add stores the next items (pooled and quantized, not yet
  // searchable), commit_add checks the ids and makes them live. An error or a new begin_add drops
  // what was staged.
  void begin_add(std::span<const uint32_t> counts);
  void stage_add(std::span<const float> vectors);
  void commit_add(std::span<const std::string> ids);
  // Removes the ids that exist; returns how many were removed.
  size_t remove(std::span<const std::string> ids);

  // Best k by MaxSim score, highest first; ties by insertion order. `keep` filters items.
  // query: tokens × dim floats.
  std::vector<SearchHit> search(std::span<const float> query, size_t tokens, size_t k,
                                const std::function<bool(std::string_view)>& keep = {}) const;
  // Every item's score, in ids() order (out has size() floats).
  void score_all(std::span<const float> query, size_t tokens, float* out) const;
  std::vector<std::string> ids() const;

  // Serialization (layout in multi_vector_index_io.cpp).
  size_t serialized_size() const;
  void write_bytes(const std::function<void(const uint8_t*, size_t)>& sink) const;
  std::vector<uint8_t> to_bytes() const;
  static MultiVectorIndex from_bytes(std::span<const uint8_t> bytes);

  size_t memory_bytes() const;

 private:
  struct Item {
    std::string id;
    uint64_t seq = 0;
    uint32_t count = 0;
    BlockPtr<uint8_t> data;    // count × dim values of the storage kind, 64-byte aligned
    std::vector<float> scale;  // i8: one per vector
  };
  size_t value_bytes() const { return opt_.storage == Storage::F32 ? 4 : opt_.storage == Storage::F16 ? 2 : 1; }
  Item make_item(const float* v, size_t count) const;
  void check_query(std::span<const float> query, size_t tokens) const;
  // Calls score(item index, score) for every item kept by `keep`.
  void scan(std::span<const float> query, size_t tokens, const std::function<bool(std::string_view)>& keep,
            const std::function<void(size_t, float)>& score) const;
  void reset_staged();

  MultiVectorOptions opt_;
  std::vector<Item> items_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  uint64_t next_seq_ = 0;
  size_t vectors_ = 0;
  // An add in progress.
  std::vector<uint32_t> staged_counts_;
  std::vector<Item> staged_;
};

}  // namespace clipfind
