"""Trains the tiny CLIP on procedurally generated scenes (seeded, reproducible) and writes a checkpoint.

/usr/bin/python3 scripts/train-tiny/train.py --work /tmp/tiny-run --steps 3000
Needs Debian's python3-torch, python3-pil, python3-numpy; install libopenblas0-pthread and keep
OMP_WAIT_POLICY=PASSIVE (set below) or CPU training is an order of magnitude slower.
"""
import argparse
import json
import math
import os
import random
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
from model import TinyClip  # noqa: E402
from scenes import COLORS, POSITIONS, SHAPES, SIZES, caption_and_mentions, clip_crop, scene  # noqa: E402

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], np.float32)
TOKENIZER_SEED, DATA_SEED, HELDOUT_SEED = 1, 2, 3
COLOR_L, SHAPE_L, SIZE_L, POS_L = list(COLORS), SHAPES, SIZES, POSITIONS


def make_one(args):
    i, seed = args
    img, _, objs = scene(i, seed)
    return np.asarray(clip_crop(img), np.uint8), objs


def generate(work, n, seed, workers=2):
    path = os.path.join(work, f"images-{seed}-{n}.u8")
    meta = path + ".json"
    if os.path.exists(meta):
        return np.memmap(path, np.uint8, "r", shape=(n, 224, 224, 3)), json.load(open(meta))
    arr = np.memmap(path, np.uint8, "w+", shape=(n, 224, 224, 3))
    objs = []
    from multiprocessing import Pool
    t0 = time.time()
    with Pool(workers) as pool:
        for i, (px, o) in enumerate(pool.imap(make_one, ((i, seed) for i in range(n)), chunksize=64)):
            arr[i] = px
            objs.append(o)
            if i % 5000 == 0:
                print(f"generated {i}/{n} scenes ({time.time() - t0:.0f}s)", flush=True)
    arr.flush()
    json.dump(objs, open(meta, "w"))
    return np.memmap(path, np.uint8, "r", shape=(n, 224, 224, 3)), objs


def to_tensor(batch_u8):
    x = (batch_u8.astype(np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()


class Pixels:
    """Batches of normalized CHW pixels; on a GPU the whole uint8 data set sits in device memory."""
    def __init__(self, images, device):
        self.device = device
        if device == "cpu":
            self.images = images
        else:
            self.images = torch.from_numpy(np.asarray(images)).to(device)
            self.mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
            self.std = torch.tensor(STD, device=device).view(1, 3, 1, 1)

    def batch(self, idx):
        if self.device == "cpu":
            return to_tensor(np.stack([self.images[i] for i in idx]))
        x = self.images[torch.tensor(idx, device=self.device)].permute(0, 3, 1, 2).float() / 255.0
        return (x - self.mean) / self.std


def pad(seqs, eot):
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [eot] * (n - len(s)) for s in seqs], dtype=torch.long)


class Heads(nn.Module):
    """Auxiliary attribute classifiers: they force colour/shape/size/position apart in both towers."""
    def __init__(self, dim):
        super().__init__()
        self.img = nn.ModuleList(nn.Linear(dim, k) for k in (8, 5, 2, 5))
        self.txt = nn.ModuleList(nn.Linear(dim, k) for k in (8, 5, 2, 5))


