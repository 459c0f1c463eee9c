#include "audio/fft.hpp"

#include <cmath>
#include <numbers>

#include "common/error.hpp"

namespace clipfind {

Fft::Fft(size_t n) : n_(n), twiddle_(n / 2), bitrev_(n) {
  if (n < 2 || (n & (n - 1)) != 0) throw Error(ErrorCode::InvalidArgument, "FFT size must be a power of two, got " + std::to_string(n));
  // Twiddles from cos/sin of each angle (not by repeated multiplication: that drifts).
  for (size_t k = 0; k < n / 2; k++) {
    const double a = -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
    twiddle_[k] = {std::cos(a), std::sin(a)};
  }
  size_t bits = 0;
  while ((size_t{1} << bits) < n) bits++;
  for (size_t i = 0; i < n; i++) {
    size_t r = 0;
    for (size_t b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitrev_[i] = r;
  }
}

void Fft::forward(std::vector<std::complex<double>>& x) const {
  for (size_t i = 0; i < n_; i++)
    if (i < bitrev_[i]) std::swap(x[i], x[bitrev_[i]]);
  for (size_t len = 2; len <= n_; len <<= 1) {
    const size_t half = len / 2, step = n_ / len;
    for (size_t i = 0; i < n_; i += len)
      for (size_t j = 0; j < half; j++) {
        const std::complex<double> t = twiddle_[j * step] * x[i + j + half];
        x[i + j + half] = x[i + j] - t;
        x[i + j] += t;
      }
  }
}

}  // namespace clipfind
