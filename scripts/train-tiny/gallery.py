"""Writes the demo's sample gallery: ~200 generated scenes (small JPEG/PNG) and captions.json with
captions for some of them (a file name -> caption map, the sidecar format the demo and CLI read).

/usr/bin/python3 scripts/train-tiny/gallery.py [OUT_DIR]

The committed PNGs were then passed through `optipng -o2 -strip all` (lossless: the same pixels in
fewer bytes).
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenes import scene  # noqa: E402

GALLERY_SEED = 2024


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(GALLERY_SEED)
    captions = {}
    for i in range(200):
        img, caption, _ = scene(i, GALLERY_SEED)
        img.thumbnail((256, 256))
        name = f"scene-{i:03d}.{'png' if i % 5 == 0 else 'jpg'}"
        path = os.path.join(out, name)
        if name.endswith(".png"):
            img.save(path, optimize=True)
        else:
            img.save(path, quality=80)
        if rng.random() < 0.4:
            captions[name] = caption
    json.dump(captions, open(os.path.join(out, "captions.json"), "w"), indent=2)
    files = sorted(f for f in os.listdir(out) if f.endswith((".jpg", ".png")))
    json.dump({"files": files, "captions": "captions.json"}, open(os.path.join(out, "manifest.json"), "w"), indent=1)
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"{len(os.listdir(out)) - 2} images, {len(captions)} captions, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "tiny", "gallery"))
