// Embind surface of FlatIndex. Bulk data moves through the WASM heap (pointers from _malloc),
// not through per-element JS conversions.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <span>

#include "errors.hpp"
#include "index/flat_index.hpp"
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
  val load(uintptr_t ptr, size_t len) {
    return guarded([&] {
      auto bytes = std::span(reinterpret_cast<const uint8_t*>(ptr), len);
      index_ = std::make_unique<FlatIndex>(FlatIndex::from_bytes(bytes));
      return val::undefined();
    });
  }
  val add(val ids, uintptr_t ptr, size_t count) {
    return guarded([&] {
      auto list = to_strings(ids);
      get().add(list, std::span(reinterpret_cast<const float*>(ptr), count));
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
  val toBytes() {
    return guarded([&] {
      auto bytes = get().to_bytes();
      // slice() copies out of the heap so the result survives memory growth and this function.
      return val(emscripten::typed_memory_view(bytes.size(), bytes.data())).call<val>("slice");
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
    auto raw = index_->raw_f32();
    return kernels::stream_sum_f32(raw.data(), raw.size());
  }

 private:
  FlatIndex& get() {
    if (!index_) throw Error(ErrorCode::Closed, "index is not initialized");
    return *index_;
  }
  std::unique_ptr<FlatIndex> index_;
};

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_index) {
  using clipfind::bindings::IndexHandle;
  emscripten::class_<IndexHandle>("IndexHandle")
      .constructor<>()
      .function("init", &IndexHandle::init)
      .function("load", &IndexHandle::load)
      .function("add", &IndexHandle::add)
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
