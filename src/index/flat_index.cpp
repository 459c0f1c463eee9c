#include "index/flat_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "common/error.hpp"
#include "index/f16.hpp"
#include "index/kernels.hpp"

namespace clipfind {
namespace {

// i16 query x i8 item products are summed in i32 lanes; bound the query range so that no dimension
// can overflow them (dim * 127 * qmax < 2^31).
int32_t query_quant_max(uint32_t dim) {
  const double limit = 2147483647.0 / (double(dim) * 127.0 * 1.01);
  return static_cast<int32_t>(std::min(32767.0, std::floor(limit)));
}

}  // namespace

std::string FlatIndex::quote(std::string_view id) {
  std::string s = "'";
  s.append(id.substr(0, 64));
  if (id.size() > 64) s += "...";
  return s + "'";
}

const char* storage_name(Storage s) {
  switch (s) {
    case Storage::F32: return "f32";
    case Storage::F16: return "f16";
    case Storage::I8: return "i8";
  }
  return "?";
}

Storage parse_storage(const std::string& s) {
  if (s == "f32") return Storage::F32;
  if (s == "f16") return Storage::F16;
  if (s == "i8") return Storage::I8;
  throw Error(ErrorCode::InvalidArgument, "unknown storage '" + s + "' (expected f32, f16 or i8)");
}

const char* metric_name(Metric m) { return m == Metric::Cosine ? "cosine" : "ip"; }

Metric parse_metric(const std::string& s) {
  if (s == "cosine") return Metric::Cosine;
  if (s == "ip" || s == "inner_product") return Metric::InnerProduct;
  throw Error(ErrorCode::InvalidArgument, "unknown metric '" + s + "' (expected cosine or ip)");
}

FlatIndex::FlatIndex(const IndexOptions& options) : opt_(options) {
  if (opt_.dim == 0 || opt_.dim > kMaxDim)
    throw Error(ErrorCode::InvalidArgument, "dim must be in 1.." + std::to_string(kMaxDim) + ", got " + std::to_string(opt_.dim));
  if (opt_.storage != Storage::F32 && opt_.storage != Storage::F16 && opt_.storage != Storage::I8)
    throw Error(ErrorCode::InvalidArgument, "unknown storage kind");
  if (opt_.metric != Metric::Cosine && opt_.metric != Metric::InnerProduct)
    throw Error(ErrorCode::InvalidArgument, "unknown metric");
  if (opt_.rerank > 1024) throw Error(ErrorCode::InvalidArgument, "rerank must be in 0..1024");
  if (opt_.storage == Storage::F32) opt_.rerank = 0;  // already exact
  if (exact_copy()) f32_ = BlockStore<float>(opt_.dim);
  if (opt_.storage == Storage::F16) f16_ = HalfTiles(opt_.dim);
  if (opt_.storage == Storage::I8) i8_ = BlockStore<int8_t>(opt_.dim);
}

bool FlatIndex::contains(std::string_view id) const { return slot_of_.count(std::string(id)) != 0; }

void FlatIndex::check_vectors(std::span<const float> vectors, size_t n, size_t first, const char* what) const {
  const size_t dim = opt_.dim;
  if (vectors.size() != n * dim)
    throw Error(ErrorCode::DimensionMismatch, std::string(what) + ": expected " + std::to_string(n) + " x " +
                                                  std::to_string(dim) + " = " + std::to_string(n * dim) +
                                                  " floats, got " + std::to_string(vectors.size()));
  for (size_t i = 0; i < n; ++i) {
    const float* v = vectors.data() + i * dim;
    double norm2 = 0;
    for (size_t j = 0; j < dim; ++j) {
      if (!std::isfinite(v[j]))
        throw Error(ErrorCode::InvalidValue, std::string(what) + ": vector " + std::to_string(first + i) + " has a non-finite value at " + std::to_string(j));
      norm2 += double(v[j]) * v[j];
    }
    if (opt_.metric == Metric::Cosine && norm2 == 0)
      throw Error(ErrorCode::InvalidValue, std::string(what) + ": vector " + std::to_string(first + i) + " is all zeros (no direction for cosine)");
  }
}

// One checked vector as stored: unit length under cosine (the norm in float64), as given otherwise.
void FlatIndex::normalized(const float* v, float* out) const {
  const size_t dim = opt_.dim;
  if (opt_.metric != Metric::Cosine) {
    std::memcpy(out, v, dim * sizeof(float));
    return;
  }
  double norm2 = 0;
  for (size_t j = 0; j < dim; ++j) norm2 += double(v[j]) * v[j];
  const double inv = 1.0 / std::sqrt(norm2);
  for (size_t j = 0; j < dim; ++j) out[j] = static_cast<float>(v[j] * inv);
}

std::vector<float> FlatIndex::prepare_query(std::span<const float> query, const char* what) const {
  check_vectors(query, 1, 0, what);
  std::vector<float> q(opt_.dim);
  normalized(query.data(), q.data());
  return q;
}

void FlatIndex::push_row() {
  if (exact_copy()) f32_.push();
  if (opt_.storage == Storage::F16) f16_.push();
  if (opt_.storage == Storage::I8) {
    i8_.push();
    i8_scale_.push_back(0);
  }
}

void FlatIndex::truncate_rows(size_t rows) {
  f32_.truncate(rows);
  f16_.truncate(rows);
  i8_.truncate(rows);
  if (i8_scale_.size() > rows) i8_scale_.resize(rows);
}

void FlatIndex::store(size_t slot, const float* v) {
  const size_t dim = opt_.dim;
  if (exact_copy()) std::memcpy(f32_.row(slot), v, dim * sizeof(float));
  if (opt_.storage == Storage::F16) {
    std::vector<uint16_t> halves(dim);
    for (size_t j = 0; j < dim; ++j) halves[j] = float_to_half(v[j]);
    f16_.set_row(slot, halves.data());
  } else if (opt_.storage == Storage::I8) {
    float maxabs = 0;
    for (size_t j = 0; j < dim; ++j) maxabs = std::max(maxabs, std::fabs(v[j]));
    const float scale = maxabs / 127.0f;
    int8_t* dst = i8_.row(slot);
    for (size_t j = 0; j < dim; ++j) {
      const float q = scale > 0 ? std::nearbyint(v[j] / scale) : 0.0f;
      dst[j] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
    }
    i8_scale_[slot] = scale;
  }
}

void FlatIndex::add(std::span<const std::string> ids, std::span<const float> vectors) {
  begin_add(ids.size(), vectors.size());
  stage_add(vectors);
  commit_add(ids);
}

void FlatIndex::begin_add(size_t n, size_t floats) {
  truncate_rows(ids_.size());  // whatever an unfinished batch left
  staged_want_ = 0;
  if (floats != n * opt_.dim)
    throw Error(ErrorCode::DimensionMismatch, "add: expected " + std::to_string(n) + " x " + std::to_string(opt_.dim) + " = " +
                                                  std::to_string(n * opt_.dim) + " floats, got " + std::to_string(floats));
  staged_want_ = n;
}

void FlatIndex::stage_add(std::span<const float> vectors) {
  const size_t dim = opt_.dim, staged = stored_rows() - ids_.size();
  const size_t n = vectors.size() / dim;
  try {
    if (vectors.size() % dim != 0 || staged + n > staged_want_)
      throw Error(ErrorCode::InvalidArgument, "add: more vectors than the batch declared");
    check_vectors(vectors, n, staged, "add");
  } catch (...) {
    truncate_rows(ids_.size());
    staged_want_ = 0;
    throw;
  }
  std::vector<float> v(dim);
  for (size_t i = 0; i < n; ++i) {
    normalized(vectors.data() + i * dim, v.data());
    push_row();
    store(ids_.size() + staged + i, v.data());
  }
}

void FlatIndex::commit_add(std::span<const std::string> ids) {
  const size_t n = ids.size(), base = ids_.size();
  const size_t staged = stored_rows() - base;
  try {
    if (n != staged_want_ || staged != n) throw Error(ErrorCode::InvalidArgument, "add: ids and staged vectors differ in number");
    std::unordered_set<std::string_view> batch;
    for (const auto& id : ids) {
      if (id.size() > kMaxIdBytes) throw Error(ErrorCode::InvalidArgument, "add: id longer than " + std::to_string(kMaxIdBytes) + " bytes");
      if (slot_of_.count(id)) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " is already in the index (use update to replace it)");
      if (!batch.insert(id).second) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " appears twice in the batch");
    }
  } catch (...) {
    truncate_rows(base);
    staged_want_ = 0;
    throw;
  }
  staged_want_ = 0;
  // Grown geometrically: reserving exactly per batch would reallocate at every add, leaving holes
  // in the heap that a slightly larger request never fits.
  if (ids_.capacity() < base + n) {
    ids_.reserve(std::max(base + n, ids_.capacity() * 2));
    seq_.reserve(ids_.capacity());
  }
  for (size_t i = 0; i < n; ++i) {
    ids_.push_back(ids[i]);
    seq_.push_back(next_seq_++);
    slot_of_.emplace(ids[i], static_cast<uint32_t>(base + i));
  }
}

