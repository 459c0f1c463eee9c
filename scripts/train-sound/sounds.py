"""Generated sounds of eight kinds, with generated captions (seeded, reproducible).

sound(kind, rng) -> float32 mono samples at 48 kHz; caption(kind, rng) -> a sentence describing it.
The kinds are what the built-in model learns to tell apart and what its held-out test asks for
(tests/js/sound_model.test.mjs generates its sounds with its own code, from these descriptions).
"""
import numpy as np

RATE = 48000

# kind -> (what the sound is, caption variants). Captions are lowercase ASCII (the tokenizer lowercases).
KINDS = {
    "high_tone": ["a high pitched tone", "a high tone", "a high sine tone", "a steady high pitched whistle", "high pitched beep tone"],
    "low_tone": ["a low pitched tone", "a low tone", "a deep low hum", "a steady low bass tone", "low frequency hum"],
    "rising_sweep": ["a rising sweep", "a tone sweeping up", "pitch rising from low to high", "an upward frequency sweep", "a rising siren tone"],
    "falling_sweep": ["a falling sweep", "a tone sweeping down", "pitch falling from high to low", "a downward frequency sweep", "a falling whistle"],
    "noise_burst": ["a burst of noise", "short noise bursts", "bursts of static", "white noise bursts", "a crackle of noise"],
    "fast_beeps": ["fast beeps", "rapid beeping", "quick beeps in a fast rhythm", "a fast series of beeps", "beeping rapidly"],
    "slow_beeps": ["slow beeps", "beeps in a slow rhythm", "a slow series of beeps", "one beep every second", "slow steady beeping"],
    "chord": ["a chord", "a musical chord", "several notes played together", "a major chord", "a chord of three notes"],
}
KIND_NAMES = list(KINDS)
# The query a person would type for each kind (the held-out test's queries).
QUERIES = {k: v[0] for k, v in KINDS.items()}


def _t(seconds):
    return np.arange(int(seconds * RATE)) / RATE


def _envelope(n, attack=0.01):
    a = max(1, int(attack * RATE))
    env = np.ones(n)
    env[:a] = np.linspace(0, 1, a)
    env[-a:] = np.linspace(1, 0, a)
    return env


def _beeps(rng, per_second, seconds):
    f = rng.uniform(700, 2500)
    period = 1.0 / per_second
    on = period * rng.uniform(0.3, 0.5)
    t = _t(seconds)
    phase = (t % period) < on
    x = np.sin(2 * np.pi * f * t) * phase
    return x


def sound(kind, rng):
    seconds = rng.uniform(1.0, 3.0)
    t = _t(seconds)
    if kind == "high_tone":
        x = np.sin(2 * np.pi * rng.uniform(1800, 5000) * t)
    elif kind == "low_tone":
        x = np.sin(2 * np.pi * rng.uniform(60, 250) * t)
    elif kind in ("rising_sweep", "falling_sweep"):
        lo, hi = rng.uniform(150, 600), rng.uniform(2500, 8000)
        f0, f1 = (lo, hi) if kind == "rising_sweep" else (hi, lo)
        if rng.random() < 0.5:  # linear
            phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))
        else:  # exponential
            k = np.log(f1 / f0) / seconds
            phase = 2 * np.pi * f0 * (np.exp(k * t) - 1) / k
        x = np.sin(phase)
    elif kind == "noise_burst":
        x = np.zeros(t.size)
        n_bursts = rng.integers(1, 5)
        for _ in range(n_bursts):
            length = int(rng.uniform(0.05, 0.35) * RATE)
            start = rng.integers(0, max(1, t.size - length))
            x[start:start + length] = rng.standard_normal(length) * _envelope(length, 0.003)
    elif kind == "fast_beeps":
        x = _beeps(rng, rng.uniform(5, 9), seconds)
    elif kind == "slow_beeps":
        seconds = max(seconds, 2.0)
        x = _beeps(rng, rng.uniform(0.8, 1.6), seconds)
        t = _t(seconds)
    elif kind == "chord":
        root = rng.uniform(180, 500)
        ratios = [1, 1.25, 1.5] if rng.random() < 0.5 else [1, 1.2, 1.5]
        if rng.random() < 0.3:
            ratios = ratios + [2]
        x = sum(np.sin(2 * np.pi * root * r * t + rng.uniform(0, 6.3)) for r in ratios) / len(ratios)
    else:
        raise ValueError(kind)
    x = x * _envelope(x.size) * rng.uniform(0.1, 0.8)
    x = x + rng.uniform(0, 0.01) * rng.standard_normal(x.size)  # a little background noise
    return x.astype(np.float32)


def caption(kind, rng):
    return KINDS[kind][rng.integers(0, len(KINDS[kind]))]
