// ClapFeatureExtractor in C++ (see clap_features.hpp for the manual). Each function names the Python
// function it reproduces; the arithmetic follows it step by step so the rounding does too.
#include "audio/clap_features.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "audio/fft.hpp"
#include "common/json_util.hpp"

namespace clipfind {
namespace {

using jsonutil::json;
constexpr const char* kFile = "preprocessor_config.json";

// audio_utils.hertz_to_mel / mel_to_hertz
double hertz_to_mel(double f, MelScale scale) {
  if (scale == MelScale::Htk) return 2595.0 * std::log10(1.0 + f / 700.0);
  const double logstep = 27.0 / std::log(6.4);
  return f >= 1000.0 ? 15.0 + std::log(f / 1000.0) * logstep : 3.0 * f / 200.0;
}

double mel_to_hertz(double m, MelScale scale) {
  if (scale == MelScale::Htk) return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0);
  const double logstep = std::log(6.4) / 27.0;
  return m >= 15.0 ? 1000.0 * std::exp(logstep * (m - 15.0)) : 200.0 * m / 3.0;
}

// np.linspace(start, stop, num): start + i * step, the last exactly stop.
std::vector<double> linspace(double start, double stop, int num) {
  std::vector<double> v(static_cast<size_t>(num));
  const double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; i++) v[static_cast<size_t>(i)] = i * step + start;
  v.back() = stop;
  return v;
}

// np.pad(x, (pad, pad), mode="reflect"): mirrored without repeating the edge (period 2(n-1)).
std::vector<double> reflect_pad(const double* x, size_t n, size_t pad) {
  std::vector<double> out(n + 2 * pad);
  const long long period = n > 1 ? 2 * (static_cast<long long>(n) - 1) : 1;
  for (size_t i = 0; i < out.size(); i++) {
    long long j = static_cast<long long>(i) - static_cast<long long>(pad);
    if (n == 1) j = 0;
    j %= period;
    if (j < 0) j += period;
    if (j >= static_cast<long long>(n)) j = period - j;
    out[i] = x[j];
  }
  return out;
}

// torch.nn.functional.interpolate(mel[None, None], size=[rows, cols], mode="bilinear",
// align_corners=False) on a float32 CPU tensor, as torch's kernel computes it: the scale in float
// (in / out), the source index (dst + 0.5) * scale - 0.5 clamped at 0 and its weights in double (CPU
// acc_type), the weights stored as float, the blend in float. A same-size axis is copied.
std::vector<float> bilinear_resize(const std::vector<float>& in, int in_rows, int in_cols, int rows, int cols) {
  struct Tap { int i0, i1; float w0, w1; };
  auto taps = [](int in_size, int out_size) {
    std::vector<Tap> t(static_cast<size_t>(out_size));
    const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
    for (int d = 0; d < out_size; d++) {
      if (in_size == out_size) {
        t[static_cast<size_t>(d)] = {d, d, 1.0f, 0.0f};
        continue;
      }
      double src = static_cast<double>(scale) * (d + 0.5) - 0.5;
      if (src < 0) src = 0;
      const int i0 = static_cast<int>(src);
      const int i1 = i0 + (i0 < in_size - 1 ? 1 : 0);
      const double l1 = std::min(std::max(src - i0, 0.0), 1.0);
      t[static_cast<size_t>(d)] = {i0, i1, static_cast<float>(1.0 - l1), static_cast<float>(l1)};
    }
    return t;
  };
  const auto th = taps(in_rows, rows), tw = taps(in_cols, cols);
  std::vector<float> out(static_cast<size_t>(rows) * static_cast<size_t>(cols));
  auto at = [&](int r, int c) { return in[static_cast<size_t>(r) * static_cast<size_t>(in_cols) + static_cast<size_t>(c)]; };
  for (int r = 0; r < rows; r++) {
    const Tap& h = th[static_cast<size_t>(r)];
    for (int c = 0; c < cols; c++) {
      const Tap& w = tw[static_cast<size_t>(c)];
      out[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)] =
          h.w0 * (w.w0 * at(h.i0, w.i0) + w.w1 * at(h.i0, w.i1)) + h.w1 * (w.w0 * at(h.i1, w.i0) + w.w1 * at(h.i1, w.i1));
    }
  }
  return out;
}

// np.array_split(range(0, count), 3): the first count % 3 parts one longer.
std::vector<std::vector<size_t>> split3(size_t count) {
  std::vector<std::vector<size_t>> parts(3);
  size_t start = 0;
  for (size_t p = 0; p < 3; p++) {
    const size_t len = count / 3 + (p < count % 3 ? 1 : 0);
    for (size_t i = 0; i < len; i++) parts[p].push_back(start + i);
    start += len;
  }
  return parts;
}

int positive_int(const json& j, const char* key, int fallback, int hi) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return static_cast<int>(jsonutil::int_in_range(*it, std::string(kFile) + ": " + key, 1, hi));
}

double number(const json& j, const char* key, double fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) jsonutil::fail(std::string(kFile) + ": " + key, "expected a number");
  return it->get<double>();
}

}  // namespace

