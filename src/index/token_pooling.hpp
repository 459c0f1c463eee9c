// Token pooling for late-interaction indexes: a page's patch vectors are clustered hierarchically
// (Ward linkage) into n / factor clusters and each cluster is replaced by its mean, as the ColPali
// authors do (colpali-engine's HierarchicalTokenPooler; Clavié, "A little pooling goes a long way",
// 2024: factor 3 keeps ~97-98% of retrieval quality with a third of the vectors).
//
// One difference: colpali-engine runs Ward on the rows of the cosine-distance matrix; this clusters
// the vectors themselves (Ward's criterion in their own space), the same grouping of near-duplicate
// patches without the n × n feature matrix. Pages of more than kPoolChunk vectors are pooled in
// consecutive chunks of that many (patches come in reading order, so a chunk is a band of the page).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipfind {

constexpr size_t kPoolChunk = 2048;

// count vectors of dim floats → the pooled vectors (row-major, max(count / factor, 1) per chunk,
// clusters in order of their first member). factor <= 1 returns the input unchanged.
std::vector<float> pool_tokens(const float* vectors, size_t count, size_t dim, uint32_t factor);

}  // namespace clipfind
