// Exact (brute-force) similarity index over fixed-dimension vectors with string ids.
// Storage kinds trade memory for precision: f32 (exact), f16 (half), i8 (per-vector scale).
// Vectors live in fixed-size blocks (block_store.hpp): growing never copies them, so memory stays at
// about their own size. Slots are dense: a removal moves the last vector into the freed slot, and the
// next add appends into the space that frees.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/block_store.hpp"
#include "index/half_tiles.hpp"
#include "index/topk.hpp"

namespace clipfind {

enum class Storage : uint8_t { F32 = 0, F16 = 1, I8 = 2 };
enum class Metric : uint8_t { Cosine = 0, InnerProduct = 1 };

const char* storage_name(Storage s);
Storage parse_storage(const std::string& s);
const char* metric_name(Metric m);
Metric parse_metric(const std::string& s);

struct IndexOptions {
  uint32_t dim = 0;
  Storage storage = Storage::F32;
  // Cosine normalizes vectors on add and queries on search; InnerProduct takes them as given.
  Metric metric = Metric::Cosine;
  // For f16/i8: keep an f32 copy of each vector and re-score the best k*rerank candidates exactly.
  // 0 disables (and saves the memory).
  uint32_t rerank = 0;
};

struct SearchHit {
  std::string_view id;
  float score;
};

class IndexLoader;

class FlatIndex {
 public:
  static constexpr uint32_t kMaxDim = 65536;
  static constexpr size_t kMaxIdBytes = 4096;

  explicit FlatIndex(const IndexOptions& options);

  const IndexOptions& options() const { return opt_; }
  uint32_t dim() const { return opt_.dim; }
  size_t size() const { return ids_.size(); }
  bool contains(std::string_view id) const;

  // Adds n = ids.size() vectors (vectors.size() must be n*dim). All-or-nothing: a bad vector,
  // a duplicate id (in the index or within the batch) throws and leaves the index unchanged.
  void add(std::span<const std::string> ids, std::span<const float> vectors);
  // The same add for a batch delivered in pieces (the WASM binding copies 1 MiB at a time, so a big
  // batch never sits in memory twice): begin_add checks the shape, stage_add stores whole vectors
  // in their final place (not yet searchable), commit_add checks the ids and makes them live. Any
  // error, or a new begin_add, takes staged vectors back out: the index is unchanged.
  void begin_add(size_t n, size_t floats);
  void stage_add(std::span<const float> vectors);
  void commit_add(std::span<const std::string> ids);
  // Replaces the vectors of existing ids (NotFound otherwise), keeping their insertion order.
  void update(std::span<const std::string> ids, std::span<const float> vectors);
  // Removes the ids that exist; returns how many were removed.
  size_t remove(std::span<const std::string> ids);
  // The stored vector (dequantized for f16/i8).
  std::vector<float> get(std::string_view id) const;

  // Best k by score, highest first; ties by insertion order. `keep` filters slots when given.
  std::vector<SearchHit> search(std::span<const float> query, size_t k,
                                const std::function<bool(std::string_view)>& keep = {}) const;

  // Scores of every stored vector against the query, in slot order (out has size() floats). Slot
  // order is ids() order; both change only when the index is modified.
  void score_all(std::span<const float> query, float* out) const;
  const std::vector<std::string>& ids() const { return ids_; }

  // Serialization (layout in flat_index_io.cpp). write_bytes hands the serialized form to `sink` in
  // pieces (the stored blocks themselves, no full copy); to_bytes collects them.
  size_t serialized_size() const;
  void write_bytes(const std::function<void(const uint8_t*, size_t)>& sink) const;
  std::vector<uint8_t> to_bytes() const;
  // Reads toBytes() output straight into block storage (IndexLoader streams it in pieces).
  static FlatIndex from_bytes(std::span<const uint8_t> bytes);

  // Bytes held by vectors, scales and ids (for memory reports).
  size_t memory_bytes() const;
  // Raw f32 storage blocks, for the bandwidth probe in benchmarks (empty unless storage is f32).
  std::vector<std::span<const float>> f32_blocks() const;

 private:
  friend class IndexLoader;
  static std::string quote(std::string_view id);  // an id for an error message, cut at 64 bytes
  bool exact_copy() const { return opt_.storage == Storage::F32 || opt_.rerank > 0; }
  // Vectors stored, staged ones included.
  size_t row_block_end(size_t row) const {  // the first row of the next block in the scanned store
    const size_t b = opt_.storage == Storage::F32 ? f32_.block_rows() : opt_.storage == Storage::F16 ? f16_.block_rows() : i8_.block_rows();
    return (row / b + 1) * b;
  }
  size_t stored_rows() const { return opt_.storage == Storage::F32 ? f32_.rows() : opt_.storage == Storage::F16 ? f16_.rows() : i8_.rows(); }
  void check_vectors(std::span<const float> vectors, size_t n, size_t first, const char* what) const;
  void normalized(const float* v, float* out) const;
  std::vector<float> prepare_query(std::span<const float> query, const char* what) const;
  void store(size_t slot, const float* v);
  void push_row();
  void truncate_rows(size_t rows);
  float exact_score(size_t slot, const float* q) const;
  float get_score_i8(size_t slot, const std::vector<float>& q) const;
  void move_slot(size_t from, size_t to);
  void pop_slot();

  IndexOptions opt_;
  std::vector<std::string> ids_;
  std::vector<uint64_t> seq_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  uint64_t next_seq_ = 0;
  // Rows past ids_.size() are staged by an add in progress (begin_add .. commit_add).
  size_t staged_want_ = 0;        // vectors the batch in progress declared
  BlockStore<float> f32_;         // F32 storage, or the exact copy used for re-ranking
  HalfTiles f16_;                 // F16 storage (rows in tiles of four, see half_tiles.hpp)
  BlockStore<int8_t> i8_;         // I8 storage
  std::vector<float> i8_scale_;   // I8: value = q * scale
};

}  // namespace clipfind
