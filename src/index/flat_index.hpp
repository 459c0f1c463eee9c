// Exact (brute-force) similarity index over fixed-dimension vectors with string ids.
// Storage kinds trade memory for precision: f32 (exact), f16 (half), i8 (per-vector scale).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

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

  std::vector<uint8_t> to_bytes() const;
  static FlatIndex from_bytes(std::span<const uint8_t> bytes);

  // Bytes held by vectors, scales and ids (for memory reports).
  size_t memory_bytes() const;
  // Raw f32 storage, for the bandwidth probe in benchmarks (empty unless storage is f32).
  std::span<const float> raw_f32() const { return f32_; }

 private:
  std::vector<float> prepare(std::span<const float> vectors, size_t n, const char* what) const;
  void store(size_t slot, const float* v);
  void append_slot();
  float score_slot(size_t slot, const float* q, const int16_t* q16, float qscale) const;
  float exact_score(size_t slot, const float* q) const;
  float get_score_i8(size_t slot, const std::vector<float>& q) const;
  void move_slot(size_t from, size_t to);
  void pop_slot();

  IndexOptions opt_;
  std::vector<std::string> ids_;
  std::vector<uint64_t> seq_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  uint64_t next_seq_ = 0;
  std::vector<float> f32_;       // F32 storage, or the exact copy used for re-ranking
  std::vector<uint16_t> f16_;    // F16 storage
  std::vector<int8_t> i8_;       // I8 storage
  std::vector<float> i8_scale_;  // I8: value = q * scale
};

}  // namespace clipfind
