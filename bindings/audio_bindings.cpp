// Embind surface of the audio pipeline: CLAP's preprocessor_config.json, resampling to its rate, and
// the log-mel features (src/audio). Stateless: the config text comes with each call (parsing it and
// building the 513 x 64 filter bank is microseconds next to a 10 s STFT).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "audio/clap_features.hpp"
#include "audio/resample.hpp"
#include "errors.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

const float* floats_at(uintptr_t ptr) { return reinterpret_cast<const float*>(ptr); }

val copy_out(const std::vector<float>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

val clapFeatureConfig(std::string text) {
  return guarded([&] {
    const ClapFeatureConfig c = ClapFeatureConfig::from_json(text);
    val v = val::object();
    v.set("samplingRate", c.sampling_rate);
    v.set("maxLengthS", c.max_length_s);
    v.set("featureSize", c.feature_size);
    v.set("frames", double(c.chunk_frames()));
    v.set("truncation", std::string(c.truncation == ClapTruncation::Fusion ? "fusion" : "rand_trunc"));
    v.set("padding", std::string(c.padding == ClapPadding::RepeatPad ? "repeatpad" : c.padding == ClapPadding::Repeat ? "repeat" : "pad"));
    return v;
  });
}

// Features of `length` mono float samples at `rate` Hz (resampled to the model's rate first).
val clapFeatures(std::string text, uintptr_t ptr, size_t length, int rate) {
  return guarded([&] {
    const ClapFeatureConfig c = ClapFeatureConfig::from_json(text);
    ClapFeatures f;
    if (rate == c.sampling_rate) {
      f = clap_features(floats_at(ptr), length, c);
    } else {
      const std::vector<float> wave = resample(floats_at(ptr), length, rate, c.sampling_rate);
      f = clap_features(wave.data(), wave.size(), c);
    }
    val v = val::object();
    v.set("data", copy_out(f.data));
    v.set("channels", f.channels);
    v.set("frames", f.frames);
    v.set("mels", f.mels);
    v.set("isLonger", f.is_longer);
    return v;
  });
}

val resampleAudio(uintptr_t ptr, size_t length, int from_rate, int to_rate) {
  return guarded([&] { return copy_out(resample(floats_at(ptr), length, from_rate, to_rate)); });
}

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_audio) {
  emscripten::function("clapFeatureConfig", &clipfind::bindings::clapFeatureConfig);
  emscripten::function("clapFeatures", &clipfind::bindings::clapFeatures);
  emscripten::function("resampleAudio", &clipfind::bindings::resampleAudio);
}
