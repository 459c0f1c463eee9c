// FlatIndex serialization: writing in pieces straight from the blocks, and reading through
// IndexLoader straight into them.
//
// Layout (little-endian): magic[8] version:u32 dim:u32 storage:u8 metric:u8 reserved:u16 rerank:u32
// count:u64 next_seq:u64, then per item (id:str seq:u64), then the vector sections (the f32 copy when
// storage is f32 or rerank > 0; the f16 rows; the i8 rows then their f32 scales), then crc32 of all
// preceding bytes. A str is a u32 byte length and the UTF-8 bytes.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "common/bytes.hpp"
#include "common/crc32.hpp"
#include "index/f16.hpp"
#include "index/flat_index.hpp"
#include "index/index_loader.hpp"

namespace clipfind {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'F', 'I', 'D', 'X'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 40;  // magic to next_seq
constexpr const char* kWhat = "index bytes";
// Raw little-endian blocks: both targets (x86-64, wasm32) are little-endian.
static_assert(std::endian::native == std::endian::little);

uint64_t le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

}  // namespace

size_t FlatIndex::serialized_size() const {
  const size_t n = ids_.size(), dim = opt_.dim;
  size_t bytes = kHeaderBytes + n * 12 + 4;
  for (const auto& id : ids_) bytes += id.size();
  if (exact_copy()) bytes += n * dim * 4;
  if (opt_.storage == Storage::F16) bytes += n * dim * 2;
  if (opt_.storage == Storage::I8) bytes += n * dim + n * 4;
  return bytes;
}

void FlatIndex::write_bytes(const std::function<void(const uint8_t*, size_t)>& sink) const {
  const size_t n = ids_.size();
  uint32_t crc = 0;
  auto emit = [&](const void* p, size_t size) {
    if (size == 0) return;
    crc = crc32(static_cast<const uint8_t*>(p), size, crc);
    sink(static_cast<const uint8_t*>(p), size);
  };
  // Header and ids go through a small buffer, flushed every 64 KiB.
  ByteWriter w;
  auto flush = [&] {
    emit(w.bytes().data(), w.bytes().size());
    w.bytes().clear();
  };
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
    if (w.bytes().size() >= 65536) flush();
  }
  flush();
  // Vector sections come straight from the blocks.
  auto rows = [&](const auto& store) {
    store.for_each_run(n, SIZE_MAX, [&](const auto* p, size_t, size_t count) { emit(p, count * store.width() * sizeof(*p)); });
  };
  if (exact_copy()) rows(f32_);
  if (opt_.storage == Storage::F16) {
    // Tiled in memory, rows in natural order in the file: gathered through a 64 KiB buffer (a
    // sink call per row would cross into JS 100k times for a 100k index).
    const size_t per = std::max<size_t>(1, 65536 / (opt_.dim * sizeof(uint16_t)));
    std::vector<uint16_t> buf(per * opt_.dim);
    for (size_t i = 0; i < n; i += per) {
      const size_t count = std::min(per, n - i);
      for (size_t r = 0; r < count; ++r) f16_.get_row(i + r, buf.data() + r * opt_.dim);
      emit(buf.data(), count * opt_.dim * sizeof(uint16_t));
    }
  }
  if (opt_.storage == Storage::I8) {
    rows(i8_);
    emit(i8_scale_.data(), n * sizeof(float));
  }
  uint8_t tail[4];
  for (int i = 0; i < 4; ++i) tail[i] = static_cast<uint8_t>(crc >> (8 * i));
  sink(tail, 4);
}

std::vector<uint8_t> FlatIndex::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(serialized_size());
  write_bytes([&](const uint8_t* p, size_t size) { out.insert(out.end(), p, p + size); });
  return out;
}

FlatIndex FlatIndex::from_bytes(std::span<const uint8_t> bytes) {
  IndexLoader loader(bytes.size());
  loader.feed(bytes.data(), bytes.size());
  return loader.finish();
}

