#include "index/flat_index.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "common/bytes.hpp"
#include "common/crc32.hpp"
#include "common/error.hpp"
#include "index/f16.hpp"
#include "index/kernels.hpp"

namespace clipfind {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'F', 'I', 'D', 'X'};
constexpr uint32_t kFormatVersion = 1;

// i16 query x i8 item products are summed in i32 lanes; bound the query range so that no dimension
// can overflow them (dim * 127 * qmax < 2^31).
int32_t query_quant_max(uint32_t dim) {
  const double limit = 2147483647.0 / (double(dim) * 127.0 * 1.01);
  return static_cast<int32_t>(std::min(32767.0, std::floor(limit)));
}

std::string quote(std::string_view id) {
  std::string s = "'";
  s.append(id.substr(0, 64));
  if (id.size() > 64) s += "...";
  return s + "'";
}

}  // namespace

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
}

bool FlatIndex::contains(std::string_view id) const { return slot_of_.count(std::string(id)) != 0; }

std::vector<float> FlatIndex::prepare(std::span<const float> vectors, size_t n, const char* what) const {
  const size_t dim = opt_.dim;
  if (vectors.size() != n * dim)
    throw Error(ErrorCode::DimensionMismatch, std::string(what) + ": expected " + std::to_string(n) + " x " +
                                                  std::to_string(dim) + " = " + std::to_string(n * dim) +
                                                  " floats, got " + std::to_string(vectors.size()));
  std::vector<float> out(vectors.begin(), vectors.end());
  for (size_t i = 0; i < n; ++i) {
    float* v = out.data() + i * dim;
    double norm2 = 0;
    for (size_t j = 0; j < dim; ++j) {
      if (!std::isfinite(v[j]))
        throw Error(ErrorCode::InvalidValue, std::string(what) + ": vector " + std::to_string(i) + " has a non-finite value at " + std::to_string(j));
      norm2 += double(v[j]) * v[j];
    }
    if (opt_.metric == Metric::Cosine) {
      if (norm2 == 0) throw Error(ErrorCode::InvalidValue, std::string(what) + ": vector " + std::to_string(i) + " is all zeros (no direction for cosine)");
      const double inv = 1.0 / std::sqrt(norm2);
      for (size_t j = 0; j < dim; ++j) v[j] = static_cast<float>(v[j] * inv);
    }
  }
  return out;
}

void FlatIndex::append_slot() {
  const size_t dim = opt_.dim;
  const size_t n = ids_.size();  // the new slot is n-1 after the id was pushed
  const bool exact_copy = opt_.storage == Storage::F32 || opt_.rerank > 0;
  if (exact_copy) f32_.resize(n * dim);
  if (opt_.storage == Storage::F16) f16_.resize(n * dim);
  if (opt_.storage == Storage::I8) {
    i8_.resize(n * dim);
    i8_scale_.resize(n);
  }
}

void FlatIndex::store(size_t slot, const float* v) {
  const size_t dim = opt_.dim;
  if (opt_.storage == Storage::F32 || opt_.rerank > 0) std::memcpy(f32_.data() + slot * dim, v, dim * sizeof(float));
  if (opt_.storage == Storage::F16) {
    uint16_t* dst = f16_.data() + slot * dim;
    for (size_t j = 0; j < dim; ++j) dst[j] = float_to_half(v[j]);
  } else if (opt_.storage == Storage::I8) {
    float maxabs = 0;
    for (size_t j = 0; j < dim; ++j) maxabs = std::max(maxabs, std::fabs(v[j]));
    const float scale = maxabs / 127.0f;
    int8_t* dst = i8_.data() + slot * dim;
    for (size_t j = 0; j < dim; ++j) {
      const float q = scale > 0 ? std::nearbyint(v[j] / scale) : 0.0f;
      dst[j] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
    }
    i8_scale_[slot] = scale;
  }
}

void FlatIndex::add(std::span<const std::string> ids, std::span<const float> vectors) {
  const size_t n = ids.size();
  std::vector<float> prepared = prepare(vectors, n, "add");
  std::unordered_set<std::string_view> batch;
  for (const auto& id : ids) {
    if (id.size() > kMaxIdBytes) throw Error(ErrorCode::InvalidArgument, "add: id longer than " + std::to_string(kMaxIdBytes) + " bytes");
    if (slot_of_.count(id)) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " is already in the index (use update to replace it)");
    if (!batch.insert(id).second) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " appears twice in the batch");
  }
  ids_.reserve(ids_.size() + n);
  for (size_t i = 0; i < n; ++i) {
    const size_t slot = ids_.size();
    ids_.push_back(ids[i]);
    seq_.push_back(next_seq_++);
    slot_of_.emplace(ids[i], static_cast<uint32_t>(slot));
    append_slot();
    store(slot, prepared.data() + i * opt_.dim);
  }
}