ClapFeatureConfig ClapFeatureConfig::from_json(const std::string& text) {
  const json j = jsonutil::parse(text, kFile);
  if (!j.is_object()) jsonutil::fail(kFile, "expected a JSON object");
  const std::string type = jsonutil::opt_str(j, "feature_extractor_type", "");
  if (type != "ClapFeatureExtractor")
    jsonutil::fail(std::string(kFile) + ": feature_extractor_type", "expected 'ClapFeatureExtractor', got '" + type + "'");
  ClapFeatureConfig c;
  c.feature_size = positive_int(j, "feature_size", c.feature_size, 512);
  c.sampling_rate = positive_int(j, "sampling_rate", c.sampling_rate, 384000);
  c.hop_length = positive_int(j, "hop_length", c.hop_length, 1 << 16);
  c.max_length_s = positive_int(j, "max_length_s", c.max_length_s, 600);
  c.fft_window_size = positive_int(j, "fft_window_size", c.fft_window_size, 1 << 16);
  if ((c.fft_window_size & (c.fft_window_size - 1)) != 0)
    jsonutil::fail(std::string(kFile) + ": fft_window_size", "must be a power of two, got " + std::to_string(c.fft_window_size));
  c.frequency_min = number(j, "frequency_min", c.frequency_min);
  c.frequency_max = number(j, "frequency_max", c.frequency_max);
  if (!(c.frequency_min >= 0 && c.frequency_min <= c.frequency_max && c.frequency_max <= c.sampling_rate / 2.0))
    jsonutil::fail(kFile, "frequency_min/frequency_max must satisfy 0 <= min <= max <= sampling_rate / 2");
  const std::string trunc = jsonutil::opt_str(j, "truncation", "fusion");
  if (trunc == "fusion") c.truncation = ClapTruncation::Fusion;
  else if (trunc == "rand_trunc") c.truncation = ClapTruncation::RandTrunc;
  else jsonutil::fail(std::string(kFile) + ": truncation", "expected 'fusion' or 'rand_trunc', got '" + trunc + "'");
  const std::string pad = jsonutil::opt_str(j, "padding", "repeatpad");
  if (pad == "repeatpad") c.padding = ClapPadding::RepeatPad;
  else if (pad == "repeat") c.padding = ClapPadding::Repeat;
  else if (pad == "pad") c.padding = ClapPadding::Pad;
  else jsonutil::fail(std::string(kFile) + ": padding", "expected 'repeatpad', 'repeat' or 'pad', got '" + pad + "'");
  return c;
}

// audio_utils.mel_filter_bank(..., norm = "slaney" iff Slaney, mel_scale, triangularize_in_mel_space=False)
std::vector<double> mel_filter_bank(int num_frequency_bins, int num_mel_filters, double min_frequency,
                                    double max_frequency, int sampling_rate, MelScale scale) {
  const auto mel_freqs = linspace(hertz_to_mel(min_frequency, scale), hertz_to_mel(max_frequency, scale), num_mel_filters + 2);
  std::vector<double> filter_freqs(mel_freqs.size());
  for (size_t i = 0; i < mel_freqs.size(); i++) filter_freqs[i] = mel_to_hertz(mel_freqs[i], scale);
  const auto fft_freqs = linspace(0, static_cast<double>(sampling_rate / 2), num_frequency_bins);
  // _create_triangular_filter_bank
  std::vector<double> diff(filter_freqs.size() - 1);
  for (size_t i = 0; i + 1 < filter_freqs.size(); i++) diff[i] = filter_freqs[i + 1] - filter_freqs[i];
  const size_t nm = static_cast<size_t>(num_mel_filters);
  std::vector<double> bank(static_cast<size_t>(num_frequency_bins) * nm);
  for (size_t f = 0; f < static_cast<size_t>(num_frequency_bins); f++)
    for (size_t m = 0; m < nm; m++) {
      const double down = -(filter_freqs[m] - fft_freqs[f]) / diff[m];
      const double up = (filter_freqs[m + 2] - fft_freqs[f]) / diff[m + 1];
      double w = std::max(0.0, std::min(down, up));
      if (scale == MelScale::Slaney) w *= 2.0 / (filter_freqs[m + 2] - filter_freqs[m]);
      bank[f * nm + m] = w;
    }
  return bank;
}