IndexLoader::IndexLoader(size_t total) : total_(total) {
  if (total < 8) throw Error(ErrorCode::CorruptData, std::string(kWhat) + ": not a clipfind index (bad magic)");
  if (total >= kHeaderBytes + 4) body_ = total - 4;
}

void IndexLoader::feed(const uint8_t* data, size_t size) {
  if (size > total_ - pos_) throw Error(ErrorCode::InvalidArgument, std::string(kWhat) + ": more bytes than announced");
  const size_t at = pos_;
  if (at < kHeaderBytes) {  // the magic and the header size are checked before anything else
    const size_t take = std::min(size, kHeaderBytes - at);
    buf_.insert(buf_.end(), data, data + take);
    if (at < 8 && at + size >= 8) {
      if (std::memcmp(buf_.data(), kMagic, 8) != 0) throw Error(ErrorCode::CorruptData, std::string(kWhat) + ": not a clipfind index (bad magic)");
      if (body_ == 0) throw Error(ErrorCode::CorruptData, std::string(kWhat) + ": truncated header (" + std::to_string(total_) + " bytes)");
    }
  }
  pos_ += size;
  if (body_ == 0) return;  // still before byte 8 of a short input: the check above will fire
  const size_t in_body = at < body_ ? std::min(size, body_ - at) : 0;
  crc_ = crc32(data, in_body, crc_);
  for (size_t i = in_body; i < size; ++i) stored_crc_[at + i - body_] = data[i];
  if (phase_ != Phase::Skip) parse(data, in_body);
}

void IndexLoader::parse(const uint8_t* data, size_t size) {
  if (phase_ == Phase::Header) {  // buf_ already holds what arrived of the header (feed)
    const size_t take = std::min(size, kHeaderBytes - parsed_);
    parsed_ += take;
    data += take;
    size -= take;
    if (parsed_ < kHeaderBytes) return;
    parse_header();
  }
  while (size > 0 && phase_ != Phase::Skip) {
    if (phase_ == Phase::Vectors) {
      copy_vectors(data, size);
      return;
    }
    const size_t want = phase_ == Phase::ItemLength ? 4 : size_t(id_len_) + 8;
    if (!gather(data, size, want)) return;
    if (phase_ == Phase::ItemLength) {
      id_len_ = static_cast<uint32_t>(le(buf_.data(), 4));
      if (id_len_ > FlatIndex::kMaxIdBytes) {
        fail("string length " + std::to_string(id_len_) + " exceeds limit", parsed_);
      } else if (need(id_len_, parsed_) && need(8, parsed_ + id_len_)) {
        phase_ = Phase::Item;
        buf_.clear();
      }
    } else {
      parse_item();
    }
  }
}

bool IndexLoader::gather(const uint8_t*& data, size_t& size, size_t want) {
  const size_t take = std::min(size, want - buf_.size());
  buf_.insert(buf_.end(), data, data + take);
  data += take;
  size -= take;
  parsed_ += take;
  return buf_.size() == want;
}

void IndexLoader::fail(const std::string& why, size_t at) {
  if (!error_) error_.emplace(ErrorCode::CorruptData, std::string(kWhat) + ": " + why + " at byte " + std::to_string(at));
  phase_ = Phase::Skip;
  index_.reset();  // nothing more is read into it
}

bool IndexLoader::need(size_t n, size_t at) {
  if (n <= body_ - at) return true;
  fail("truncated (needs " + std::to_string(n) + " more bytes, has " + std::to_string(body_ - at) + ")", at);
  return false;
}

