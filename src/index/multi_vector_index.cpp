#include "index/multi_vector_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "common/error.hpp"
#include "index/f16.hpp"
#include "index/maxsim_kernels.hpp"
#include "index/token_pooling.hpp"
#include "index/topk.hpp"

namespace clipfind {
namespace {

std::string quote(std::string_view id) {
  std::string s = "'";
  s.append(id.substr(0, 64));
  if (id.size() > 64) s += "...";
  return s + "'";
}

}  // namespace

MultiVectorIndex::MultiVectorIndex(const MultiVectorOptions& options) : opt_(options) {
  if (opt_.dim == 0 || opt_.dim > kMaxDim)
    throw Error(ErrorCode::InvalidArgument, "dim must be in 1.." + std::to_string(kMaxDim) + ", got " + std::to_string(opt_.dim));
  if (opt_.storage != Storage::F32 && opt_.storage != Storage::F16 && opt_.storage != Storage::I8)
    throw Error(ErrorCode::InvalidArgument, "unknown storage kind");
  if (opt_.pool_factor > kMaxPoolFactor)
    throw Error(ErrorCode::InvalidArgument, "pool factor must be in 0.." + std::to_string(kMaxPoolFactor));
  if (opt_.pool_factor == 1) opt_.pool_factor = 0;  // the same thing: no pooling
}

bool MultiVectorIndex::contains(std::string_view id) const { return slot_of_.count(std::string(id)) != 0; }

size_t MultiVectorIndex::count_of(std::string_view id) const {
  auto it = slot_of_.find(std::string(id));
  if (it == slot_of_.end()) throw Error(ErrorCode::NotFound, "id " + quote(id) + " is not in the index");
  return items_[it->second].count;
}

std::vector<std::string> MultiVectorIndex::ids() const {
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const Item& item : items_) out.push_back(item.id);
  return out;
}

MultiVectorIndex::Item MultiVectorIndex::make_item(const float* given, size_t given_count) const {
  const size_t dim = opt_.dim;
  std::vector<float> pooled;
  const float* v = given;
  size_t count = given_count;
  if (opt_.pool_factor > 1) {
    pooled = pool_tokens(given, given_count, dim, opt_.pool_factor);
    v = pooled.data();
    count = pooled.size() / dim;
  }
  Item item;
  item.count = uint32_t(count);
  item.data = new_block<uint8_t>(std::max<size_t>(1, count * dim * value_bytes()));
  if (opt_.storage == Storage::F32) {
    std::memcpy(item.data.get(), v, count * dim * 4);
  } else if (opt_.storage == Storage::F16) {
    auto* dst = reinterpret_cast<uint16_t*>(item.data.get());
    for (size_t i = 0; i < count * dim; ++i) dst[i] = float_to_half(v[i]);
  } else {
    auto* dst = reinterpret_cast<int8_t*>(item.data.get());
    item.scale.resize(count);
    for (size_t r = 0; r < count; ++r) {
      float maxabs = 0;
      for (size_t j = 0; j < dim; ++j) maxabs = std::max(maxabs, std::fabs(v[r * dim + j]));
      const float scale = maxabs / 127.0f;
      item.scale[r] = scale;
      for (size_t j = 0; j < dim; ++j) {
        const float q = scale > 0 ? std::nearbyint(v[r * dim + j] / scale) : 0.0f;
        dst[r * dim + j] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
      }
    }
  }
  return item;
}

void MultiVectorIndex::reset_staged() {
  staged_counts_.clear();
  staged_.clear();
}

void MultiVectorIndex::add(std::span<const std::string> ids, std::span<const float> vectors, std::span<const uint32_t> counts) {
  begin_add(counts);
  uint64_t total = 0;
  for (uint32_t c : counts) total += c;
  if (vectors.size() != total * opt_.dim) {
    reset_staged();
    throw Error(ErrorCode::DimensionMismatch, "add: counts sum to " + std::to_string(total) + " vectors x " + std::to_string(opt_.dim) +
                                                  " = " + std::to_string(total * opt_.dim) + " floats, got " + std::to_string(vectors.size()));
  }
  stage_add(vectors);
  commit_add(ids);
}

void MultiVectorIndex::begin_add(std::span<const uint32_t> counts) {
  reset_staged();
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] == 0 || counts[i] > kMaxVectorsPerItem)
      throw Error(ErrorCode::InvalidArgument, "add: item " + std::to_string(i) + " has " + std::to_string(counts[i]) +
                                                  " vectors (expected 1.." + std::to_string(kMaxVectorsPerItem) + ")");
  staged_counts_.assign(counts.begin(), counts.end());
  staged_.reserve(counts.size());
}

void MultiVectorIndex::stage_add(std::span<const float> vectors) {
  const size_t dim = opt_.dim;
  try {
    // Whole items only, in order.
    size_t at = 0;
    std::vector<std::pair<size_t, size_t>> items;  // (offset, count) of each item in this piece
    for (size_t i = staged_.size() + items.size(); at < vectors.size(); i = staged_.size() + items.size()) {
      if (i >= staged_counts_.size()) throw Error(ErrorCode::InvalidArgument, "add: more vectors than the counts declare");
      const size_t floats = size_t(staged_counts_[i]) * dim;
      if (floats > vectors.size() - at) throw Error(ErrorCode::InvalidArgument, "add: a piece must hold whole items");
      items.emplace_back(at, staged_counts_[i]);
      at += floats;
    }
    for (size_t j = 0; j < vectors.size(); ++j)
      if (!std::isfinite(vectors[j])) {
        const size_t item = staged_.size() + std::upper_bound(items.begin(), items.end(), std::pair(j, SIZE_MAX)) - items.begin() - 1;
        throw Error(ErrorCode::InvalidValue, "add: item " + std::to_string(item) + " has a non-finite value");
      }
    for (auto [offset, count] : items) staged_.push_back(make_item(vectors.data() + offset, count));
  } catch (...) {
    reset_staged();
    throw;
  }
}

