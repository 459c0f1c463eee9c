// A radix-2 complex FFT in double precision, for the log-mel's STFT (sizes are powers of two: CLAP's
// window is 1024). Plain and exact enough that numpy's pocketfft and this agree to ~1e-15 relative.
#pragma once
#include <complex>
#include <cstddef>
#include <vector>

namespace clipfind {

class Fft {
 public:
  explicit Fft(size_t n);  // n a power of two (throws Error(InvalidArgument) otherwise)
  size_t size() const { return n_; }
  // In place, forward (e^{-2πi kn/N}), unnormalized.
  void forward(std::vector<std::complex<double>>& x) const;

 private:
  size_t n_;
  std::vector<std::complex<double>> twiddle_;
  std::vector<size_t> bitrev_;
};

}  // namespace clipfind
