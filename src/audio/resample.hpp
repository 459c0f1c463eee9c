// Resampling to the model's rate (48 kHz for CLAP) of audio handed over at another rate.
//
// Which resampler, and why: band-limited windowed-sinc interpolation with torchaudio.functional.resample's
// default parameters (Hann-windowed sinc, 6 zero crossings, cutoff 0.99 of the lower Nyquist), applied
// over the exact rational ratio (44.1 -> 48 kHz is 147:160), so there is no drift and aliasing stays far
// below what a 64-band log-mel can see. CLAP was trained on audio brought to 48 kHz by such sinc
// resamplers (torchaudio / librosa); linear interpolation would fold energy above the old Nyquist into
// audible bands. In the browser, decodeAudioData resamples with the browser's own (also sinc)
// resampler; in Node, ffmpeg decodes at the file's rate and this function resamples.
#pragma once
#include <cstddef>
#include <vector>

namespace clipfind {

// ceil(n * to / from) samples, as torchaudio. from == to returns a copy. Rates in 1..384000 Hz,
// else Error(InvalidArgument).
std::vector<float> resample(const float* samples, size_t n, int from_rate, int to_rate);

}  // namespace clipfind
