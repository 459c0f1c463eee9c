"""The demo's sample sounds (models/sound/gallery/): one generated sound of each kind (seed 99, not a
training seed), 2 s, encoded as MP3 by ffmpeg (small; every browser decodes it).

/usr/bin/python3 scripts/train-sound/gallery.py
"""
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sounds import KIND_NAMES, QUERIES, RATE, sound  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "models", "sound", "gallery")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(99)
    manifest = {}
    for kind in KIND_NAMES:
        x = sound(kind, rng)
        pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
        name = kind.replace("_", "-") + ".mp3"
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            with wave.open(tmp.name, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(pcm.tobytes())
            subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", tmp.name, "-b:a", "64k", os.path.join(OUT, name)], check=True)
        manifest[name] = QUERIES[kind]
    json.dump(manifest, open(os.path.join(OUT, "manifest.json"), "w"), indent=1)
    print(f"wrote {len(manifest)} sounds to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
