"""The random-weight CLAP-layout test model (tests/fixtures/models/clap/) and its references: a few
generated sounds (16-bit WAV at 48 kHz) and texts, embedded by PyTorch from the Hugging Face reference
features, recorded in reference.json. tests/js/audio_model.test.mjs checks clipfind within 1e-4.

/usr/bin/python3 scripts/train-sound/make_test_model.py
"""
import json
import os
import sys
import wave

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export import export  # noqa: E402
from features import PREPROCESSOR, Features  # noqa: E402
from model import SoundClap  # noqa: E402
from sounds import KIND_NAMES, KINDS, sound  # noqa: E402
from tokenizer import Encoder, train  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "tests", "fixtures", "models", "clap")


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(5)
    corpus = [c for caps in KINDS.values() for c in caps]
    vocab, merges = train(corpus, num_merges=60)
    pre = dict(PREPROCESSOR, max_length_s=1)  # 1 s: a small fixture, the same code path
    model = SoundClap(len(vocab), dim=32, channels=(8, 8, 16, 16), text_width=32, text_layers=1)
    model.eval()
    feats = Features(pre)
    frames = pre["max_length_s"] * pre["sampling_rate"] // pre["hop_length"] + 1
    export(model, OUT, vocab, merges, pre, "clipfind-test/clap-random", frames, {"note": "random weights (scripts/train-sound/make_test_model.py)"})
    ref = {"sounds": [], "texts": []}
    names = ["rising_sweep", "noise_burst", "chord", "fast_beeps"]
    for i, kind in enumerate(names):
        x = sound(kind, rng)[: int(0.8 * 48000)]  # short: a small fixture, repeated to the 1 s window
        if i == 1:
            x = np.tile(x, 2)[: int(1.3 * 48000)]  # longer than the 1 s window: the centre crop
        pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
        file = f"{kind}.wav"
        with wave.open(os.path.join(OUT, file), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(48000)
            w.writeframes(pcm.tobytes())
        f = feats(pcm.astype(np.float32) / 32768.0)
        with torch.no_grad():
            e = model.audio(torch.from_numpy(f)[None])
        e = torch.nn.functional.normalize(e, dim=-1)[0]
        ref["sounds"].append({"file": file, "embedding": [round(float(v), 7) for v in e]})
    enc = Encoder(vocab, merges)
    texts = ["a rising sweep", "Fast beeps", "several notes played together", "a crackle of noise in the night"]
    ids, mask = enc.batch(texts)
    with torch.no_grad():
        t = model.text(torch.tensor(ids), torch.tensor(mask))
    t = torch.nn.functional.normalize(t, dim=-1)
    for k, text in enumerate(texts):
        ref["texts"].append({"text": text, "ids": enc.encode(text), "embedding": [round(float(v), 7) for v in t[k]]})
    json.dump(ref, open(os.path.join(OUT, "reference.json"), "w"), indent=1)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {os.path.normpath(OUT)} ({total / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
