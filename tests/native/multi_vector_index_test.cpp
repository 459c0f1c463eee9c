#include "index/multi_vector_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "common/crc32.hpp"
#include "common/error.hpp"
#include "index/f16.hpp"
#include "index/token_pooling.hpp"

using namespace clipfind;

namespace {

struct Bags {
  std::vector<std::string> ids;
  std::vector<float> vectors;
  std::vector<uint32_t> counts;
};

// Items of 1..max_count normal vectors (not unit length: scores use them as given).
Bags random_bags(size_t n, size_t dim, uint32_t max_count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd;
  std::uniform_int_distribution<uint32_t> cd(1, max_count);
  Bags b;
  for (size_t i = 0; i < n; ++i) {
    b.ids.push_back("page" + std::to_string(i));
    b.counts.push_back(cd(rng));
    for (size_t j = 0; j < b.counts.back() * dim; ++j) b.vectors.push_back(nd(rng));
  }
  return b;
}

std::vector<float> random_query(size_t tokens, size_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd;
  std::vector<float> q(tokens * dim);
  for (float& x : q) x = nd(rng);
  return q;
}

// Independent reference: MaxSim in float64 over every item, full stable sort.
std::vector<std::pair<size_t, double>> brute_force(const Bags& b, size_t dim, const std::vector<float>& q, size_t k,
                                                   float (*stored)(float) = nullptr) {
  const size_t tokens = q.size() / dim;
  std::vector<std::pair<size_t, double>> all;
  size_t offset = 0;
  for (size_t i = 0; i < b.counts.size(); ++i) {
    double total = 0;
    for (size_t t = 0; t < tokens; ++t) {
      double best = -INFINITY;
      for (size_t r = 0; r < b.counts[i]; ++r) {
        double s = 0;
        for (size_t j = 0; j < dim; ++j) {
          const float v = b.vectors[(offset + r) * dim + j];
          s += double(stored ? stored(v) : v) * q[t * dim + j];
        }
        best = std::max(best, s);
      }
      total += best;
    }
    all.emplace_back(i, total);
    offset += b.counts[i];
  }
  std::stable_sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.second > y.second; });
  all.resize(std::min(k, all.size()));
  return all;
}

float as_half(float v) { return half_to_float(float_to_half(v)); }

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

TEST(MultiVectorIndex, MatchesFloat64BruteForce) {
  // f32 against the given values; f16 against the values as binary16 stores them.
  for (Storage storage : {Storage::F32, Storage::F16}) {
    for (size_t dim : {7u, 128u}) {
      auto b = random_bags(150, dim, 40, uint32_t(dim));
      MultiVectorIndex index({.dim = uint32_t(dim), .storage = storage});
      index.add(b.ids, b.vectors, b.counts);
      ASSERT_EQ(index.size(), 150u);
      for (size_t tokens : {1u, 3u, 20u, 29u}) {
        auto q = random_query(tokens, dim, uint32_t(tokens * 7 + dim));
        auto ref = brute_force(b, dim, q, 10, storage == Storage::F16 ? as_half : nullptr);
        auto got = index.search(q, tokens, 10);
        ASSERT_EQ(got.size(), 10u);
        for (size_t i = 0; i < 10; ++i) {
          EXPECT_EQ(got[i].id, b.ids[ref[i].first]) << storage_name(storage) << " dim " << dim << " tokens " << tokens << " rank " << i;
          EXPECT_NEAR(got[i].score, ref[i].second, 1e-4 * std::fabs(ref[i].second)) << storage_name(storage) << " rank " << i;
        }
      }
    }
  }
}

TEST(MultiVectorIndex, I8KeepsTheRanking) {
  const size_t dim = 64;
  auto b = random_bags(200, dim, 30, 5);
  MultiVectorIndex index({.dim = uint32_t(dim), .storage = Storage::I8});
  index.add(b.ids, b.vectors, b.counts);
  size_t found = 0;
  for (uint32_t s = 0; s < 10; ++s) {
    auto q = random_query(12, dim, 100 + s);
    auto ref = brute_force(b, dim, q, 10);
    std::set<std::string> want;
    for (auto& [i, score] : ref) want.insert(b.ids[i]);
    auto got = index.search(q, 12, 10);
    for (auto& h : got) found += want.count(std::string(h.id));
    EXPECT_NEAR(got[0].score, ref[0].second, 0.02 * std::fabs(ref[0].second));
  }
  EXPECT_GE(found, 90u);  // recall@10 >= 0.9 over 10 queries
}

