// Seeded random unit vectors (normal components, L2-normalized in double), shared by the native tests.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

inline std::vector<float> random_unit(size_t n, size_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd;
  std::vector<float> v(n * dim);
  for (size_t i = 0; i < n; ++i) {
    double norm = 0;
    for (size_t j = 0; j < dim; ++j) {
      v[i * dim + j] = nd(rng);
      norm += double(v[i * dim + j]) * v[i * dim + j];
    }
    for (size_t j = 0; j < dim; ++j) v[i * dim + j] = float(v[i * dim + j] / std::sqrt(norm));
  }
  return v;
}
