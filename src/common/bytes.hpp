// Little-endian byte writer/reader with bounds checks, for the versioned binary formats.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace clipfind {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void raw(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_.insert(out_.end(), p, p + size);
  }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void reserve(size_t n) { out_.reserve(n); }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> out_;
};

// Every read is checked; running past the end is CorruptData ("truncated"), never a crash.
class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> data, const char* what) : data_(data), what_(what) {}
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint16_t u16() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  float f32() {
    uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  const uint8_t* take(size_t size) {
    need(size);
    const uint8_t* p = data_.data() + pos_;
    pos_ += size;
    return p;
  }
  std::string str(size_t max_len) {
    uint32_t n = u32();
    if (n > max_len) fail("string length " + std::to_string(n) + " exceeds limit");
    const uint8_t* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(ErrorCode::CorruptData, std::string(what_) + ": " + why + " at byte " + std::to_string(pos_));
  }

 private:
  void need(size_t n) const {
    if (n > remaining()) fail("truncated (needs " + std::to_string(n) + " more bytes, has " + std::to_string(remaining()) + ")");
  }
  uint64_t le(int n) {
    need(static_cast<size_t>(n));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(data_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::span<const uint8_t> data_;
  const char* what_;
  size_t pos_ = 0;
};

}  // namespace clipfind