void FlatIndex::update(std::span<const std::string> ids, std::span<const float> vectors) {
  const size_t n = ids.size();
  std::vector<float> prepared = prepare(vectors, n, "update");
  std::vector<uint32_t> slots;
  slots.reserve(n);
  for (const auto& id : ids) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) throw Error(ErrorCode::NotFound, "update: id " + quote(id) + " is not in the index");
    slots.push_back(it->second);
  }
  for (size_t i = 0; i < n; ++i) store(slots[i], prepared.data() + i * opt_.dim);
}

void FlatIndex::move_slot(size_t from, size_t to) {
  const size_t dim = opt_.dim;
  ids_[to] = std::move(ids_[from]);
  seq_[to] = seq_[from];
  slot_of_[ids_[to]] = static_cast<uint32_t>(to);
  if (!f32_.empty()) std::memcpy(f32_.data() + to * dim, f32_.data() + from * dim, dim * sizeof(float));
  if (!f16_.empty()) std::memcpy(f16_.data() + to * dim, f16_.data() + from * dim, dim * sizeof(uint16_t));
  if (!i8_.empty()) {
    std::memcpy(i8_.data() + to * dim, i8_.data() + from * dim, dim);
    i8_scale_[to] = i8_scale_[from];
  }
}

void FlatIndex::pop_slot() {
  const size_t dim = opt_.dim;
  ids_.pop_back();
  seq_.pop_back();
  if (!f32_.empty()) f32_.resize(f32_.size() - dim);
  if (!f16_.empty()) f16_.resize(f16_.size() - dim);
  if (!i8_.empty()) {
    i8_.resize(i8_.size() - dim);
    i8_scale_.pop_back();
  }
}

size_t FlatIndex::remove(std::span<const std::string> ids) {
  size_t removed = 0;
  for (const auto& id : ids) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) continue;
    const size_t slot = it->second;
    slot_of_.erase(it);
    const size_t last = ids_.size() - 1;
    if (slot != last) move_slot(last, slot);  // order does not matter: ties use seq_
    pop_slot();
    ++removed;
  }
  return removed;
}

std::vector<float> FlatIndex::get(std::string_view id) const {
  auto it = slot_of_.find(std::string(id));
  if (it == slot_of_.end()) throw Error(ErrorCode::NotFound, "get: id " + quote(id) + " is not in the index");
  const size_t dim = opt_.dim, slot = it->second;
  std::vector<float> out(dim);
  if (opt_.storage == Storage::F32 || opt_.rerank > 0) {
    std::memcpy(out.data(), f32_.data() + slot * dim, dim * sizeof(float));
  } else if (opt_.storage == Storage::F16) {
    for (size_t j = 0; j < dim; ++j) out[j] = half_to_float(f16_[slot * dim + j]);
  } else {
    for (size_t j = 0; j < dim; ++j) out[j] = i8_[slot * dim + j] * i8_scale_[slot];
  }
  return out;
}

float FlatIndex::exact_score(size_t slot, const float* q) const {
  return kernels::dot_f32(q, f32_.data() + slot * opt_.dim, opt_.dim);
}

float FlatIndex::score_slot(size_t slot, const float* q, const int16_t* q16, float qscale) const {
  const size_t dim = opt_.dim;
  switch (opt_.storage) {
    case Storage::F32: return kernels::dot_f32(q, f32_.data() + slot * dim, dim);
    case Storage::F16: return kernels::dot_f16(q, f16_.data() + slot * dim, dim);
    case Storage::I8: return float(kernels::dot_i8(q16, i8_.data() + slot * dim, dim)) * qscale * i8_scale_[slot];
  }
  return 0;
}

