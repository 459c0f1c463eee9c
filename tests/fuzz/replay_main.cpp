// Replays fuzz inputs without libFuzzer: each fuzz target is also linked with this main and run by
// ctest over its seed corpus and tests/fuzz/regressions/<target>/ (every crash a fuzzer found, kept
// as a regression test). Arguments are files or directories; a missing directory is empty.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

static void run(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

int main(int argc, char** argv) {
  size_t n = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) run(e.path()), ++n;
    } else if (fs::is_regular_file(p)) {
      run(p), ++n;
    }
  }
  std::printf("replayed %zu input(s)\n", n);
  return 0;
}
