// Errors cross into JS as a plain object { __clipfindError, code, message }; web/errors.js turns it
// into a typed JS error. Returning instead of throwing keeps JS-side stacks and avoids exception
// interop across the wasm boundary.
#pragma once
#include <emscripten/val.h>

#include <exception>
#include <new>

#include "common/error.hpp"

namespace clipfind::bindings {

inline emscripten::val error_value(const char* code, const char* message) {
  emscripten::val e = emscripten::val::object();
  e.set("__clipfindError", true);
  e.set("code", std::string(code));
  e.set("message", std::string(message));
  return e;
}

// Runs fn (returning emscripten::val) and converts any C++ exception into an error value.
template <typename F>
emscripten::val guarded(F&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    return error_value(error_code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return error_value("OUT_OF_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    return error_value("INTERNAL", e.what());
  }
}

}  // namespace clipfind::bindings