std::vector<SearchHit> FlatIndex::search(std::span<const float> query, size_t k,
                                         const std::function<bool(std::string_view)>& keep) const {
  std::vector<float> q = prepare(query, 1, "search");
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

  const bool rerank = opt_.rerank > 0;
  TopK top(rerank ? std::min(n, k * opt_.rerank) : k);
  // Score blocks of rows with the multi-row kernels, then select; filtering happens at selection.
  constexpr size_t kBlock = 256;
  float scores[kBlock];
  int32_t iscores[kBlock];
  for (size_t begin = 0; begin < n; begin += kBlock) {
    const size_t count = std::min(kBlock, n - begin);
    if (opt_.storage == Storage::F32) {
      kernels::dot_f32_rows(q.data(), f32_.data() + begin * dim, dim, count, scores);
    } else if (opt_.storage == Storage::I8) {
      kernels::dot_i8_rows(q16.data(), i8_.data() + begin * dim, dim, count, iscores);
      for (size_t r = 0; r < count; ++r) scores[r] = float(iscores[r]) * qscale * i8_scale_[begin + r];
    } else {
      kernels::dot_f16_rows(q.data(), f16_.data() + begin * dim, dim, count, scores);
    }
    for (size_t r = 0; r < count; ++r) {
      const size_t slot = begin + r;
      if (keep && !keep(ids_[slot])) continue;
      top.push(static_cast<uint32_t>(slot), scores[r], seq_[slot]);
    }
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
  std::vector<float> q = prepare(query, 1, "score_all");
  const size_t n = ids_.size(), dim = opt_.dim;
  if (opt_.storage == Storage::F32 || opt_.rerank > 0) {
    kernels::dot_f32_rows(q.data(), f32_.data(), dim, n, out);
  } else if (opt_.storage == Storage::F16) {
    kernels::dot_f16_rows(q.data(), f16_.data(), dim, n, out);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = get_score_i8(i, q);
  }
}

float FlatIndex::get_score_i8(size_t slot, const std::vector<float>& q) const {
  // exact against the dequantized vector: score_all serves fusion and re-ranking, not the fast scan
  const size_t dim = opt_.dim;
  float s = 0;
  for (size_t j = 0; j < dim; ++j) s += q[j] * float(i8_[slot * dim + j]);
  return s * i8_scale_[slot];
}

// Layout (little-endian): magic[8] version:u32 dim:u32 storage:u8 metric:u8 reserved:u16 rerank:u32
// count:u64 next_seq:u64, then per item (id:str seq:u64), then the vector blocks, then crc32 of all
// preceding bytes.
std::vector<uint8_t> FlatIndex::to_bytes() const {
  ByteWriter w;
  const size_t n = ids_.size();
  w.reserve(64 + n * 16 + f32_.size() * 4 + f16_.size() * 2 + i8_.size() + i8_scale_.size() * 4);
  w.raw(kMagic, 8);
  w.u32(kFormatVersion);
  w.u32(opt_.dim);
  w.u8(static_cast<uint8_t>(opt_.storage));
  w.u8(static_cast<uint8_t>(opt_.metric));
  w.u16(0);
  w.u32(opt_.rerank);
  w.u64(n);
  w.u64(next_seq_);
  for (size_t i = 0; i < n; ++i) {
    w.str(ids_[i]);
    w.u64(seq_[i]);
  }
  // Raw little-endian blocks: both targets (x86-64, wasm32) are little-endian.
  static_assert(std::endian::native == std::endian::little);
  if (!f32_.empty()) w.raw(f32_.data(), f32_.size() * sizeof(float));
  if (!f16_.empty()) w.raw(f16_.data(), f16_.size() * sizeof(uint16_t));
  if (!i8_.empty()) {
    w.raw(i8_.data(), i8_.size());
    w.raw(i8_scale_.data(), i8_scale_.size() * sizeof(float));
  }
  auto& out = w.bytes();
  const uint32_t crc = crc32(out.data(), out.size());
  w.u32(crc);
  return std::move(out);
}

FlatIndex FlatIndex::from_bytes(std::span<const uint8_t> bytes) {
  const char* what = "index bytes";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw Error(ErrorCode::CorruptData, std::string(what) + ": not a clipfind index (bad magic)");
  // magic 8, version 4, dim 4, storage 1, metric 1, reserved 2, rerank 4, count 8, next seq 8, CRC 4.
  if (bytes.size() < 44) throw Error(ErrorCode::CorruptData, std::string(what) + ": truncated header (" + std::to_string(bytes.size()) + " bytes)");
  const size_t body = bytes.size() - 4;
  uint32_t stored_crc = 0;
  for (int i = 0; i < 4; ++i) stored_crc |= uint32_t(bytes[body + i]) << (8 * i);
  if (crc32(bytes.data(), body) != stored_crc)
    throw Error(ErrorCode::CorruptData, std::string(what) + ": checksum mismatch (damaged or truncated, " + std::to_string(bytes.size()) + " bytes)");
  ByteReader header(bytes, what);
  header.take(8);
  const uint32_t version = header.u32();
  if (version != kFormatVersion)
    throw Error(ErrorCode::UnsupportedVersion, std::string(what) + ": format version " + std::to_string(version) + " (this build reads " + std::to_string(kFormatVersion) + ")");

  ByteReader r(bytes.first(body), what);
  r.take(12);
  IndexOptions opt;
  opt.dim = r.u32();
  const uint8_t storage = r.u8(), metric = r.u8();
  r.u16();
  opt.rerank = r.u32();
  if (storage > 2) r.fail("unknown storage kind " + std::to_string(storage));
  if (metric > 1) r.fail("unknown metric " + std::to_string(metric));
  if (opt.dim == 0 || opt.dim > kMaxDim) r.fail("bad dimension " + std::to_string(opt.dim));
  if (opt.rerank > 1024 || (storage == 0 && opt.rerank != 0)) r.fail("bad rerank " + std::to_string(opt.rerank));
  opt.storage = static_cast<Storage>(storage);
  opt.metric = static_cast<Metric>(metric);
  const uint64_t n = r.u64();
  const uint64_t next_seq = r.u64();
  if (n > r.remaining() / 12) r.fail("item count " + std::to_string(n) + " exceeds the data");  // each item needs >= 12 bytes

  FlatIndex index(opt);
  index.next_seq_ = next_seq;
  index.ids_.reserve(n);
  index.seq_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string id = r.str(kMaxIdBytes);
    const uint64_t seq = r.u64();
    if (seq >= next_seq) r.fail("item sequence number out of range");
    if (!index.slot_of_.emplace(id, static_cast<uint32_t>(i)).second) r.fail("duplicate id " + quote(id));
    index.ids_.push_back(std::move(id));
    index.seq_.push_back(seq);
  }
  const size_t dim = opt.dim;
  const bool exact_copy = opt.storage == Storage::F32 || opt.rerank > 0;
  size_t need = 0;
  if (exact_copy) need += n * dim * 4;
  if (opt.storage == Storage::F16) need += n * dim * 2;
  if (opt.storage == Storage::I8) need += n * dim + n * 4;
  if (need != r.remaining()) r.fail("vector data is " + std::to_string(r.remaining()) + " bytes, expected " + std::to_string(need));
  if (exact_copy) {
    index.f32_.resize(n * dim);
    std::memcpy(index.f32_.data(), r.take(n * dim * 4), n * dim * 4);
    for (float x : index.f32_)
      if (!std::isfinite(x)) r.fail("non-finite vector value");
  }
  if (opt.storage == Storage::F16) {
    index.f16_.resize(n * dim);
    std::memcpy(index.f16_.data(), r.take(n * dim * 2), n * dim * 2);
    for (uint16_t h : index.f16_)
      if ((h & 0x7C00u) == 0x7C00u) r.fail("non-finite f16 value");
  }
  if (opt.storage == Storage::I8) {
    index.i8_.resize(n * dim);
    std::memcpy(index.i8_.data(), r.take(n * dim), n * dim);
    index.i8_scale_.resize(n);
    std::memcpy(index.i8_scale_.data(), r.take(n * 4), n * 4);
    for (float s : index.i8_scale_)
      if (!std::isfinite(s) || s < 0) r.fail("bad i8 scale");
  }
  // add() stores cosine vectors at unit length; anything else (a zero vector above all) would give
  // searches without a direction, so it is damage. Tolerances cover each storage's rounding.
  if (opt.metric == Metric::Cosine) {
    for (size_t i = 0; i < n; ++i) {
      double norm2 = 0, tolerance = 1e-3;
      if (exact_copy) {
        for (size_t j = 0; j < dim; ++j) norm2 += double(index.f32_[i * dim + j]) * index.f32_[i * dim + j];
      } else if (opt.storage == Storage::F16) {
        for (size_t j = 0; j < dim; ++j) norm2 += double(half_to_float(index.f16_[i * dim + j])) * half_to_float(index.f16_[i * dim + j]);
        tolerance = 2e-2;
      } else {
        for (size_t j = 0; j < dim; ++j) norm2 += double(index.i8_[i * dim + j]) * index.i8_[i * dim + j];
        norm2 *= double(index.i8_scale_[i]) * index.i8_scale_[i];
        tolerance = 0.5;
      }
      if (!(std::fabs(std::sqrt(norm2) - 1.0) <= tolerance)) r.fail("vector " + std::to_string(i) + " is not unit length (norm " + std::to_string(std::sqrt(norm2)) + ")");
    }
  }
  return index;
}

size_t FlatIndex::memory_bytes() const {
  size_t bytes = f32_.capacity() * 4 + f16_.capacity() * 2 + i8_.capacity() + i8_scale_.capacity() * 4 + seq_.capacity() * 8;
  for (const auto& id : ids_) bytes += sizeof(std::string) + (id.size() > 15 ? id.capacity() : 0);
  bytes += slot_of_.size() * (sizeof(std::string) + 4 + 2 * sizeof(void*)) + slot_of_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace clipfind