def train(args):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    dev = args.device
    if dev == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(args.work, exist_ok=True)
    out_dir = args.model_dir

    # Tokenizer: the project's own BPE on its own captions.
    caps = [scene(i, TOKENIZER_SEED)[1] for i in range(20000)]
    vocab, merges = bpe.train(caps)
    bpe.write_tokenizer(out_dir, vocab, merges)
    enc = bpe.Encoder(vocab, merges)
    eot = enc.ids[bpe.EOT]
    print(f"tokenizer: {len(vocab)} tokens, {len(merges)} merges", flush=True)

    images, objs = generate(args.work, args.images, DATA_SEED, args.workers)
    pixels_src = Pixels(images, dev)
    model = TinyClip(len(vocab), eot).to(dev)
    heads = Heads(128).to(dev)
    params = list(model.parameters()) + list(heads.parameters())
    print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M", flush=True)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.05)
    ckpt = os.path.join(args.work, "ckpt.pt")
    step = 0
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        heads.load_state_dict(state["heads"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
        print(f"resumed at step {step}", flush=True)
    start = time.time()
    deadline = start + args.minutes * 60
    t0, seen = time.time(), 0
    while step < args.steps and time.time() < deadline:
        rng = random.Random(args.seed * 7919 + step)
        idx = sorted(rng.sample(range(args.images), args.batch))
        pixels = pixels_src.batch(idx)
        texts, labels_i, labels_t = [], [], []
        for i in idx:
            o = objs[i]
            text, mentions = caption_and_mentions(o, rng)
            texts.append(enc.encode(text))
            if len(o) == 1:
                a = o[0]
                li = [COLOR_L.index(a["color"]), SHAPE_L.index(a["shape"]), SIZE_L.index(a["size"]), POS_L.index(a["position"])]
                labels_i.append(li)
                labels_t.append([v if mentions[k] else -100 for k, v in zip(("color", "shape", "size", "position"), li)])
            else:
                labels_i.append([-100] * 4)
                labels_t.append([-100] * 4)
        ids = pad(texts, eot).to(dev)
        # Cosine schedule over whichever runs out first, the steps or the time budget, so a run on a
        # slower machine still anneals.
        progress = min(1.0, max(step / args.steps, (time.time() - start) / (args.minutes * 60)))
        lr = args.lr * min(1.0, (step + 1) / 300) * (0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        fi, ft = model.vision(pixels), model.text(ids)
        ni, nt = F.normalize(fi, dim=-1), F.normalize(ft, dim=-1)
        logits = ni @ nt.t() * model.logit_scale.exp().clamp(max=100)
        # scenes with identical captions are not negatives of each other
        keys = torch.tensor([hash(tuple(t)) for t in texts], device=dev)
        same = (keys[:, None] == keys[None, :]).float()
        target = same / same.sum(1, keepdim=True)
        loss_clip = (torch.sum(-target * logits.log_softmax(1), 1).mean() + torch.sum(-target * logits.t().log_softmax(1), 1).mean()) / 2
        li, lt = torch.tensor(labels_i, device=dev), torch.tensor(labels_t, device=dev)
        loss_aux = sum(F.cross_entropy(h(fi), li[:, k], ignore_index=-100) for k, h in enumerate(heads.img) if (li[:, k] >= 0).any())
        loss_aux = loss_aux + sum(F.cross_entropy(h(ft), lt[:, k], ignore_index=-100) for k, h in enumerate(heads.txt) if (lt[:, k] >= 0).any())
        loss = loss_clip + args.aux * loss_aux
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        seen += args.batch
        if step % 25 == 0:
            print(f"step {step} loss {loss_clip.item():.3f} aux {loss_aux.item():.3f} lr {lr:.2e} {seen / (time.time() - t0):.0f} img/s", flush=True)
        if step % 250 == 0 or step == args.steps:
            torch.save({"model": model.state_dict(), "heads": heads.state_dict(), "opt": opt.state_dict(), "step": step, "vocab": len(vocab), "eot": eot}, ckpt)
    torch.save({"model": model.state_dict(), "heads": heads.state_dict(), "opt": opt.state_dict(), "step": step, "vocab": len(vocab), "eot": eot}, ckpt)
    print(f"done at step {step}", flush=True)
    if args.export_npz:
        # Portable weights (any torch version reads them back): export.py --weights FILE
        np.savez(args.export_npz, step=step, vocab=len(vocab), eot=eot, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/clipfind-tiny")
    ap.add_argument("--model-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "tiny"))
    ap.add_argument("--images", type=int, default=40000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--aux", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=85)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--workers", type=int, default=2, help="processes generating scenes")
    ap.add_argument("--export-npz", help="also write the trained weights as .npz")
    train(ap.parse_args())
