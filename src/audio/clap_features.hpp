// CLAP audio features: the log-mel spectrogram that Hugging Face's ClapFeatureExtractor computes
// (transformers/models/clap/feature_extraction_clap.py with audio_utils.py), reproduced in C++ so that
// a CLAP ONNX audio tower sees the same input here as it does in Python.
//
// Manual
// ------
// Input: mono float samples at the extractor's sampling rate (48 kHz for every CLAP checkpoint). Audio at
// another rate goes through resample() first (resample.hpp).
//
// Output: ClapFeatures { data, channels, frames, mels, is_longer }, data laid out [channels][frames][mels],
// which is the audio tower's `input_features` [batch, channels, frames, mels] for one item.
//
// The steps, as ClapFeatureExtractor._get_input_mel does them (max_length = max_length_s * sampling_rate):
//  - Shorter than max_length: padded to max_length by `padding`:
//      "repeatpad": the audio repeated floor(max_length / n) times, then zeros;
//      "repeat":    the audio repeated until it fills max_length exactly;
//      "pad":       zeros.
//    Then one log-mel (rand_trunc: Slaney filters, 1 channel) or the same HTK log-mel 4 times (fusion).
//  - Longer than max_length:
//      "rand_trunc": a max_length crop of the waveform, Slaney log-mel, 1 channel, is_longer = true;
//      "fusion":     the HTK log-mel of the WHOLE audio; 4 channels: [the whole mel shrunk to the chunk's
//                    length (bilinear, as torch.nn.functional.interpolate), a crop from the front third,
//                    one from the middle third, one from the back third of the possible starts].
//  - The log-mel: reflect-padded STFT (Hann window of fft_window_size, periodic; hop_length), power
//    spectrum, the mel filters, floor 1e-10, 10*log10 (dB). top_db is read but, as in the Python code,
//    never applied. Frames = 1 + max_length / hop_length (1001 for 10 s at 48 kHz / 480).
//
// Where Python picks at random, this picks the centre (documented, deterministic, so an item's embedding
// does not change between runs): rand_trunc crops the waveform at (n - max_length) / 2 (Python:
// randint(0, overflow + 1)); fusion takes from each third of the possible crop starts its middle
// element (Python: np.random.choice of it). And fusion's is_longer, which Python sets at random on one
// item of a batch when no item is longer, is true for every item: what Python gives a batch of one,
// the way clipfind embeds each sound.
//
// Numerics follow the reference: float64 through the FFT, the spectrum rounded to complex64 as numpy
// stores it, float32 out; the fusion shrink in float32 as torch computes it. Parity with the Python
// code: tests/js/audio_features.test.mjs (max abs error <= 1e-4 dB on recorded references).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace clipfind {

enum class ClapTruncation { Fusion, RandTrunc };
enum class ClapPadding { RepeatPad, Repeat, Pad };

// preprocessor_config.json of a CLAP model (fields and defaults of ClapFeatureExtractor.__init__).
struct ClapFeatureConfig {
  int feature_size = 64;        // mel filters
  int sampling_rate = 48000;
  int hop_length = 480;
  int max_length_s = 10;
  int fft_window_size = 1024;
  double frequency_min = 0;
  double frequency_max = 14000;
  ClapTruncation truncation = ClapTruncation::Fusion;
  ClapPadding padding = ClapPadding::RepeatPad;

  size_t max_length() const { return static_cast<size_t>(max_length_s) * static_cast<size_t>(sampling_rate); }
  size_t chunk_frames() const { return max_length() / static_cast<size_t>(hop_length) + 1; }

  // Throws Error(InvalidModel) naming preprocessor_config.json and the field; a file whose
  // feature_extractor_type is not ClapFeatureExtractor is refused.
  static ClapFeatureConfig from_json(const std::string& text);
};

struct ClapFeatures {
  std::vector<float> data;  // [channels][frames][mels]
  int channels = 1;
  int frames = 0;
  int mels = 0;
  bool is_longer = false;
};

// The model input for one sound. Throws Error(InvalidArgument) on empty audio and Error(InvalidValue)
// on NaN/Inf samples.
ClapFeatures clap_features(const float* samples, size_t n, const ClapFeatureConfig& config);

// The pieces, exposed for tests and for tools that want them.
enum class MelScale { Htk, Slaney };
// [num_frequency_bins][num_mel_filters], as audio_utils.mel_filter_bank (norm "slaney" iff Slaney).
std::vector<double> mel_filter_bank(int num_frequency_bins, int num_mel_filters, double min_frequency,
                                    double max_frequency, int sampling_rate, MelScale scale);
// [frames][mels] dB log-mel of a waveform (audio_utils.spectrogram with CLAP's arguments, transposed).
std::vector<float> log_mel(const double* wave, size_t n, const ClapFeatureConfig& config,
                           const std::vector<double>& filters, int* frames_out);

}  // namespace clipfind