TEST(MultiVectorIndex, PoolingKeepsRecallOnClusteredData) {
  // Pages of 24 regions, each seen by 6 near-identical patches (as neighbouring patches of a page
  // are). Regions live in a low-dimensional latent space mapped into dim, and each page has a topic
  // its regions scatter around, so pages are similar by degrees and a query's top 10 is a real
  // ranking rather than ties. A query is 4 noisy regions of one page. recall@10: the share of the
  // unpooled index's top 10 that the pooled index (a third of the vectors) also returns.
  const size_t dim = 48, latent = 8, pages = 200, regions = 24, copies = 6, queries = 60;
  std::mt19937 rng(9);
  std::normal_distribution<float> nd;
  std::vector<float> map(dim * latent);
  for (float& x : map) x = nd(rng) / std::sqrt(float(latent));
  auto embed = [&](const std::vector<float>& z) {
    std::vector<float> v(dim, 0.0f);
    for (size_t j = 0; j < dim; ++j)
      for (size_t l = 0; l < latent; ++l) v[j] += map[j * latent + l] * z[l];
    return v;
  };
  Bags b;
  std::vector<std::vector<float>> region_z;  // pages × regions latent points
  for (size_t p = 0; p < pages; ++p) {
    b.ids.push_back("p" + std::to_string(p));
    b.counts.push_back(uint32_t(regions * copies));
    std::vector<float> topic(latent);
    for (float& x : topic) x = 2.0f * nd(rng);
    for (size_t r = 0; r < regions; ++r) {
      std::vector<float> z(latent);
      for (size_t l = 0; l < latent; ++l) z[l] = topic[l] + nd(rng);
      region_z.push_back(z);
      const auto c = embed(z);
      for (size_t k = 0; k < copies; ++k)
        for (size_t j = 0; j < dim; ++j) b.vectors.push_back(c[j] + 0.1f * nd(rng));
    }
  }
  MultiVectorIndex plain({.dim = uint32_t(dim)}), pooled({.dim = uint32_t(dim), .pool_factor = 3});
  plain.add(b.ids, b.vectors, b.counts);
  pooled.add(b.ids, b.vectors, b.counts);
  EXPECT_EQ(pooled.count_of("p0"), regions * copies / 3);
  EXPECT_EQ(pooled.vector_count(), pages * regions * copies / 3);
  size_t found = 0, target_plain = 0, target_pooled = 0;
  std::uniform_int_distribution<size_t> pick(0, pages * regions - 1);
  for (size_t qi = 0; qi < queries; ++qi) {
    const size_t target = pick(rng) / regions;
    std::vector<float> q;
    for (size_t t = 0; t < 4; ++t) {
      std::vector<float> z = region_z[target * regions + pick(rng) % regions];
      for (float& x : z) x += 0.5f * nd(rng);
      const auto v = embed(z);
      q.insert(q.end(), v.begin(), v.end());
    }
    std::set<std::string> want;
    for (auto& h : plain.search(q, 4, 10)) {
      want.insert(std::string(h.id));
      target_plain += h.id == b.ids[target];
    }
    for (auto& h : pooled.search(q, 4, 10)) {
      found += want.count(std::string(h.id));
      target_pooled += h.id == b.ids[target];
    }
  }
  const double recall = double(found) / double(queries * 10);
  std::printf("pooled (factor 3) recall@10 of unpooled: %.3f; query's page in top 10: unpooled %zu, pooled %zu of %zu\n", recall,
              target_plain, target_pooled, queries);
  EXPECT_GE(recall, 0.95);
}

TEST(TokenPooling, MeansOfWardClusters) {
  // Three tight groups far apart: factor 3 on 9 vectors gives exactly the three group means, in
  // order of each group's first member.
  const size_t dim = 2;
  std::vector<float> v = {10, 0, 0, 10, 10.2f, 0, -10, -10, 0, 10.4f, 9.8f, 0, -10.2f, -10, 0, 9.9f, -9.9f, -10};
  auto out = pool_tokens(v.data(), 9, dim, 3);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_NEAR(out[0], (10 + 10.2f + 9.8f) / 3, 1e-5);
  EXPECT_NEAR(out[1], 0, 1e-5);
  EXPECT_NEAR(out[2], 0, 1e-5);
  EXPECT_NEAR(out[3], (10 + 10.4f + 9.9f) / 3, 1e-5);
  EXPECT_NEAR(out[4], (-10 - 10.2f - 9.9f) / 3, 1e-5);
  EXPECT_EQ(pool_tokens(v.data(), 9, dim, 1), v);
  EXPECT_EQ(pool_tokens(v.data(), 2, dim, 3).size(), 2u);  // max(2 / 3, 1) = 1 cluster
}

