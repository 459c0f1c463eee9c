// Embind surface of FlatIndex. Bulk data moves through the WASM heap (pointers from _malloc),
// not through per-element JS conversions.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <span>

#include "errors.hpp"
#include "index/flat_index.hpp"
#include "index/index_loader.hpp"
#include "index/kernels.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

std::vector<std::string> to_strings(const val& ids) { return emscripten::vecFromJSArray<std::string>(ids); }

class IndexHandle {
 public:
  val init(uint32_t dim, std::string storage, std::string metric, uint32_t rerank) {
    return guarded([&] {
      index_ = std::make_unique<FlatIndex>(IndexOptions{dim, parse_storage(storage), parse_metric(metric), rerank});
      return val::undefined();
    });
  }
  // fromBytes in pieces: loadBegin(total bytes), loadFeed per piece copied into the heap, loadEnd.
  // The index is read straight into its final storage; the file is never whole in the heap.
  val loadBegin(double total) {
    return loading([&] { loader_ = std::make_unique<IndexLoader>(static_cast<size_t>(total)); });
  }
  val loadFeed(uintptr_t ptr, size_t len) {
    return loading([&] { loader().feed(reinterpret_cast<const uint8_t*>(ptr), len); });
  }
  val loadEnd() {
    return loading([&] {
      index_ = std::make_unique<FlatIndex>(loader().finish());
      loader_.reset();
    });
  }
  // add in pieces (FlatIndex::begin_add/stage_add/commit_add): all-or-nothing over the whole batch.
  val addBegin(size_t n, double floats) {
    return guarded([&] {
      get().begin_add(n, static_cast<size_t>(floats));
      return val::undefined();
    });
  }
  val addRows(uintptr_t ptr, size_t count) {
    return guarded([&] {
      get().stage_add(std::span(reinterpret_cast<const float*>(ptr), count));
      return val::undefined();
    });
  }
  val addCommit(val ids) {
    return guarded([&] {
      auto list = to_strings(ids);
      get().commit_add(list);
      return val::undefined();
    });
  }
  val update(val ids, uintptr_t ptr, size_t count) {
    return guarded([&] {
      auto list = to_strings(ids);
      get().update(list, std::span(reinterpret_cast<const float*>(ptr), count));
      return val::undefined();
    });
  }
  val remove(val ids) {
    return guarded([&] {
      auto list = to_strings(ids);
      return val(static_cast<double>(get().remove(list)));
    });
  }
  val has(std::string id) {
    return guarded([&] { return val(get().contains(id)); });
  }
  // Writes the vector to out (dim floats).
  val getVector(std::string id, uintptr_t out) {
    return guarded([&] {
      auto v = get().get(id);
      std::copy(v.begin(), v.end(), reinterpret_cast<float*>(out));
      return val::undefined();
    });
  }
  // Returns ids as a JS array; scores are written to scores_out (k floats), count in .length.
  val search(uintptr_t qptr, size_t qlen, size_t k, uintptr_t scores_out) {
    return guarded([&] {
      auto hits = get().search(std::span(reinterpret_cast<const float*>(qptr), qlen), k);
      val ids = val::array();
      float* scores = reinterpret_cast<float*>(scores_out);
      for (size_t i = 0; i < hits.size(); ++i) {
        ids.call<void>("push", val(std::string(hits[i].id)));
        scores[i] = hits[i].score;
      }
      return ids;
    });
  }
  // Scores for all slots written to out (size() floats), slot order = ids().
  val scoreAll(uintptr_t qptr, size_t qlen, uintptr_t out) {
    return guarded([&] {
      get().score_all(std::span(reinterpret_cast<const float*>(qptr), qlen), reinterpret_cast<float*>(out));
      return val::undefined();
    });
  }
  val ids() {
    return guarded([&] {
      val out = val::array();
      for (const auto& id : get().ids()) out.call<void>("push", val(id));
      return out;
    });
  }
  // Serialized straight from the blocks into a JS Uint8Array, piece by piece: the heap never holds
  // a second copy of the index (it would keep that size for the life of the page).
  val toBytes() {
    return guarded([&] {
      const FlatIndex& index = get();
      val out = val::global("Uint8Array").new_(static_cast<double>(index.serialized_size()));
      double at = 0;
      index.write_bytes([&](const uint8_t* p, size_t n) {
        out.call<void>("set", val(emscripten::typed_memory_view(n, p)), at);
        at += static_cast<double>(n);
      });
      return out;
    });
  }
  val info() {
    return guarded([&] {
      const auto& o = get().options();
      val v = val::object();
      v.set("dim", o.dim);
      v.set("storage", std::string(storage_name(o.storage)));
      v.set("metric", std::string(metric_name(o.metric)));
      v.set("rerank", o.rerank);
      return v;
    });
  }
  size_t size() const { return index_ ? index_->size() : 0; }
  double memoryBytes() const { return index_ ? double(index_->memory_bytes()) : 0; }
  // Bandwidth probe over the index's own f32 bytes (benchmarks only).
  float probe() const {
    if (!index_) return 0;
    float sum = 0;
    for (auto block : index_->f32_blocks()) sum += kernels::stream_sum_f32(block.data(), block.size());
    return sum;
  }

 private:
  FlatIndex& get() {
    if (!index_) throw Error(ErrorCode::Closed, "index is not initialized");
    return *index_;
  }
  IndexLoader& loader() {
    if (!loader_) throw Error(ErrorCode::Closed, "no load in progress");
    return *loader_;
  }
  // A failed load drops what it had read at once.
  template <typename F>
  val loading(F&& fn) {
    val result = guarded([&] {
      fn();
      return val::undefined();
    });
    if (!result.isUndefined()) loader_.reset();
    return result;
  }
  std::unique_ptr<FlatIndex> index_;
  std::unique_ptr<IndexLoader> loader_;
};

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_index) {
  using clipfind::bindings::IndexHandle;
  emscripten::class_<IndexHandle>("IndexHandle")
      .constructor<>()
      .function("init", &IndexHandle::init)
      .function("loadBegin", &IndexHandle::loadBegin)
      .function("loadFeed", &IndexHandle::loadFeed)
      .function("loadEnd", &IndexHandle::loadEnd)
      .function("addBegin", &IndexHandle::addBegin)
      .function("addRows", &IndexHandle::addRows)
      .function("addCommit", &IndexHandle::addCommit)
      .function("update", &IndexHandle::update)
      .function("remove", &IndexHandle::remove)
      .function("has", &IndexHandle::has)
      .function("getVector", &IndexHandle::getVector)
      .function("search", &IndexHandle::search)
      .function("toBytes", &IndexHandle::toBytes)
      .function("scoreAll", &IndexHandle::scoreAll)
      .function("ids", &IndexHandle::ids)
      .function("info", &IndexHandle::info)
      .function("size", &IndexHandle::size)
      .function("memoryBytes", &IndexHandle::memoryBytes)
      .function("probe", &IndexHandle::probe);
}