void FlatIndex::update(std::span<const std::string> ids, std::span<const float> vectors) {
  truncate_rows(ids_.size());
  staged_want_ = 0;
  const size_t n = ids.size();
  check_vectors(vectors, n, 0, "update");
  std::vector<uint32_t> slots;
  slots.reserve(n);
  for (const auto& id : ids) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) throw Error(ErrorCode::NotFound, "update: id " + quote(id) + " is not in the index");
    slots.push_back(it->second);
  }
  std::vector<float> v(opt_.dim);
  for (size_t i = 0; i < n; ++i) {
    normalized(vectors.data() + i * opt_.dim, v.data());
    store(slots[i], v.data());
  }
}

void FlatIndex::move_slot(size_t from, size_t to) {
  const size_t dim = opt_.dim;
  ids_[to] = std::move(ids_[from]);
  seq_[to] = seq_[from];
  slot_of_[ids_[to]] = static_cast<uint32_t>(to);
  if (f32_.rows()) std::memcpy(f32_.row(to), f32_.row(from), dim * sizeof(float));
  if (f16_.rows()) f16_.copy_row(from, to);
  if (i8_.rows()) {
    std::memcpy(i8_.row(to), i8_.row(from), dim);
    i8_scale_[to] = i8_scale_[from];
  }
}

