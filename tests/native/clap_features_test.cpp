// The C++ CLAP log-mel against Hugging Face's ClapFeatureExtractor (references recorded by
// tests/fixtures/clap-features/make_fixtures.py), and the resampler against analytic tones.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>

#include "audio/clap_features.hpp"
#include "audio/resample.hpp"
#include "common/error.hpp"

namespace clipfind {
namespace {

const std::string kCases = std::string(CLIPFIND_SOURCE_DIR) + "/tests/fixtures/clap-features/cases/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ClapFeatures, MatchesTheHuggingFaceReferenceWithin1e4) {
  const auto manifest = nlohmann::json::parse(slurp(kCases + "cases.json"));
  ASSERT_GE(manifest.size(), 5u);
  for (const auto& [name, c] : manifest.items()) {
    const std::string pcm = slurp(kCases + name + ".pcm"), ref = slurp(kCases + name + ".f32");
    std::vector<float> wave(pcm.size() / 2);
    for (size_t i = 0; i < wave.size(); i++) {
      int16_t v;
      std::memcpy(&v, pcm.data() + 2 * i, 2);
      wave[i] = static_cast<float>(v) / 32768.0f;
    }
    const ClapFeatures f = clap_features(wave.data(), wave.size(), ClapFeatureConfig::from_json(c["config"].dump()));
    ASSERT_EQ(f.channels, c["shape"][0].get<int>()) << name;
    ASSERT_EQ(f.frames, c["shape"][1].get<int>()) << name;
    ASSERT_EQ(f.mels, c["shape"][2].get<int>()) << name;
    EXPECT_EQ(f.is_longer, c["isLonger"].get<bool>()) << name;
    ASSERT_EQ(ref.size(), f.data.size() * 4) << name;
    double worst = 0;
    for (size_t i = 0; i < f.data.size(); i++) {
      float r;
      std::memcpy(&r, ref.data() + 4 * i, 4);
      worst = std::max(worst, std::fabs(double(r) - double(f.data[i])));
    }
    EXPECT_LE(worst, 1e-4) << name;
  }
}

TEST(ClapFeatures, RefusesEmptyAndNonFiniteAudioAndOtherExtractors) {
  ClapFeatureConfig c;
  EXPECT_THROW(clap_features(nullptr, 0, c), Error);
  const float bad[3] = {0, NAN, 0};
  EXPECT_THROW(clap_features(bad, 3, c), Error);
  EXPECT_THROW(ClapFeatureConfig::from_json(R"({"feature_extractor_type":"WhisperFeatureExtractor"})"), Error);
  EXPECT_THROW(ClapFeatureConfig::from_json(R"({"feature_extractor_type":"ClapFeatureExtractor","truncation":"crop"})"), Error);
}

// A 1 kHz tone at 44.1 kHz resampled to 48 kHz is the same tone sampled at 48 kHz (away from the edges).
TEST(Resample, ToneAt441kHzBecomesTheSameToneAt48kHz) {
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{44100, 48000}, {16000, 48000}, {96000, 48000}}) {
    const double f0 = 1000, seconds = 0.5;
    std::vector<float> in(size_t(seconds * from));
    for (size_t i = 0; i < in.size(); i++) in[i] = float(0.5 * std::sin(2 * std::numbers::pi * f0 * double(i) / from));
    const auto out = resample(in.data(), in.size(), from, to);
    EXPECT_EQ(out.size(), size_t(std::ceil(double(in.size()) * to / from)));
    double worst = 0;
    for (size_t i = 200; i + 200 < out.size(); i++)
      worst = std::max(worst, std::fabs(out[i] - 0.5 * std::sin(2 * std::numbers::pi * f0 * double(i) / to)));
    EXPECT_LT(worst, 2e-3) << from << " -> " << to;
  }
}

// Energy above the new Nyquist is removed, not folded back: 20 kHz at 96 kHz -> 16 kHz is silence.
TEST(Resample, RemovesWhatTheNewRateCannotHold) {
  std::vector<float> in(48000);
  for (size_t i = 0; i < in.size(); i++) in[i] = float(0.5 * std::sin(2 * std::numbers::pi * 20000 * double(i) / 96000));
  const auto out = resample(in.data(), in.size(), 96000, 16000);
  double peak = 0;
  for (size_t i = 200; i + 200 < out.size(); i++) peak = std::max(peak, double(std::fabs(out[i])));
  EXPECT_LT(peak, 1e-3);
}

}  // namespace
}  // namespace clipfind