TEST(MultiVectorIndex, BytesRoundTrip) {
  const size_t dim = 33;
  auto b = random_bags(40, dim, 12, 3);
  auto q = random_query(5, dim, 4);
  for (Storage storage : {Storage::F32, Storage::F16, Storage::I8}) {
    MultiVectorIndex index({.dim = uint32_t(dim), .storage = storage, .pool_factor = storage == Storage::F16 ? 2u : 0u});
    index.add(b.ids, b.vectors, b.counts);
    std::vector<std::string> gone = {"page3", "page17"};
    EXPECT_EQ(index.remove(gone), 2u);
    auto bytes = index.to_bytes();
    EXPECT_EQ(bytes.size(), index.serialized_size());
    auto back = MultiVectorIndex::from_bytes(bytes);
    EXPECT_EQ(back.size(), 38u);
    EXPECT_EQ(back.options().pool_factor, index.options().pool_factor);
    EXPECT_EQ(back.vector_count(), index.vector_count());
    auto a = index.search(q, 5, 40), c = back.search(q, 5, 40);
    ASSERT_EQ(a.size(), c.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].id, c[i].id);
      EXPECT_EQ(a[i].score, c[i].score);
    }
    EXPECT_EQ(back.to_bytes(), bytes);
  }
}

TEST(MultiVectorIndex, DamagedBytesAreTypedErrors) {
  MultiVectorIndex index({.dim = 8});
  auto b = random_bags(5, 8, 4, 1);
  index.add(b.ids, b.vectors, b.counts);
  const auto bytes = index.to_bytes();
  auto restamp = [](std::vector<uint8_t> x) {
    const uint32_t crc = crc32(x.data(), x.size() - 4);
    for (int i = 0; i < 4; ++i) x[x.size() - 4 + i] = uint8_t(crc >> (8 * i));
    return x;
  };
  auto flipped = bytes;
  flipped[60] ^= 1;
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(flipped); }), ErrorCode::CorruptData);
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(std::span(bytes).first(bytes.size() - 9)); }), ErrorCode::CorruptData);
  auto magic = bytes;
  magic[0] = 'X';
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(magic); }), ErrorCode::CorruptData);
  auto version = bytes;
  version[8] = 2;
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(restamp(version)); }), ErrorCode::UnsupportedVersion);
  auto count = bytes;
  count[24] = 200;  // more items than the data holds, behind a valid checksum
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(restamp(count)); }), ErrorCode::CorruptData);
  auto nan = bytes;
  const float bad = NAN;
  std::memcpy(nan.data() + nan.size() - 8, &bad, 4);
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(restamp(nan)); }), ErrorCode::CorruptData);
  // the flat index's bytes are not a multi-vector index
  FlatIndex flat({.dim = 8});
  EXPECT_EQ(code_of([&] { MultiVectorIndex::from_bytes(flat.to_bytes()); }), ErrorCode::CorruptData);
}

TEST(MultiVectorIndex, AddIsAllOrNothing) {
  MultiVectorIndex index({.dim = 4});
  auto b = random_bags(3, 4, 3, 2);
  index.add(b.ids, b.vectors, b.counts);
  auto c = random_bags(3, 4, 3, 8);
  c.ids[2] = "page0";  // already there
  EXPECT_EQ(code_of([&] { index.add(c.ids, c.vectors, c.counts); }), ErrorCode::DuplicateId);
  c.ids[2] = "new2";
  c.vectors[1] = NAN;
  EXPECT_EQ(code_of([&] { index.add(c.ids, c.vectors, c.counts); }), ErrorCode::InvalidValue);
  c.vectors[1] = 0;
  c.vectors.pop_back();
  EXPECT_EQ(code_of([&] { index.add(c.ids, c.vectors, c.counts); }), ErrorCode::DimensionMismatch);
  c.vectors.push_back(0);
  c.counts[1] = 0;
  EXPECT_EQ(code_of([&] { index.add(c.ids, c.vectors, c.counts); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.vector_count(), size_t(b.counts[0] + b.counts[1] + b.counts[2]));
  auto q = random_query(2, 4, 1);
  EXPECT_EQ(code_of([&] { index.search(q, 3, 5); }), ErrorCode::DimensionMismatch);
  EXPECT_EQ(code_of([&] { MultiVectorIndex({.dim = 4, .pool_factor = 5000}); }), ErrorCode::InvalidArgument);
}
