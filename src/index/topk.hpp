// Bounded top-k selection: a min-heap of the k best seen so far. Ties go to the earlier insertion
// (lower sequence number), so results are deterministic whatever the storage order.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace clipfind {

struct Hit {
  uint32_t slot;
  float score;
  uint64_t seq;
};

// a ranks before b
inline bool better(const Hit& a, const Hit& b) {
  return a.score > b.score || (a.score == b.score && a.seq < b.seq);
}

class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k); }

  // Fast reject against the current k-th best before touching the heap.
  void push(uint32_t slot, float score, uint64_t seq) {
    if (k_ == 0) return;
    const Hit h{slot, score, seq};
    if (heap_.size() < k_) {
      heap_.push_back(h);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (better(h, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = h;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }

  std::vector<Hit> take_sorted() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<Hit> heap_;  // heap ordered by `better`: front() is the worst kept
};

}  // namespace clipfind
