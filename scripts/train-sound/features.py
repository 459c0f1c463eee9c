"""Log-mel features for training, computed by Hugging Face's ClapFeatureExtractor itself (the verbatim
copy in tests/fixtures/clap-features/reference/, which clipfind's C++ matches within 1e-4 dB), with the
random crop replaced by clipfind's documented centre rule."""
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures", "clap-features", "reference"))
from feature_extraction_clap import ClapFeatureExtractor  # noqa: E402

# The built-in model's preprocessor_config.json: laion/clap-htsat-unfused's, with 3 s instead of 10
# (the generated sounds are 1-3 s; a shorter window keeps CPU training cheap).
PREPROCESSOR = {
    "feature_extractor_type": "ClapFeatureExtractor", "feature_size": 64, "sampling_rate": 48000, "hop_length": 480,
    "max_length_s": 3, "fft_window_size": 1024, "frequency_min": 50, "frequency_max": 14000, "padding": "repeatpad",
    "truncation": "rand_trunc", "padding_value": 0.0, "return_attention_mask": False, "top_db": None,
}


class Features:
    def __init__(self, config=PREPROCESSOR):
        args = {k: v for k, v in config.items() if k != "feature_extractor_type"}
        self.fe = ClapFeatureExtractor(**args)
        self.rate = config["sampling_rate"]

    def __call__(self, wave):
        """[1, frames, mels] float32 for one float32 waveform at the model's rate."""
        real_choice, real_randint = np.random.choice, np.random.randint
        np.random.choice = lambda a: list(a)[len(a) // 2]
        np.random.randint = lambda lo, hi: (lo + hi - 1) // 2
        try:
            out = self.fe(np.asarray(wave, np.float32), sampling_rate=self.rate)
        finally:
            np.random.choice, np.random.randint = real_choice, real_randint
        return np.asarray(out["input_features"][0], np.float32)