// ClapFeatureExtractor._np_extract_fbank_features: audio_utils.spectrogram(waveform, hann window,
// frame_length = hop... = fft_window_size, power 2, center + reflect, mel_filters, log_mel "dB").T
std::vector<float> log_mel(const double* wave, size_t n, const ClapFeatureConfig& config,
                           const std::vector<double>& filters, int* frames_out) {
  const size_t win = static_cast<size_t>(config.fft_window_size), hop = static_cast<size_t>(config.hop_length);
  const size_t bins = win / 2 + 1, mels = static_cast<size_t>(config.feature_size);
  const std::vector<double> padded = reflect_pad(wave, n, win / 2);
  const size_t frames = 1 + (padded.size() - win) / hop;
  // window_function(win, "hann"): np.hanning(win + 1)[:-1], written as numpy does (0.5 + 0.5 cos(pi n / win),
  // n = -win, -win + 2, ...)
  std::vector<double> window(win);
  for (size_t i = 0; i < win; i++) {
    const double k = 2.0 * static_cast<double>(i) - static_cast<double>(win);
    window[i] = 0.5 + 0.5 * std::cos(std::numbers::pi * k / static_cast<double>(win));
  }
  const Fft fft(win);
  std::vector<std::complex<double>> buf(win);
  std::vector<double> power(bins);
  std::vector<float> out(frames * mels);
  for (size_t t = 0; t < frames; t++) {
    for (size_t i = 0; i < win; i++) buf[i] = {padded[t * hop + i] * window[i], 0.0};
    fft.forward(buf);
    for (size_t k = 0; k < bins; k++) {
      // numpy stores the spectrum as complex64, then takes |.|**2 in float64
      const double re = static_cast<float>(buf[k].real()), im = static_cast<float>(buf[k].imag());
      const double a = std::hypot(re, im);
      power[k] = a * a;
    }
    for (size_t m = 0; m < mels; m++) {
      double s = 0;
      for (size_t k = 0; k < bins; k++) s += filters[k * mels + m] * power[k];
      s = std::max(1e-10, s);  // mel_floor, then power_to_db's min_value (reference 1.0: log10(1) = 0)
      out[t * mels + m] = static_cast<float>(10.0 * (std::log10(s) - 0.0));
    }
  }
  *frames_out = static_cast<int>(frames);
  return out;
}

ClapFeatures clap_features(const float* samples, size_t n, const ClapFeatureConfig& config) {
  if (n == 0) throw Error(ErrorCode::InvalidArgument, "audio has no samples");
  for (size_t i = 0; i < n; i++)
    if (!std::isfinite(samples[i])) throw Error(ErrorCode::InvalidValue, "audio sample " + std::to_string(i) + " is NaN or infinite");
  const size_t max_length = config.max_length();
  const int bins = config.fft_window_size / 2 + 1;
  const MelScale scale = config.truncation == ClapTruncation::Fusion ? MelScale::Htk : MelScale::Slaney;
  const auto filters = mel_filter_bank(bins, config.feature_size, config.frequency_min, config.frequency_max, config.sampling_rate, scale);
  ClapFeatures f;
  f.mels = config.feature_size;
  const size_t mels = static_cast<size_t>(f.mels);

  if (n > max_length && config.truncation == ClapTruncation::Fusion) {
    std::vector<double> wave(samples, samples + n);
    int total = 0;
    const auto mel = log_mel(wave.data(), n, config, filters, &total);
    const size_t chunk = config.chunk_frames();
    if (chunk == static_cast<size_t>(total)) {  // longer by less than a hop: the whole mel, 4 times
      f.channels = 4;
      f.frames = total;
      for (int c = 0; c < 4; c++) f.data.insert(f.data.end(), mel.begin(), mel.end());
      f.is_longer = true;  // set for every item (see the header), as Python does for a batch of one
      return f;
    }
    auto ranges = split3(static_cast<size_t>(total) - chunk + 1);
    if (ranges[1].empty()) ranges[1] = {0};
    if (ranges[2].empty()) ranges[2] = {0};
    f.channels = 4;
    f.frames = static_cast<int>(chunk);
    f.data = bilinear_resize(mel, total, f.mels, f.frames, f.mels);
    for (const auto& r : ranges) {
      const size_t start = r[r.size() / 2];
      f.data.insert(f.data.end(), mel.begin() + static_cast<std::ptrdiff_t>(start * mels),
                    mel.begin() + static_cast<std::ptrdiff_t>((start + chunk) * mels));
    }
    f.is_longer = true;
    return f;
  }

  std::vector<double> wave;
  if (n > max_length) {  // rand_trunc: the centre crop
    const size_t start = (n - max_length) / 2;
    wave.assign(samples + start, samples + start + max_length);
    f.is_longer = true;
  } else {
    if (n < max_length && config.padding == ClapPadding::Repeat) {
      // np.tile(waveform, n_repeat + 1)[:max_length]
      wave.resize(max_length);
      for (size_t i = 0; i < max_length; i++) wave[i] = samples[i % n];
    } else if (n < max_length && config.padding == ClapPadding::RepeatPad) {
      const size_t repeat = max_length / n;  // int(max_length / len(waveform))
      wave.assign(max_length, 0.0);
      for (size_t i = 0; i < repeat * n; i++) wave[i] = samples[i % n];
    } else {
      wave.assign(max_length, 0.0);
      std::copy(samples, samples + n, wave.begin());
    }
    f.is_longer = config.truncation == ClapTruncation::Fusion;  // see the header
  }
  int frames = 0;
  const auto mel = log_mel(wave.data(), wave.size(), config, filters, &frames);
  f.frames = frames;
  f.channels = config.truncation == ClapTruncation::Fusion ? 4 : 1;
  for (int c = 0; c < f.channels; c++) f.data.insert(f.data.end(), mel.begin(), mel.end());
  return f;
}

}  // namespace clipfind
