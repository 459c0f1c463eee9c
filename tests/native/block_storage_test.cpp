// Block storage of the flat index (issue 21): rows across block boundaries, release and reuse on
// remove, staged adds, and serialization read and written in pieces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.hpp"
#include "index/block_store.hpp"
#include "index/f16.hpp"
#include "index/flat_index.hpp"
#include "index/index_loader.hpp"
#include "index/kernels.hpp"
#include "random_unit.hpp"

using namespace clipfind;

namespace {


std::vector<std::string> names(size_t n, size_t from = 0) {
  std::vector<std::string> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = "p" + std::to_string(from + i);
  return ids;
}

std::vector<std::string> ranked(const FlatIndex& index, std::span<const float> q, size_t k) {
  std::vector<std::string> out;
  for (const auto& h : index.search(q, k)) out.emplace_back(h.id);
  return out;
}

// The error a from_bytes of the whole buffer gives, as "CODE message".
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(error_code_name(e.code())) + " " + e.what();
  }
  return "none";
}

FlatIndex load_in_pieces(const std::vector<uint8_t>& bytes, size_t piece) {
  IndexLoader loader(bytes.size());
  for (size_t at = 0; at < bytes.size(); at += piece) loader.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
  return loader.finish();
}

}  // namespace

TEST(BlockStore, RowsAcrossBlocksReleaseAndReuse) {
  BlockStore<float> s(1000);  // 4000-byte rows: 256 rows per 1 MiB block
  ASSERT_EQ(s.block_rows(), 256u);
  for (size_t i = 0; i < 600; ++i) std::fill_n(s.push(), 1000, float(i));
  EXPECT_EQ(s.blocks(), 3u);
  EXPECT_EQ(s.rows_in(2), 600u - 512u);
  size_t seen = 0;
  s.for_each_run(600, 100, [&](const float* rows, size_t first, size_t count) {
    EXPECT_LE(count, 100u);
    EXPECT_EQ(first / 256, (first + count - 1) / 256) << "a run crosses a block";
    for (size_t r = 0; r < count; ++r) EXPECT_EQ(rows[r * 1000 + 999], float(first + r));
    seen += count;
  });
  EXPECT_EQ(seen, 600u);
  const size_t full = s.capacity_bytes();
  s.truncate(100);  // blocks 2 released, block 1 kept as the one spare
  EXPECT_EQ(s.capacity_bytes(), 2 * 256 * 1000 * sizeof(float));
  EXPECT_EQ(s.row(99)[0], 99.0f);
  for (size_t i = 100; i < 600; ++i) std::fill_n(s.push(), 1000, float(-double(i)));
  EXPECT_EQ(s.capacity_bytes(), full);
  EXPECT_EQ(s.row(300)[5], -300.0f);
  EXPECT_EQ(s.row(99)[5], 99.0f);
}

TEST(BlockStore, SmallStoresStaySmall) {
  BlockStore<uint16_t> s(8);  // 65536 rows per block, but 3 rows must not take 1 MiB
  for (int i = 0; i < 3; ++i) s.push();
  EXPECT_LE(s.capacity_bytes(), 16u * 8 * 2);
  EXPECT_GE(rows_per_block(1 << 20), 4u);  // one huge row still makes blocks of whole kernel groups
}

// Scores from blocks equal the kernels over one contiguous buffer, bit for bit (the 4-row f32 and
// 2-row f16 groups fall where they did), for counts that end inside and at block boundaries.
TEST(BlockStorage, ScoresBitIdenticalToContiguousLayout) {
  const size_t dim = 512;  // f32: 512 rows per block, f16: 1024
  for (size_t n : {511u, 512u, 1027u, 2053u}) {
    const auto data = random_unit(n, dim, 3);
    const auto q = random_unit(1, dim, 4);
    FlatIndex f32({.dim = dim}), f16({.dim = dim, .storage = Storage::F16});
    f32.add(names(n), data);
    f16.add(names(n), data);
    std::vector<float> want(n), got(n);
    kernels::dot_f32_rows(q.data(), data.data(), dim, n, want.data());
    f32.score_all(q, got.data());
    EXPECT_EQ(got, want) << "f32 n=" << n;
    std::vector<uint16_t> halves(n * dim);
    for (size_t i = 0; i < halves.size(); ++i) halves[i] = float_to_half(data[i]);
    kernels::dot_f16_rows(q.data(), halves.data(), dim, n, want.data());
    f16.score_all(q, got.data());
    EXPECT_EQ(got, want) << "f16 n=" << n;
  }
}

TEST(BlockStorage, RemoveFreesWhatAddsReuseAndTiesKeepInsertionOrder) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    const size_t dim = 1024, n = 5000;  // 5 (i8) to 20 (f32) blocks
    FlatIndex index({.dim = dim, .storage = s});
    index.add(names(n), random_unit(n, dim, 5));
    const size_t full = index.memory_bytes();
    index.remove(names(3000, 1000));  // the middle: survivors move down across block boundaries
    EXPECT_EQ(index.size(), 2000u);
    EXPECT_LT(index.memory_bytes(), full * 3 / 4);
    index.add(names(3000, n), random_unit(3000, dim, 6));
    EXPECT_LE(index.memory_bytes(), full * 21 / 20);
    // Equal vectors everywhere: the order is insertion order, whatever slot each ended up in.
    FlatIndex ties({.dim = 4, .storage = s});
    const std::vector<float> same = {0.5f, 0.5f, 0.5f, 0.5f};
    for (size_t i = 0; i < 300; ++i) ties.add(names(1, i), same);
    std::vector<std::string> gone;
    for (size_t i = 0; i < 300; i += 3) gone.push_back("p" + std::to_string(i));
    ties.remove(gone);
    ties.add(gone, std::vector<float>(gone.size() * 4, 0.5f));  // re-added: now the latest
    std::vector<std::string> want;
    for (size_t i = 0; i < 300; ++i)
      if (i % 3) want.push_back("p" + std::to_string(i));
    want.insert(want.end(), gone.begin(), gone.end());
    EXPECT_EQ(ranked(ties, same, 300), want) << storage_name(s);
  }
}

