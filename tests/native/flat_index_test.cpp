#include "index/flat_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "common/crc32.hpp"
#include "common/error.hpp"
#include "random_unit.hpp"

using namespace clipfind;

namespace {


std::vector<std::string> make_ids(size_t n, const std::string& prefix = "id") {
  std::vector<std::string> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = prefix + std::to_string(i);
  return ids;
}

// Independent reference: float64 dot products and a full stable sort.
std::vector<std::pair<size_t, double>> brute_force(const std::vector<float>& data, size_t dim, const float* q, size_t k) {
  const size_t n = data.size() / dim;
  std::vector<std::pair<size_t, double>> all(n);
  for (size_t i = 0; i < n; ++i) {
    double s = 0;
    for (size_t j = 0; j < dim; ++j) s += double(data[i * dim + j]) * double(q[j]);
    all[i] = {i, s};
  }
  std::stable_sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.second > b.second; });
  all.resize(std::min(k, n));
  return all;
}

// A recall set-up: n random unit vectors, `queries` random queries and each query's exact top-k ids
// (float64 brute force), made once and shared by the storages compared on it (the brute force is
// most of the cost under the sanitizers).
struct RecallCase {
  size_t dim, k;
  std::vector<float> data, qs;
  std::vector<std::string> ids;
  std::vector<std::set<std::string>> want;
  RecallCase(size_t n, size_t dim_, size_t queries, size_t k_)
      : dim(dim_), k(k_), data(random_unit(n, dim_, 1)), qs(random_unit(queries, dim_, 2)), ids(make_ids(n)) {
    for (size_t qi = 0; qi < queries; ++qi) {
      std::set<std::string> w;
      for (auto& [i, s] : brute_force(data, dim, qs.data() + qi * dim, k)) w.insert(ids[i]);
      want.push_back(std::move(w));
    }
  }
  double recall(Storage storage, uint32_t rerank) const {
    FlatIndex index({.dim = uint32_t(dim), .storage = storage, .metric = Metric::Cosine, .rerank = rerank});
    index.add(ids, data);
    size_t found = 0;
    for (size_t qi = 0; qi < want.size(); ++qi)
      for (auto& h : index.search(std::span(qs.data() + qi * dim, dim), k)) found += want[qi].count(std::string(h.id));
    return double(found) / double(want.size() * k);
  }
};

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a clipfind::Error";
  return ErrorCode::InvalidArgument;
}

}  // namespace

TEST(FlatIndex, F32MatchesFloat64BruteForce) {
  for (size_t dim : {7u, 64u, 512u}) {
    const size_t n = 3000;
    FlatIndex index({.dim = uint32_t(dim)});
    auto data = random_unit(n, dim, 11);
    auto ids = make_ids(n);
    index.add(ids, data);
    auto qs = random_unit(40, dim, 12);
    for (size_t qi = 0; qi < 40; ++qi) {
      const float* q = qs.data() + qi * dim;
      auto ref = brute_force(data, dim, q, 10);
      auto got = index.search(std::span(q, dim), 10);
      ASSERT_EQ(got.size(), 10u);
      for (size_t r = 0; r < 10; ++r) {
        EXPECT_EQ(std::string(got[r].id), ids[ref[r].first]) << "dim " << dim << " query " << qi << " rank " << r;
        EXPECT_NEAR(got[r].score, ref[r].second, 1e-5);
      }
    }
  }
}

TEST(FlatIndex, QuantizedRecall) {
  const RecallCase wide(20000, 512, 50, 10);
  EXPECT_GE(wide.recall(Storage::F16, 0), 0.999);
  EXPECT_GE(wide.recall(Storage::I8, 0), 0.98);
  EXPECT_GE(wide.recall(Storage::I8, 8), 0.999);
  EXPECT_GE(RecallCase(5000, 37, 50, 10).recall(Storage::I8, 0), 0.95);  // odd dimension takes the scalar tail
}

TEST(FlatIndex, TiesBrokenByInsertionOrder) {
  FlatIndex index({.dim = 4});
  std::vector<float> same = {1, 0, 0, 0};
  for (const char* id : {"c", "a", "b", "d"}) index.add(std::vector<std::string>{id}, same);
  std::vector<std::string> rm = {"a"};
  index.remove(rm);  // swap-remove moves "d" into a's slot; order must still follow insertion
  index.add(std::vector<std::string>{"a"}, same);
  auto hits = index.search(same, 10);
  std::vector<std::string> order;
  for (auto& h : hits) order.emplace_back(h.id);
  EXPECT_EQ(order, (std::vector<std::string>{"c", "b", "d", "a"}));
}

TEST(FlatIndex, AddValidatesAndIsAtomic) {
  FlatIndex index({.dim = 3});
  index.add(std::vector<std::string>{"x"}, std::vector<float>{1, 0, 0});
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y"}, std::vector<float>{1, 0}); }), ErrorCode::DimensionMismatch);
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y", "z"}, std::vector<float>{1, 0, 0, NAN, 0, 0}); }), ErrorCode::InvalidValue);
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y"}, std::vector<float>{INFINITY, 0, 0}); }), ErrorCode::InvalidValue);
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y"}, std::vector<float>{0, 0, 0}); }), ErrorCode::InvalidValue);
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y", "x"}, std::vector<float>{0, 1, 0, 0, 0, 1}); }), ErrorCode::DuplicateId);
  EXPECT_EQ(code_of([&] { index.add(std::vector<std::string>{"y", "y"}, std::vector<float>{0, 1, 0, 0, 0, 1}); }), ErrorCode::DuplicateId);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.contains("y"));
  EXPECT_EQ(code_of([&] { index.search(std::vector<float>{1, 0}, 1); }), ErrorCode::DimensionMismatch);
  EXPECT_EQ(code_of([] { FlatIndex bad({.dim = 0}); }), ErrorCode::InvalidArgument);
}

