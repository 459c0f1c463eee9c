// torchaudio's sinc_interp_hann resampler (functional._get_sinc_resample_kernel and
// _apply_sinc_resample_kernel), written as a direct sum over each output's non-zero taps.
#include "audio/resample.hpp"

#include <cmath>
#include <numbers>
#include <numeric>
#include <string>

#include "common/error.hpp"

namespace clipfind {

std::vector<float> resample(const float* samples, size_t n, int from_rate, int to_rate) {
  if (from_rate < 1 || from_rate > 384000 || to_rate < 1 || to_rate > 384000)
    throw Error(ErrorCode::InvalidArgument, "sample rates must be 1..384000 Hz, got " + std::to_string(from_rate) + " -> " + std::to_string(to_rate));
  if (from_rate == to_rate) return std::vector<float>(samples, samples + n);
  const long long g = std::gcd(from_rate, to_rate);
  const long long orig = from_rate / g, fresh = to_rate / g;
  constexpr double kZeroCrossings = 6.0, kRolloff = 0.99;
  const double base = static_cast<double>(std::min(orig, fresh)) * kRolloff;
  const long long width = static_cast<long long>(std::ceil(kZeroCrossings * static_cast<double>(orig) / base));

  // The kernel of phase j at tap k (k - width samples from the block start): zero where |t| reaches the
  // zero-crossing limit, so only taps with |t| < 6 are kept (torchaudio's clamp makes the rest ~1e-33).
  struct Phase { long long first; std::vector<double> taps; };
  std::vector<Phase> phases(static_cast<size_t>(fresh));
  for (long long j = 0; j < fresh; j++) {
    Phase& p = phases[static_cast<size_t>(j)];
    p.first = -1;
    for (long long k = 0; k < 2 * width + orig; k++) {
      double t = (-static_cast<double>(j) / static_cast<double>(fresh) + static_cast<double>(k - width) / static_cast<double>(orig)) * base;
      if (std::fabs(t) >= kZeroCrossings) {
        if (p.first >= 0) break;
        continue;
      }
      if (p.first < 0) p.first = k;
      const double window = std::pow(std::cos(t * std::numbers::pi / kZeroCrossings / 2), 2);
      t *= std::numbers::pi;
      const double sinc = t == 0 ? 1.0 : std::sin(t) / t;
      p.taps.push_back(sinc * window * base / static_cast<double>(orig));
    }
  }
  const size_t out_len = static_cast<size_t>(std::ceil(static_cast<double>(fresh) * static_cast<double>(n) / static_cast<double>(orig)));
  std::vector<float> out(out_len);
  for (size_t o = 0; o < out_len; o++) {
    const long long i = static_cast<long long>(o) / fresh, j = static_cast<long long>(o) % fresh;
    const Phase& p = phases[static_cast<size_t>(j)];
    double s = 0;
    const long long src0 = i * orig + p.first - width;  // zeros outside the signal (torchaudio pads so)
    for (size_t k = 0; k < p.taps.size(); k++) {
      const long long src = src0 + static_cast<long long>(k);
      if (src >= 0 && src < static_cast<long long>(n)) s += samples[src] * p.taps[k];
    }
    out[o] = static_cast<float>(s);
  }
  return out;
}

}  // namespace clipfind