TEST(BlockStorage, UpdateAndGetAcrossBlocks) {
  const size_t dim = 300, n = 2000;
  FlatIndex index({.dim = dim, .storage = Storage::I8, .rerank = 4});
  index.add(names(n), random_unit(n, dim, 7));
  const auto fresh = random_unit(3, dim, 8);
  const std::vector<std::string> which = {"p0", "p873", "p1999"};
  index.update(which, fresh);
  for (size_t i = 0; i < 3; ++i) {
    const auto v = index.get(which[i]);  // the exact copy under rerank
    EXPECT_TRUE(std::equal(v.begin(), v.end(), fresh.begin() + i * dim)) << which[i];
    EXPECT_EQ(ranked(index, std::span(fresh.data() + i * dim, dim), 1)[0], which[i]);
  }
}

TEST(BlockStorage, StagedAddIsAllOrNothing) {
  const size_t dim = 64;
  FlatIndex index({.dim = dim, .storage = Storage::F16});
  index.add(names(100), random_unit(100, dim, 9));
  const auto before = index.to_bytes();
  auto more = random_unit(5000, dim, 10);
  // In pieces, equal to one add of the whole batch.
  FlatIndex whole({.dim = dim, .storage = Storage::F16});
  whole.add(names(100), random_unit(100, dim, 9));
  whole.add(names(5000, 100), more);
  index.begin_add(5000, more.size());
  for (size_t at = 0; at < 5000; at += 1234) index.stage_add(std::span(more).subspan(at * dim, std::min<size_t>(1234, 5000 - at) * dim));
  EXPECT_EQ(index.size(), 100u);  // staged vectors are not searchable yet
  index.commit_add(names(5000, 100));
  EXPECT_EQ(index.to_bytes(), whole.to_bytes());
  // A bad vector in a later piece, or a bad id at commit, leaves the index as it was.
  FlatIndex again = FlatIndex::from_bytes(before);
  const size_t memory = again.memory_bytes();
  more[4000 * dim + 3] = NAN;
  again.begin_add(5000, more.size());
  again.stage_add(std::span(more).first(2000 * dim));
  EXPECT_EQ(error_of([&] { again.stage_add(std::span(more).subspan(2000 * dim)); }).substr(0, 30), "INVALID_VALUE add: vector 4000");
  EXPECT_EQ(again.to_bytes(), before);
  more[4000 * dim + 3] = 0.1f;
  auto ids = names(5000, 100);
  ids[4999] = "p7";
  again.begin_add(5000, more.size());
  again.stage_add(more);
  EXPECT_EQ(error_of([&] { again.commit_add(ids); }).substr(0, 12), "DUPLICATE_ID");
  EXPECT_EQ(again.to_bytes(), before);
  EXPECT_LE(again.memory_bytes(), memory + (2 << 20));  // the staged blocks went back (one spare may stay)
}

TEST(BlockStorage, BytesInAnyPiecesAcrossBlocks) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    const size_t dim = 200, n = 3000;
    FlatIndex index({.dim = dim, .storage = s, .rerank = s == Storage::F32 ? 0u : 2u});
    const auto data = random_unit(n, dim, 11);
    index.add(names(n), data);
    index.remove(names(10, 1500));
    const auto bytes = index.to_bytes();
    EXPECT_EQ(bytes.size(), index.serialized_size());
    std::vector<uint8_t> streamed;
    index.write_bytes([&](const uint8_t* p, size_t size) { streamed.insert(streamed.end(), p, p + size); });
    EXPECT_EQ(streamed, bytes);
    for (size_t piece : {size_t(1) << 20, size_t(4099), size_t(7)}) {
      FlatIndex again = load_in_pieces(bytes, piece);
      EXPECT_EQ(again.to_bytes(), bytes) << piece;
      EXPECT_EQ(ranked(again, std::span(data.data() + 2999 * dim, dim), 10), ranked(index, std::span(data.data() + 2999 * dim, dim), 10));
    }
    // Damage gives the same error (code and message) whatever the pieces.
    for (size_t at : {size_t(3), size_t(20), size_t(45), bytes.size() / 2, bytes.size() - 2}) {
      auto bad = bytes;
      bad[at] ^= 0x40;
      const std::string want = error_of([&] { FlatIndex::from_bytes(bad); });
      EXPECT_NE(want, "none");
      EXPECT_EQ(error_of([&] { load_in_pieces(bad, 13); }), want) << at;
    }
    auto cut = std::vector<uint8_t>(bytes.begin(), bytes.begin() + 30);
    EXPECT_EQ(error_of([&] { load_in_pieces(cut, 5); }), error_of([&] { FlatIndex::from_bytes(cut); }));
  }
}