void MultiVectorIndex::commit_add(std::span<const std::string> ids) {
  try {
    if (ids.size() != staged_counts_.size())
      throw Error(ErrorCode::InvalidArgument, "add: " + std::to_string(ids.size()) + " ids for " + std::to_string(staged_counts_.size()) + " counts");
    if (staged_.size() != staged_counts_.size()) throw Error(ErrorCode::InvalidArgument, "add: fewer vectors than the counts declare");
    std::unordered_set<std::string_view> batch;
    for (const auto& id : ids) {
      if (id.size() > kMaxIdBytes) throw Error(ErrorCode::InvalidArgument, "add: id longer than " + std::to_string(kMaxIdBytes) + " bytes");
      if (slot_of_.count(id)) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " is already in the index");
      if (!batch.insert(id).second) throw Error(ErrorCode::DuplicateId, "add: id " + quote(id) + " appears twice in the batch");
    }
  } catch (...) {
    reset_staged();
    throw;
  }
  items_.reserve(items_.size() + ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    Item& item = staged_[i];
    item.id = ids[i];
    item.seq = next_seq_++;
    vectors_ += item.count;
    slot_of_.emplace(item.id, uint32_t(items_.size()));
    items_.push_back(std::move(item));
  }
  reset_staged();
}

size_t MultiVectorIndex::remove(std::span<const std::string> ids) {
  reset_staged();
  size_t removed = 0;
  for (const auto& id : ids) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) continue;
    const size_t slot = it->second, last = items_.size() - 1;
    slot_of_.erase(it);
    vectors_ -= items_[slot].count;
    if (slot != last) {  // order does not matter: ties use seq
      items_[slot] = std::move(items_[last]);
      slot_of_[items_[slot].id] = uint32_t(slot);
    }
    items_.pop_back();
    ++removed;
  }
  return removed;
}

void MultiVectorIndex::check_query(std::span<const float> query, size_t tokens) const {
  if (tokens == 0 || tokens > kMaxQueryTokens)
    throw Error(ErrorCode::InvalidArgument, "search: query token count must be in 1.." + std::to_string(kMaxQueryTokens) + ", got " + std::to_string(tokens));
  if (query.size() != tokens * opt_.dim)
    throw Error(ErrorCode::DimensionMismatch, "search: expected " + std::to_string(tokens) + " x " + std::to_string(opt_.dim) + " = " +
                                                  std::to_string(tokens * opt_.dim) + " floats, got " + std::to_string(query.size()));
  for (float x : query)
    if (!std::isfinite(x)) throw Error(ErrorCode::InvalidValue, "search: query has a non-finite value");
}

void MultiVectorIndex::scan(std::span<const float> query, size_t tokens, const std::function<bool(std::string_view)>& keep,
                            const std::function<void(size_t, float)>& score) const {
  check_query(query, tokens);
  const size_t dim = opt_.dim, tpad = maxsim::padded_tokens(tokens);
  std::vector<float> qt;
  maxsim::QuantQuery qq;
  if (opt_.storage == Storage::I8)
    qq = maxsim::quantize_query(query.data(), tokens, dim);
  else
    qt = maxsim::transpose_query(query.data(), tokens, dim);
  std::vector<float> best(tpad);
  for (size_t s = 0; s < items_.size(); ++s) {
    const Item& item = items_[s];
    if (keep && !keep(item.id)) continue;
    std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
    if (opt_.storage == Storage::F32)
      maxsim::max_f32(qt.data(), tpad, dim, reinterpret_cast<const float*>(item.data.get()), item.count, best.data());
    else if (opt_.storage == Storage::F16)
      maxsim::max_f16(qt.data(), tpad, dim, reinterpret_cast<const uint16_t*>(item.data.get()), item.count, best.data());
    else
      maxsim::max_i8(qq, tpad, dim, reinterpret_cast<const int8_t*>(item.data.get()), item.scale.data(), item.count, best.data());
    float total = 0;
    for (size_t t = 0; t < tokens; ++t) total += opt_.storage == Storage::I8 ? best[t] * qq.scale[t] : best[t];
    score(s, total);
  }
}

std::vector<SearchHit> MultiVectorIndex::search(std::span<const float> query, size_t tokens, size_t k,
                                                const std::function<bool(std::string_view)>& keep) const {
  TopK top(std::min(k, items_.size()));
  scan(query, tokens, keep, [&](size_t slot, float s) { top.push(uint32_t(slot), s, items_[slot].seq); });
  std::vector<SearchHit> out;
  for (const Hit& h : top.take_sorted()) out.push_back({items_[h.slot].id, h.score});
  return out;
}

void MultiVectorIndex::score_all(std::span<const float> query, size_t tokens, float* out) const {
  scan(query, tokens, {}, [&](size_t slot, float s) { out[slot] = s; });
}

size_t MultiVectorIndex::memory_bytes() const {
  size_t bytes = items_.capacity() * sizeof(Item) + slot_of_.bucket_count() * sizeof(void*);
  for (const Item& item : items_) {
    bytes += item.count * opt_.dim * value_bytes() + item.scale.capacity() * 4;
    bytes += (item.id.size() > 15 ? item.id.capacity() : 0) * 2 + sizeof(std::string) + 4 + 2 * sizeof(void*);
  }
  return bytes;
}

}  // namespace clipfind