void IndexLoader::parse_header() {
  const uint8_t* h = buf_.data();
  const uint32_t version = static_cast<uint32_t>(le(h + 8, 4));
  if (version != kFormatVersion) {
    error_.emplace(ErrorCode::UnsupportedVersion, std::string(kWhat) + ": format version " + std::to_string(version) + " (this build reads " + std::to_string(kFormatVersion) + ")");
    phase_ = Phase::Skip;
    return;
  }
  IndexOptions opt;
  opt.dim = static_cast<uint32_t>(le(h + 12, 4));
  const uint8_t storage = h[16], metric = h[17];
  opt.rerank = static_cast<uint32_t>(le(h + 20, 4));
  if (storage > 2) return fail("unknown storage kind " + std::to_string(storage), 24);
  if (metric > 1) return fail("unknown metric " + std::to_string(metric), 24);
  if (opt.dim == 0 || opt.dim > FlatIndex::kMaxDim) return fail("bad dimension " + std::to_string(opt.dim), 24);
  if (opt.rerank > 1024 || (storage == 0 && opt.rerank != 0)) return fail("bad rerank " + std::to_string(opt.rerank), 24);
  opt.storage = static_cast<Storage>(storage);
  opt.metric = static_cast<Metric>(metric);
  count_ = le(h + 24, 8);
  next_seq_ = le(h + 32, 8);
  // each item needs >= 12 bytes
  if (count_ > (body_ - kHeaderBytes) / 12) return fail("item count " + std::to_string(count_) + " exceeds the data", kHeaderBytes);
  index_.emplace(opt);
  index_->next_seq_ = next_seq_;
  index_->ids_.reserve(count_);
  index_->seq_.reserve(count_);
  index_->slot_of_.reserve(count_);
  buf_.clear();
  if (count_ == 0) return start_vectors();
  if (need(4, parsed_)) phase_ = Phase::ItemLength;
}

void IndexLoader::parse_item() {
  std::string id(reinterpret_cast<const char*>(buf_.data()), id_len_);
  const uint64_t seq = le(buf_.data() + id_len_, 8);
  buf_.clear();
  if (seq >= next_seq_) return fail("item sequence number out of range", parsed_);
  if (!index_->slot_of_.emplace(id, static_cast<uint32_t>(items_)).second) return fail("duplicate id " + FlatIndex::quote(id), parsed_);
  index_->ids_.push_back(std::move(id));
  index_->seq_.push_back(seq);
  if (++items_ < count_) {
    if (need(4, parsed_)) phase_ = Phase::ItemLength;
  } else {
    start_vectors();
  }
}

void IndexLoader::start_vectors() {
  const IndexOptions& opt = index_->options();
  const size_t n = count_, dim = opt.dim;
  if (index_->exact_copy()) regions_.push_back({Region::F32, n * dim * 4});
  if (opt.storage == Storage::F16) regions_.push_back({Region::F16, n * dim * 2});
  if (opt.storage == Storage::I8) {
    regions_.push_back({Region::I8, n * dim});
    regions_.push_back({Region::Scales, n * 4});
  }
  size_t want = 0;
  for (const Region& r : regions_) want += r.bytes;
  if (want != body_ - parsed_) return fail("vector data is " + std::to_string(body_ - parsed_) + " bytes, expected " + std::to_string(want), parsed_);
  if (opt.storage == Storage::I8) index_->i8_scale_.resize(n);
  phase_ = Phase::Vectors;
}

namespace {

// Copies bytes that continue a section into its rows, pushing each row as it begins.
template <class T>
void fill_rows(BlockStore<T>& store, size_t done, const uint8_t* p, size_t size) {
  const size_t row_bytes = store.width() * sizeof(T);
  while (size > 0) {
    const size_t r = done / row_bytes, o = done % row_bytes;
    if (o == 0) store.push();
    const size_t take = std::min(size, row_bytes - o);
    std::memcpy(reinterpret_cast<uint8_t*>(store.row(r)) + o, p, take);
    p += take;
    size -= take;
    done += take;
  }
}

// The same for f16 rows, each byte to its place in the tiles.
void fill_rows(HalfTiles& store, size_t done, const uint8_t* p, size_t size) {
  const size_t row_bytes = store.width() * sizeof(uint16_t);
  while (size > 0) {
    const size_t r = done / row_bytes, o = done % row_bytes;
    if (o == 0) store.push();
    size_t contiguous;
    uint8_t* dst = store.bytes_at(r, o, contiguous);
    const size_t take = std::min(size, contiguous);
    std::memcpy(dst, p, take);
    p += take;
    size -= take;
    done += take;
  }
}

}  // namespace

