// Reading JSON files (tokenizer, model and preprocessor configs) with errors that name the file and the field path.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "common/error.hpp"

namespace clipfind::jsonutil {

using json = nlohmann::json;

[[noreturn]] inline void fail(const std::string& where, const std::string& why) {
  throw Error(ErrorCode::InvalidModel, where + ": " + why);
}

inline json parse(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    fail(file, std::string("invalid JSON (") + e.what() + ")");
  }
}

inline const json& field(const json& j, const char* key, const std::string& where) {
  if (!j.is_object()) fail(where, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) fail(where, std::string("missing field '") + key + "'");
  return *it;
}

inline std::string str(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_string()) fail(where + "." + key, "expected a string");
  return v.get<std::string>();
}

inline std::string opt_str(const json& j, const char* key, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

inline bool opt_bool(const json& j, const char* key, bool fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

inline const json& arr(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_array()) fail(where + "." + key, "expected an array");
  return v;
}

// An integer in [lo, hi]; errors read "<where>: expected an integer" / "out of range (lo..hi): n".
inline int64_t int_in_range(const json& v, const std::string& where, int64_t lo, int64_t hi) {
  if (!v.is_number_integer() && !v.is_number_unsigned()) fail(where, "expected an integer");
  const int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) fail(where, "out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + "): " + std::to_string(n));
  return n;
}

inline int64_t integer(const json& v, const std::string& where) {
  if (!v.is_number_integer() && !v.is_number_unsigned()) fail(where, "expected an integer");
  return v.get<int64_t>();
}

}  // namespace clipfind::jsonutil
