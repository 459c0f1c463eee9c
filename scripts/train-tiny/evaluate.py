"""Scores the tiny CLIP on freshly generated held-out single-object scenes, in PyTorch and through
clipfind (the Node CLI: its tokenizer, PIL-exact preprocessing and ONNX Runtime Web), so the two
numbers can be compared.

/usr/bin/python3 scripts/train-tiny/evaluate.py [--work /tmp/clipfind-tiny] [--galleries 4] [--size 300]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
from model import ImageExport, TextExport, TinyClip  # noqa: E402
from scenes import COLORS, POS_PHRASE, POSITIONS, SHAPES, SIZES, clip_crop, scene  # noqa: E402

EVAL_SEED = 1000  # never used in training (tokenizer 1, data 2)
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], np.float32)


def queries():
    q = []
    for c in COLORS:
        for s in SHAPES:
            q.append(("color_shape", f"{c} {s}", {"color": c, "shape": s}))
    for z in SIZES:
        for s in SHAPES:
            q.append(("size_shape", f"{z} {s}", {"size": z, "shape": s}))
    for s in SHAPES:
        for p in POSITIONS:
            q.append(("shape_position", f"{s} {POS_PHRASE[p]}", {"shape": s, "position": p}))
    return q


def score(img_emb, txt_emb, gallery, qs):
    sims = txt_emb @ img_emb.T
    acc = {}
    for (kind, _, want), row in zip(qs, sims):
        top = gallery[int(np.argmax(row))]
        for attr, v in want.items():
            acc.setdefault((kind, attr), []).append(top[attr] == v)
        acc.setdefault((kind, "all"), []).append(all(top[a] == v for a, v in want.items()))
    return {f"{k[0]}.{k[1]}": round(100 * float(np.mean(v)), 1) for k, v in sorted(acc.items())}


def main(args):
    tmp = tempfile.mkdtemp(prefix="clipfind-eval-")
    qs = queries()
    vocab_json = json.load(open(os.path.join(args.model_dir, "tokenizer.json")))
    ids = vocab_json["model"]["vocab"]
    enc = bpe.Encoder(sorted(ids, key=ids.get), [tuple(m.split(" ")) for m in vocab_json["model"]["merges"]])
    results = {"pytorch": [], "clipfind": []}
    model = None
    if args.work and os.path.exists(os.path.join(args.work, "ckpt.pt")):
        state = torch.load(os.path.join(args.work, "ckpt.pt"))
        model = TinyClip(state["vocab"], state["eot"])
        model.load_state_dict(state["model"])
        model.eval()
    for g in range(args.galleries):
        files, gallery = [], []
        for i in range(args.size):
            img, _, objs = scene(g * 100000 + i, EVAL_SEED, n_objects=1)
            path = os.path.join(tmp, f"g{g}_{i}.png")
            img.save(path)
            files.append(path)
            gallery.append(objs[0])
        texts = [t for _, t, _ in qs]
        if model is not None:
            with torch.no_grad():
                px = np.stack([(np.asarray(clip_crop(scene(g * 100000 + i, EVAL_SEED, n_objects=1)[0]), np.float32) / 255 - MEAN) / STD for i in range(args.size)])
                ie = ImageExport(model)(torch.from_numpy(px).permute(0, 3, 1, 2).contiguous()).numpy()
                maxlen = max(len(enc.encode(t)) for t in texts)
                tt = torch.tensor([enc.encode(t) + [enc.ids[bpe.EOT]] * (maxlen - len(enc.encode(t))) for t in texts])
                te = TextExport(model)(tt).numpy()
            results["pytorch"].append(score(ie, te, gallery, qs))
        cmd = ["node", os.path.join(ROOT, "bin", "clipfind.mjs"), "embed", "--model", args.model_dir, "--backend", "wasm"]
        for t in texts:
            cmd += ["--text", t]
        for f in files:
            cmd += ["--image", f]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().split("\n")
        rows = [json.loads(line) for line in out]
        te = np.array([r["embedding"] for r in rows if "text" in r], np.float32)
        ie = np.array([r["embedding"] for r in rows if "image" in r], np.float32)
        results["clipfind"].append(score(ie, te, gallery, qs))
    summary = {}
    for who, runs in results.items():
        if runs:
            summary[who] = {k: round(float(np.mean([r[k] for r in runs])), 1) for k in runs[0]}
    print(json.dumps(summary, indent=2))
    if args.out:
        json.dump(summary, open(args.out, "w"), indent=2)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/clipfind-tiny", help="training dir with ckpt.pt (for the PyTorch numbers)")
    ap.add_argument("--model-dir", default=os.path.join(HERE, "..", "..", "models", "tiny"))
    ap.add_argument("--galleries", type=int, default=4)
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--out")
    main(ap.parse_args())
