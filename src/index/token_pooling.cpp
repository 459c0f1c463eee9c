#include "index/token_pooling.hpp"

#include <algorithm>
#include <cfloat>
#include <numeric>

namespace clipfind {
namespace {

// Condensed symmetric matrix (i != j) of Ward merge costs, stored as float (clamped: vectors with huge
// values give huge costs, never inf, so comparisons stay total).
class Costs {
 public:
  explicit Costs(size_t n) : n_(n), d_(n * (n - 1) / 2) {}
  float get(size_t i, size_t j) const { return d_[at(i, j)]; }
  void set(size_t i, size_t j, double v) { d_[at(i, j)] = float(std::min(v, double(FLT_MAX))); }

 private:
  size_t at(size_t i, size_t j) const {
    if (i > j) std::swap(i, j);
    return i * (2 * n_ - i - 1) / 2 + (j - i - 1);
  }
  size_t n_;
  std::vector<float> d_;
};

struct Merge {
  uint32_t a, b;
  float height;
};

// Ward's hierarchical clustering by the nearest-neighbour chain (O(n²) time): each merge of the
// chain's last two clusters (reciprocal nearest neighbours) joins cluster slot a into slot b, and the
// costs to b are updated by the Lance-Williams formula for Ward on squared distances.
std::vector<Merge> ward_merges(const float* v, size_t n, size_t dim) {
  Costs d(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      double s = 0;
      for (size_t k = 0; k < dim; ++k) {
        const double x = double(v[i * dim + k]) - v[j * dim + k];
        s += x * x;
      }
      d.set(i, j, s);
    }
  std::vector<uint32_t> size(n, 1);
  std::vector<char> active(n, 1);
  std::vector<uint32_t> chain;
  std::vector<Merge> merges;
  merges.reserve(n - 1);
  for (size_t remaining = n; remaining > 1; --remaining) {
    if (chain.empty()) chain.push_back(uint32_t(std::find(active.begin(), active.end(), 1) - active.begin()));
    uint32_t a, b;
    float h;
    for (;;) {
      a = chain.back();
      const bool has_prev = chain.size() >= 2;
      uint32_t best = has_prev ? chain[chain.size() - 2] : UINT32_MAX;
      float bd = has_prev ? d.get(a, best) : FLT_MAX;
      for (uint32_t c = 0; c < n; ++c) {
        if (!active[c] || c == a) continue;
        const float x = d.get(a, c);
        if (best == UINT32_MAX || x < bd) best = c, bd = x;
      }
      if (has_prev && best == chain[chain.size() - 2]) {
        b = best;
        h = bd;
        break;
      }
      chain.push_back(best);
    }
    chain.pop_back();
    chain.pop_back();
    merges.push_back({a, b, h});
    const double na = size[a], nb = size[b];
    for (uint32_t k = 0; k < n; ++k) {
      if (!active[k] || k == a || k == b) continue;
      const double nk = size[k];
      d.set(b, k, ((nk + na) * d.get(k, a) + (nk + nb) * d.get(k, b) - nk * double(h)) / (na + nb + nk));
    }
    size[b] += size[a];
    active[a] = 0;
  }
  return merges;
}

uint32_t find(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

// One chunk: Ward clusters cut at `clusters`, each replaced by its mean (in order of first member).
void pool_chunk(const float* v, size_t n, size_t dim, size_t clusters, std::vector<float>& out) {
  std::vector<Merge> merges = ward_merges(v, n, dim);
  // Ward is monotone, so merges sorted by height replay the hierarchy; the first n - clusters of them
  // give the cut with `clusters` clusters (scipy's fcluster maxclust does the same).
  std::stable_sort(merges.begin(), merges.end(), [](const Merge& x, const Merge& y) { return x.height < y.height; });
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  for (size_t m = 0; m + clusters < n; ++m) parent[find(parent, merges[m].a)] = find(parent, merges[m].b);
  std::vector<int64_t> label(n, -1);
  std::vector<uint32_t> members;
  std::vector<std::vector<double>> sums;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t root = find(parent, uint32_t(i));
    if (label[root] < 0) {
      label[root] = int64_t(sums.size());
      sums.emplace_back(dim, 0.0);
      members.push_back(0);
    }
    auto& s = sums[size_t(label[root])];
    for (size_t k = 0; k < dim; ++k) s[k] += v[i * dim + k];
    ++members[size_t(label[root])];
  }
  for (size_t c = 0; c < sums.size(); ++c)
    for (size_t k = 0; k < dim; ++k) out.push_back(float(sums[c][k] / members[c]));
}

}  // namespace

std::vector<float> pool_tokens(const float* vectors, size_t count, size_t dim, uint32_t factor) {
  if (factor <= 1 || count <= 1) return std::vector<float>(vectors, vectors + count * dim);
  std::vector<float> out;
  for (size_t first = 0; first < count; first += kPoolChunk) {
    const size_t n = std::min(kPoolChunk, count - first);
    const size_t clusters = std::max<size_t>(n / factor, 1);
    if (clusters >= n || n == 1) {
      out.insert(out.end(), vectors + first * dim, vectors + (first + n) * dim);
      continue;
    }
    pool_chunk(vectors + first * dim, n, dim, clusters, out);
  }
  return out;
}

}  // namespace clipfind