void FlatIndex::pop_slot() {
  ids_.pop_back();
  seq_.pop_back();
  truncate_rows(ids_.size());
}

size_t FlatIndex::remove(std::span<const std::string> ids) {
  truncate_rows(ids_.size());
  staged_want_ = 0;
  size_t removed = 0;
  for (const auto& id : ids) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) continue;
    const size_t slot = it->second;
    slot_of_.erase(it);
    const size_t last = ids_.size() - 1;
    if (slot != last) move_slot(last, slot);  // order does not matter: ties use seq_
    pop_slot();  // the last slot's space is what the next add fills
    ++removed;
  }
  return removed;
}

std::vector<float> FlatIndex::get(std::string_view id) const {
  auto it = slot_of_.find(std::string(id));
  if (it == slot_of_.end()) throw Error(ErrorCode::NotFound, "get: id " + quote(id) + " is not in the index");
  const size_t dim = opt_.dim, slot = it->second;
  std::vector<float> out(dim);
  if (exact_copy()) {
    std::memcpy(out.data(), f32_.row(slot), dim * sizeof(float));
  } else if (opt_.storage == Storage::F16) {
    std::vector<uint16_t> v(dim);
    f16_.get_row(slot, v.data());
    for (size_t j = 0; j < dim; ++j) out[j] = half_to_float(v[j]);
  } else {
    const int8_t* v = i8_.row(slot);
    for (size_t j = 0; j < dim; ++j) out[j] = v[j] * i8_scale_[slot];
  }
  return out;
}

float FlatIndex::exact_score(size_t slot, const float* q) const { return kernels::dot_f32(q, f32_.row(slot), opt_.dim); }