TEST(FlatIndex, UpdateRemoveGet) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    FlatIndex index({.dim = 2, .storage = s});
    index.add(make_ids(3), std::vector<float>{1, 0, 0, 1, -1, 0});
    EXPECT_EQ(std::string(index.search(std::vector<float>{0, 1}, 1)[0].id), "id1");
    index.update(std::vector<std::string>{"id2"}, std::vector<float>{0, 2});  // normalized on the way in
    auto v = index.get("id2");
    EXPECT_NEAR(v[0], 0, 1e-6);
    EXPECT_NEAR(v[1], 1, 1e-2);
    EXPECT_EQ(code_of([&] { index.update(std::vector<std::string>{"nope"}, std::vector<float>{0, 1}); }), ErrorCode::NotFound);
    EXPECT_EQ(index.remove(std::vector<std::string>{"id1", "nope"}), 1u);
    EXPECT_EQ(index.size(), 2u);
    EXPECT_EQ(std::string(index.search(std::vector<float>{0, 1}, 1)[0].id), "id2");
    EXPECT_EQ(index.search(std::vector<float>{0, 1}, 10).size(), 2u);
    EXPECT_EQ(code_of([&] { index.get("id1"); }), ErrorCode::NotFound);
  }
}

TEST(FlatIndex, FilteredSearch) {
  FlatIndex index({.dim = 8});
  auto data = random_unit(100, 8, 5);
  index.add(make_ids(100), data);
  auto hits = index.search(std::span(data.data(), 8), 5, [](std::string_view id) { return id.back() == '7'; });
  ASSERT_EQ(hits.size(), 5u);
  for (auto& h : hits) EXPECT_EQ(h.id.back(), '7');
}

TEST(FlatIndex, BytesRoundTrip) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    for (uint32_t rerank : {0u, 4u}) {
      FlatIndex index({.dim = 33, .storage = s, .rerank = rerank});
      auto data = random_unit(200, 33, 9);
      index.add(make_ids(200, "ü-"), data);
      index.remove(std::vector<std::string>{"ü-5"});
      auto bytes = index.to_bytes();
      FlatIndex again = FlatIndex::from_bytes(bytes);
      EXPECT_EQ(again.size(), 199u);
      EXPECT_EQ(again.to_bytes(), bytes);
      auto a = index.search(std::span(data.data() + 33 * 7, 33), 10);
      auto b = again.search(std::span(data.data() + 33 * 7, 33), 10);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].id, b[i].id);
        EXPECT_EQ(a[i].score, b[i].score);
      }
    }
  }
}

TEST(FlatIndex, DamagedBytesAreRejected) {
  FlatIndex index({.dim = 5, .storage = Storage::I8});
  index.add(make_ids(6), random_unit(6, 5, 3));
  const auto bytes = index.to_bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
    EXPECT_EQ(code_of([&] { FlatIndex::from_bytes(cut); }), ErrorCode::CorruptData) << "length " << len;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t bit : {1, 0x80}) {
      auto bad = bytes;
      bad[i] ^= bit;
      ErrorCode c = code_of([&] { FlatIndex::from_bytes(bad); });
      EXPECT_TRUE(c == ErrorCode::CorruptData) << "flip at " << i;
    }
  }
  auto extra = bytes;
  extra.push_back(0);
  EXPECT_EQ(code_of([&] { FlatIndex::from_bytes(extra); }), ErrorCode::CorruptData);
}

// Behind a valid checksum (a file written by something else, or damaged before it was checksummed):
// vectors that add() could never have stored are rejected, since a zero vector has no direction.
TEST(FlatIndex, VectorsThatAddCouldNotStoreAreRejected) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    FlatIndex index({.dim = 4, .storage = s});
    index.add(make_ids(2), random_unit(2, 4, 5));
    auto bytes = index.to_bytes();
    const size_t per_item = s == Storage::F32 ? 16 : s == Storage::F16 ? 8 : 4;
    const size_t vectors_at = bytes.size() - 4 - (s == Storage::I8 ? 8 : 0) - 2 * per_item;
    std::fill(bytes.begin() + vectors_at, bytes.begin() + vectors_at + per_item, 0);  // item 0 := zero vector
    const uint32_t crc = crc32(bytes.data(), bytes.size() - 4);
    for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = uint8_t(crc >> (8 * i));
    EXPECT_EQ(code_of([&] { FlatIndex::from_bytes(bytes); }), ErrorCode::CorruptData) << int(s);
  }
  FlatIndex ip({.dim = 2, .metric = Metric::InnerProduct});  // no unit length under inner product
  const std::vector<float> v{3.0f, 4.0f};
  ip.add(make_ids(1), v);
  EXPECT_EQ(FlatIndex::from_bytes(ip.to_bytes()).size(), 1u);
}

TEST(FlatIndex, EmptyIndexRoundTrips) {
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    FlatIndex empty({.dim = 7, .storage = s});
    const auto bytes = empty.to_bytes();
    FlatIndex again = FlatIndex::from_bytes(bytes);
    EXPECT_EQ(again.size(), 0u);
    EXPECT_EQ(again.dim(), 7u);
    EXPECT_EQ(again.to_bytes(), bytes);
  }
}
