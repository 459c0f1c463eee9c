// MultiVectorIndex serialization, with FlatIndex's checks: magic, header size, checksum, version,
// structure, values, in that order (a truncated or bit-flipped file is a checksum mismatch).
//
// Layout (little-endian): magic[8] "CLIPFMVX", version:u32, dim:u32, storage:u8, reserved[3] (zero),
// pool_factor:u32, count:u64, next_seq:u64; per item (id:str seq:u64 vectors:u32); then per item, in
// the same order, its vectors (vectors × dim values: f32, f16 or i8) and for i8 their f32 scales; then
// crc32 of all preceding bytes. A str is a u32 byte length and the UTF-8 bytes.
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "common/bytes.hpp"
#include "common/crc32.hpp"
#include "common/error.hpp"
#include "index/multi_vector_index.hpp"

namespace clipfind {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'F', 'M', 'V', 'X'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 40;
constexpr const char* kWhat = "multi-vector index bytes";
static_assert(std::endian::native == std::endian::little);

std::string quote_id(const std::string& id) {
  std::string s = "'";
  s.append(id, 0, 64);
  s.append(id.size() > 64 ? "...'" : "'");
  return s;
}

}  // namespace

size_t MultiVectorIndex::serialized_size() const {
  size_t bytes = kHeaderBytes + 4;
  for (const Item& item : items_) {
    bytes += 16 + item.id.size() + item.count * opt_.dim * value_bytes();
    if (opt_.storage == Storage::I8) bytes += item.count * 4;
  }
  return bytes;
}

void MultiVectorIndex::write_bytes(const std::function<void(const uint8_t*, size_t)>& sink) const {
  uint32_t crc = 0;
  auto emit = [&](const void* p, size_t size) {
    if (size == 0) return;
    crc = crc32(static_cast<const uint8_t*>(p), size, crc);
    sink(static_cast<const uint8_t*>(p), size);
  };
  ByteWriter w;
  auto flush = [&] {
    emit(w.bytes().data(), w.bytes().size());
    w.bytes().clear();
  };
  w.raw(kMagic, 8);
  w.u32(kFormatVersion);
  w.u32(opt_.dim);
  w.u8(static_cast<uint8_t>(opt_.storage));
  w.u8(0);
  w.u16(0);
  w.u32(opt_.pool_factor);
  w.u64(items_.size());
  w.u64(next_seq_);
  for (const Item& item : items_) {
    w.str(item.id);
    w.u64(item.seq);
    w.u32(item.count);
    if (w.bytes().size() >= 65536) flush();
  }
  flush();
  for (const Item& item : items_) {  // straight from each item's storage
    emit(item.data.get(), item.count * opt_.dim * value_bytes());
    if (opt_.storage == Storage::I8) emit(item.scale.data(), item.count * 4);
  }
  uint8_t tail[4];
  for (int i = 0; i < 4; ++i) tail[i] = static_cast<uint8_t>(crc >> (8 * i));
  sink(tail, 4);
}

std::vector<uint8_t> MultiVectorIndex::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(serialized_size());
  write_bytes([&](const uint8_t* p, size_t size) { out.insert(out.end(), p, p + size); });
  return out;
}

MultiVectorIndex MultiVectorIndex::from_bytes(std::span<const uint8_t> bytes) {
  const std::string what = kWhat;
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw Error(ErrorCode::CorruptData, what + ": not a clipfind multi-vector index (bad magic)");
  if (bytes.size() < kHeaderBytes + 4) throw Error(ErrorCode::CorruptData, what + ": truncated header (" + std::to_string(bytes.size()) + " bytes)");
  const size_t body = bytes.size() - 4;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= uint32_t(bytes[body + i]) << (8 * i);
  if (crc32(bytes.data(), body) != stored)
    throw Error(ErrorCode::CorruptData, what + ": checksum mismatch (damaged or truncated, " + std::to_string(bytes.size()) + " bytes)");
  ByteReader r(bytes.first(body), kWhat);
  r.take(8);
  const uint32_t version = r.u32();
  if (version != kFormatVersion)
    throw Error(ErrorCode::UnsupportedVersion, what + ": format version " + std::to_string(version) + " (this build reads " + std::to_string(kFormatVersion) + ")");
  MultiVectorOptions opt;
  opt.dim = r.u32();
  const uint8_t storage = r.u8();
  if (r.u8() != 0 || r.u16() != 0) r.fail("reserved bytes are not zero");
  opt.pool_factor = r.u32();
  if (storage > 2) r.fail("unknown storage kind " + std::to_string(storage));
  if (opt.dim == 0 || opt.dim > kMaxDim) r.fail("bad dimension " + std::to_string(opt.dim));
  if (opt.pool_factor == 1 || opt.pool_factor > kMaxPoolFactor) r.fail("bad pool factor " + std::to_string(opt.pool_factor));
  opt.storage = static_cast<Storage>(storage);
  const uint64_t count = r.u64(), next_seq = r.u64();
  if (count > r.remaining() / 16) r.fail("item count " + std::to_string(count) + " exceeds the data");
  MultiVectorIndex index(opt);
  index.next_seq_ = next_seq;
  index.items_.reserve(count);
  index.slot_of_.reserve(count);
  const uint64_t row_bytes = uint64_t(opt.dim) * index.value_bytes() + (opt.storage == Storage::I8 ? 4 : 0);
  uint64_t data_bytes = 0;
  for (uint64_t i = 0; i < count; ++i) {
    Item item;
    item.id = r.str(kMaxIdBytes);
    item.seq = r.u64();
    item.count = r.u32();
    if (item.seq >= next_seq) r.fail("item sequence number out of range");
    if (item.count == 0 || item.count > kMaxVectorsPerItem) r.fail("bad vector count " + std::to_string(item.count));
    data_bytes += item.count * row_bytes;
    if (data_bytes > r.remaining()) r.fail("vector data exceeds the file");
    if (!index.slot_of_.emplace(item.id, uint32_t(i)).second) r.fail("duplicate id " + quote_id(item.id));
    index.items_.push_back(std::move(item));
  }
  if (data_bytes != r.remaining())
    r.fail("vector data is " + std::to_string(r.remaining()) + " bytes, expected " + std::to_string(data_bytes));
  const size_t values = opt.dim * index.value_bytes();
  for (Item& item : index.items_) {
    const size_t bytes_of = item.count * values;
    item.data = new_block<uint8_t>(std::max<size_t>(1, bytes_of));
    std::memcpy(item.data.get(), r.take(bytes_of), bytes_of);
    // Values no add() could have stored are damage.
    if (opt.storage == Storage::F32) {
      const float* v = reinterpret_cast<const float*>(item.data.get());
      for (size_t j = 0; j < item.count * size_t(opt.dim); ++j)
        if (!std::isfinite(v[j])) r.fail("non-finite vector value");
    } else if (opt.storage == Storage::F16) {
      const uint16_t* v = reinterpret_cast<const uint16_t*>(item.data.get());
      for (size_t j = 0; j < item.count * size_t(opt.dim); ++j)
        if ((v[j] & 0x7C00u) == 0x7C00u) r.fail("non-finite f16 value");
    } else {
      item.scale.resize(item.count);
      std::memcpy(item.scale.data(), r.take(item.count * 4), item.count * 4);
      for (float s : item.scale)
        if (!std::isfinite(s) || s < 0) r.fail("bad i8 scale");
    }
    index.vectors_ += item.count;
  }
  return index;
}

}  // namespace clipfind