std::vector<SearchHit> FlatIndex::search(std::span<const float> query, size_t k,
                                         const std::function<bool(std::string_view)>& keep) const {
  std::vector<float> q = prepare_query(query, "search");
  const size_t n = ids_.size();
  k = std::min(k, n);
  if (k == 0) return {};
  const size_t dim = opt_.dim;

  std::vector<int16_t> q16;
  float qscale = 0;
  if (opt_.storage == Storage::I8) {
    float maxabs = 0;
    for (float x : q) maxabs = std::max(maxabs, std::fabs(x));
    const int32_t qmax = query_quant_max(opt_.dim);
    qscale = maxabs > 0 ? maxabs / float(qmax) : 0.0f;
    q16.resize(dim);
    for (size_t j = 0; j < dim; ++j) q16[j] = static_cast<int16_t>(qscale > 0 ? std::nearbyint(q[j] / qscale) : 0);
  }
  std::vector<float> qh;
  if (opt_.storage == Storage::F16) qh = kernels::half_query(q.data(), dim);

  const bool rerank = opt_.rerank > 0;
  TopK top(rerank ? std::min(n, k * opt_.rerank) : k);
  // Score runs of up to 256 rows with the multi-row kernels, then select; filtering happens at
  // selection.
  constexpr size_t kRun = 256;
  float scores[kRun];
  int32_t iscores[kRun];
  // Rows are contiguous within a block; a run never crosses one.
  for (size_t begin = 0; begin < n;) {
    const size_t count = std::min({kRun, n - begin, kRun - begin % kRun, row_block_end(begin) - begin});
    if (opt_.storage == Storage::F32) {
      kernels::dot_f32_rows(q.data(), f32_.row(begin), dim, count, scores);
    } else if (opt_.storage == Storage::I8) {
      kernels::dot_i8_rows(q16.data(), i8_.row(begin), dim, count, iscores);
      for (size_t r = 0; r < count; ++r) scores[r] = float(iscores[r]) * qscale * i8_scale_[begin + r];
    } else {
      kernels::dot_f16_tiles_half_query(qh.data(), f16_.tile(begin), dim, count, scores);
    }
    for (size_t r = 0; r < count; ++r) {
      const size_t slot = begin + r;
      if (keep && !keep(ids_[slot])) continue;
      top.push(static_cast<uint32_t>(slot), scores[r], seq_[slot]);
    }
    begin += count;
  }
  std::vector<Hit> hits = top.take_sorted();
  if (rerank) {
    TopK exact(k);
    for (const Hit& h : hits) exact.push(h.slot, exact_score(h.slot, q.data()), h.seq);
    hits = exact.take_sorted();
  }
  std::vector<SearchHit> out;
  out.reserve(std::min(k, hits.size()));
  for (size_t i = 0; i < hits.size() && i < k; ++i) out.push_back({ids_[hits[i].slot], hits[i].score});
  return out;
}

void FlatIndex::score_all(std::span<const float> query, float* out) const {
  std::vector<float> q = prepare_query(query, "score_all");
  const size_t n = ids_.size(), dim = opt_.dim;
  if (exact_copy()) {
    f32_.for_each_run(n, SIZE_MAX, [&](const float* rows, size_t first, size_t count) {
      kernels::dot_f32_rows(q.data(), rows, dim, count, out + first);
    });
  } else if (opt_.storage == Storage::F16) {
    const std::vector<float> qh = kernels::half_query(q.data(), dim);
    f16_.for_each_run(n, SIZE_MAX, [&](const uint16_t* tiles, size_t first, size_t count) {
      kernels::dot_f16_tiles_half_query(qh.data(), tiles, dim, count, out + first);
    });
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = get_score_i8(i, q);
  }
}

float FlatIndex::get_score_i8(size_t slot, const std::vector<float>& q) const {
  // exact against the dequantized vector: score_all serves fusion and re-ranking, not the fast scan
  const size_t dim = opt_.dim;
  const int8_t* v = i8_.row(slot);
  float s = 0;
  for (size_t j = 0; j < dim; ++j) s += q[j] * float(v[j]);
  return s * i8_scale_[slot];
}

size_t FlatIndex::memory_bytes() const {
  size_t bytes = f32_.capacity_bytes() + f16_.capacity_bytes() + i8_.capacity_bytes() + i8_scale_.capacity() * 4 + seq_.capacity() * 8;
  bytes += ids_.capacity() * sizeof(std::string);
  for (const auto& id : ids_) bytes += id.size() > 15 ? id.capacity() : 0;
  bytes += slot_of_.size() * (sizeof(std::string) + 4 + 2 * sizeof(void*)) + slot_of_.bucket_count() * sizeof(void*);
  return bytes;
}

std::vector<std::span<const float>> FlatIndex::f32_blocks() const {
  std::vector<std::span<const float>> out;
  if (opt_.storage != Storage::F32) return out;
  f32_.for_each_run(ids_.size(), SIZE_MAX, [&](const float* rows, size_t, size_t count) { out.emplace_back(rows, count * opt_.dim); });
  return out;
}

}  // namespace clipfind
