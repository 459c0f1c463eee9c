// Embind surface of MultiVectorIndex. Bulk data moves through the WASM heap (pointers from _malloc).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <span>

#include "errors.hpp"
#include "index/multi_vector_index.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

class MultiVectorHandle {
 public:
  val init(uint32_t dim, std::string storage, uint32_t pool) {
    return guarded([&] {
      index_ = std::make_unique<MultiVectorIndex>(MultiVectorOptions{dim, parse_storage(storage), pool});
      return val::undefined();
    });
  }
  // fromBytes in pieces: the pieces are gathered here (the file is in the heap once, beside the
  // index read from it, until loadEnd returns).
  val loadBegin(double total) {
    return guarded([&] {
      loading_.clear();
      loading_.reserve(static_cast<size_t>(total));
      return val::undefined();
    });
  }
  val loadFeed(uintptr_t ptr, size_t len) {
    return guarded([&] {
      const auto* p = reinterpret_cast<const uint8_t*>(ptr);
      loading_.insert(loading_.end(), p, p + len);
      return val::undefined();
    });
  }
  val loadEnd() {
    val result = guarded([&] {
      index_ = std::make_unique<MultiVectorIndex>(MultiVectorIndex::from_bytes(loading_));
      return val::undefined();
    });
    std::vector<uint8_t>().swap(loading_);
    return result;
  }
  // add in pieces of whole items: addBegin(counts), addItems per piece, addCommit(ids).
  val addBegin(uintptr_t counts, size_t n) {
    return guarded([&] {
      get().begin_add(std::span(reinterpret_cast<const uint32_t*>(counts), n));
      return val::undefined();
    });
  }
  val addItems(uintptr_t ptr, size_t floats) {
    return guarded([&] {
      get().stage_add(std::span(reinterpret_cast<const float*>(ptr), floats));
      return val::undefined();
    });
  }
  val addCommit(val ids) {
    return guarded([&] {
      auto list = emscripten::vecFromJSArray<std::string>(ids);
      get().commit_add(list);
      return val::undefined();
    });
  }
  val remove(val ids) {
    return guarded([&] {
      auto list = emscripten::vecFromJSArray<std::string>(ids);
      return val(static_cast<double>(get().remove(list)));
    });
  }
  val has(std::string id) {
    return guarded([&] { return val(get().contains(id)); });
  }
  val countOf(std::string id) {
    return guarded([&] { return val(static_cast<double>(get().count_of(id))); });
  }
  // Ids as a JS array; scores written to scores_out (k floats).
  val search(uintptr_t qptr, size_t floats, size_t tokens, size_t k, uintptr_t scores_out) {
    return guarded([&] {
      auto hits = get().search(std::span(reinterpret_cast<const float*>(qptr), floats), tokens, k);
      val ids = val::array();
      float* scores = reinterpret_cast<float*>(scores_out);
      for (size_t i = 0; i < hits.size(); ++i) {
        ids.call<void>("push", val(std::string(hits[i].id)));
        scores[i] = hits[i].score;
      }
      return ids;
    });
  }
  val scoreAll(uintptr_t qptr, size_t floats, size_t tokens, uintptr_t out) {
    return guarded([&] {
      get().score_all(std::span(reinterpret_cast<const float*>(qptr), floats), tokens, reinterpret_cast<float*>(out));
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
  // Serialized straight from each item's storage into a JS Uint8Array.
  val toBytes() {
    return guarded([&] {
      const MultiVectorIndex& index = get();
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
      v.set("pool", o.pool_factor);
      return v;
    });
  }
  size_t size() const { return index_ ? index_->size() : 0; }
  double vectorCount() const { return index_ ? double(index_->vector_count()) : 0; }
  double memoryBytes() const { return index_ ? double(index_->memory_bytes()) : 0; }

 private:
  MultiVectorIndex& get() {
    if (!index_) throw Error(ErrorCode::Closed, "index is not initialized");
    return *index_;
  }
  std::unique_ptr<MultiVectorIndex> index_;
  std::vector<uint8_t> loading_;
};

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_multi_vector) {
  using clipfind::bindings::MultiVectorHandle;
  emscripten::class_<MultiVectorHandle>("MultiVectorHandle")
      .constructor<>()
      .function("init", &MultiVectorHandle::init)
      .function("loadBegin", &MultiVectorHandle::loadBegin)
      .function("loadFeed", &MultiVectorHandle::loadFeed)
      .function("loadEnd", &MultiVectorHandle::loadEnd)
      .function("addBegin", &MultiVectorHandle::addBegin)
      .function("addItems", &MultiVectorHandle::addItems)
      .function("addCommit", &MultiVectorHandle::addCommit)
      .function("remove", &MultiVectorHandle::remove)
      .function("has", &MultiVectorHandle::has)
      .function("countOf", &MultiVectorHandle::countOf)
      .function("search", &MultiVectorHandle::search)
      .function("scoreAll", &MultiVectorHandle::scoreAll)
      .function("ids", &MultiVectorHandle::ids)
      .function("toBytes", &MultiVectorHandle::toBytes)
      .function("info", &MultiVectorHandle::info)
      .function("size", &MultiVectorHandle::size)
      .function("vectorCount", &MultiVectorHandle::vectorCount)
      .function("memoryBytes", &MultiVectorHandle::memoryBytes);
}
