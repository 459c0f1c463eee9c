#include <emscripten/bind.h>

#include <string>

namespace {
std::string version() { return CLIPFIND_VERSION; }
}  // namespace

EMSCRIPTEN_BINDINGS(clipfind_version) { emscripten::function("version", &version); }