void IndexLoader::copy_vectors(const uint8_t* data, size_t size) {
  parsed_ += size;
  while (size > 0) {
    const Region& r = regions_[region_];
    const size_t take = std::min(size, r.bytes - region_done_);
    switch (r.kind) {
      case Region::F32: fill_rows(index_->f32_, region_done_, data, take); break;
      case Region::F16: fill_rows(index_->f16_, region_done_, data, take); break;
      case Region::I8: fill_rows(index_->i8_, region_done_, data, take); break;
      case Region::Scales: std::memcpy(reinterpret_cast<uint8_t*>(index_->i8_scale_.data()) + region_done_, data, take); break;
    }
    data += take;
    size -= take;
    region_done_ += take;
    if (region_done_ == r.bytes) {
      ++region_;
      region_done_ = 0;
    }
  }
}

// Values no add() could have stored. add() stores cosine vectors at unit length; anything else (a
// zero vector above all) would give searches without a direction, so it is damage. Tolerances cover
// each storage's rounding.
void IndexLoader::check_values() {
  const FlatIndex& ix = *index_;
  const IndexOptions& opt = ix.options();
  const size_t n = count_, dim = opt.dim;
  size_t end = body_ - [&] {
    size_t after = 0;
    for (const Region& r : regions_) after += r.bytes;
    return after;
  }();
  if (ix.exact_copy()) {
    end += n * dim * 4;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < dim; ++j)
        if (!std::isfinite(ix.f32_.row(i)[j])) return fail("non-finite vector value", end);
  }
  std::vector<uint16_t> halves(opt.storage == Storage::F16 ? dim : 0);
  if (opt.storage == Storage::F16) {
    end += n * dim * 2;
    for (size_t i = 0; i < n; ++i) {
      ix.f16_.get_row(i, halves.data());
      for (size_t j = 0; j < dim; ++j)
        if ((halves[j] & 0x7C00u) == 0x7C00u) return fail("non-finite f16 value", end);
    }
  }
  if (opt.storage == Storage::I8)
    for (float s : ix.i8_scale_)
      if (!std::isfinite(s) || s < 0) return fail("bad i8 scale", body_);
  if (opt.metric != Metric::Cosine) return;
  for (size_t i = 0; i < n; ++i) {
    double norm2 = 0, tolerance = 1e-3;
    if (ix.exact_copy()) {
      const float* v = ix.f32_.row(i);
      for (size_t j = 0; j < dim; ++j) norm2 += double(v[j]) * v[j];
    } else if (opt.storage == Storage::F16) {
      const uint16_t* v = halves.data();
      ix.f16_.get_row(i, halves.data());
      for (size_t j = 0; j < dim; ++j) norm2 += double(half_to_float(v[j])) * half_to_float(v[j]);
      tolerance = 2e-2;
    } else {
      const int8_t* v = ix.i8_.row(i);
      for (size_t j = 0; j < dim; ++j) norm2 += double(v[j]) * v[j];
      norm2 *= double(ix.i8_scale_[i]) * ix.i8_scale_[i];
      tolerance = 0.5;
    }
    if (!(std::fabs(std::sqrt(norm2) - 1.0) <= tolerance))
      return fail("vector " + std::to_string(i) + " is not unit length (norm " + std::to_string(std::sqrt(norm2)) + ")", body_);
  }
}

FlatIndex IndexLoader::finish() {
  if (pos_ != total_) throw Error(ErrorCode::InvalidArgument, std::string(kWhat) + ": " + std::to_string(pos_) + " of " + std::to_string(total_) + " bytes fed");
  if (crc_ != static_cast<uint32_t>(le(stored_crc_, 4)))
    throw Error(ErrorCode::CorruptData, std::string(kWhat) + ": checksum mismatch (damaged or truncated, " + std::to_string(total_) + " bytes)");
  if (!error_ && phase_ != Phase::Vectors) fail("truncated", body_);  // cannot happen: every size was checked
  if (!error_) check_values();
  if (error_) throw *error_;
  return std::move(*index_);
}

}  // namespace clipfind
