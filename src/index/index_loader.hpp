// Reads a serialized FlatIndex (FlatIndex::to_bytes) delivered in pieces of any size, straight into
// the index's block storage: loading a 200 MB index never holds it twice. The WASM binding feeds it
// 1 MiB at a time from JS; FlatIndex::from_bytes feeds it one whole buffer.
//
// A damaged input gets the error a whole-buffer reader would give, whatever the piece sizes: the
// magic and the header size are checked as soon as they arrive; everything else is recorded and
// reported by finish() in the order magic, header size, checksum, version, structure, values (so a
// truncated or bit-flipped file is a checksum mismatch, and only bytes behind a valid checksum get
// structural messages).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "index/flat_index.hpp"

namespace clipfind {

class IndexLoader {
 public:
  // total: the byte count that feed() will deliver in all.
  explicit IndexLoader(size_t total);
  void feed(const uint8_t* data, size_t size);
  // The loaded index, or the first error by the precedence above.
  FlatIndex finish();

 private:
  enum class Phase { Header, ItemLength, Item, Vectors, Skip };
  struct Region {  // one of the vector sections, in file order
    enum Kind { F32, F16, I8, Scales } kind;
    size_t bytes;
  };

  void parse(const uint8_t* data, size_t size);
  bool gather(const uint8_t*& data, size_t& size, size_t want);
  void parse_header();
  void start_item();
  void parse_item();
  void start_vectors();
  void copy_vectors(const uint8_t* data, size_t size);
  void check_values();
  // Records the first structural problem (as ByteReader words it) and stops parsing.
  void fail(const std::string& why, size_t at);
  bool need(size_t n, size_t at);  // false (and fail) when fewer than n bytes remain before the CRC

  size_t total_, body_ = 0;  // body_: bytes before the CRC
  size_t pos_ = 0;           // bytes fed so far
  uint32_t crc_ = 0;
  uint8_t stored_crc_[4] = {};
  Phase phase_ = Phase::Header;
  std::vector<uint8_t> buf_;  // the header or one item record being gathered
  size_t parsed_ = 0;         // body bytes consumed by parse()
  std::optional<Error> error_;
  std::optional<FlatIndex> index_;
  uint64_t count_ = 0, next_seq_ = 0, items_ = 0;
  uint32_t id_len_ = 0;
  std::vector<Region> regions_;
  size_t region_ = 0, region_done_ = 0;
};

}  // namespace clipfind
