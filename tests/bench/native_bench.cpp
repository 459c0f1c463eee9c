// Native reference numbers for `npm run bench`: median query time of the flat index per storage
// kind and a streaming-sum probe over the same f32 bytes. Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "index/flat_index.hpp"
#include "index/kernels.hpp"

using namespace clipfind;

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000, dim = argc > 2 ? std::stoul(argv[2]) : 512, queries = 100;
  std::mt19937 rng(42);
  std::normal_distribution<float> nd;
  auto unit = [&](size_t count) {
    std::vector<float> v(count * dim);
    for (size_t i = 0; i < count; ++i) {
      double s = 0;
      for (size_t j = 0; j < dim; ++j) s += double(v[i * dim + j] = nd(rng)) * v[i * dim + j];
      for (size_t j = 0; j < dim; ++j) v[i * dim + j] = float(v[i * dim + j] / std::sqrt(s));
    }
    return v;
  };
  auto data = unit(n), qs = unit(queries);
  std::vector<std::string> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = "item" + std::to_string(i);
  auto median_ms = [&](auto&& fn) {
    std::vector<double> t;
    for (size_t q = 0; q < queries; ++q) {
      auto t0 = std::chrono::steady_clock::now();
      fn(q);
      t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  std::printf("{");
  volatile float sink = 0;
  for (Storage s : {Storage::F32, Storage::F16, Storage::I8}) {
    FlatIndex index({.dim = uint32_t(dim), .storage = s});
    index.add(ids, data);
    double ms = median_ms([&](size_t q) { sink = sink + index.search(std::span(qs.data() + q * dim, dim), 10)[0].score; });
    std::printf("\"%s\":%.4f,", storage_name(s), ms);
    if (s == Storage::F32) {
      auto blocks = index.f32_blocks();
      double probe = median_ms([&](size_t) {
        for (auto b : blocks) sink = sink + kernels::stream_sum_f32(b.data(), b.size());
      });
      std::printf("\"probe\":%.4f,", probe);
    }
  }
  std::printf("\"n\":%zu,\"dim\":%zu}\n", n, dim);
  return 0;
}
