"""Trains the built-in sound model (models/sound/): a small CLAP on generated sounds with generated
captions, through the pipeline real CLAP models use (Hugging Face ClapFeatureExtractor log-mels, the HF
CLAP ONNX layout). Seeded and resumable: each run trains for at most --minutes, then saves, so the
recipe runs in pieces on a shared CPU.

  /usr/bin/python3 scripts/train-sound/train.py --work /tmp/sound --stage data          # sounds + features
  /usr/bin/python3 scripts/train-sound/train.py --work /tmp/sound --stage train --minutes 7   # repeat until done
  /usr/bin/python3 scripts/train-sound/train.py --work /tmp/sound --stage export        # models/sound/

Needs Debian's python3-torch and python3-numpy (OMP_WAIT_POLICY=PASSIVE is set below: busy-waiting
OpenMP threads make shared-CPU training an order of magnitude slower). RESULTS.md has the numbers.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export import export  # noqa: E402
from features import PREPROCESSOR, Features  # noqa: E402
from model import SoundClap  # noqa: E402
from sounds import KIND_NAMES, KINDS, QUERIES, sound  # noqa: E402
from tokenizer import Encoder, train as train_bpe  # noqa: E402

DATA_SEED, HELDOUT_SEED, TORCH_SEED = 11, 12, 13
FRAMES = PREPROCESSOR["max_length_s"] * PREPROCESSOR["sampling_rate"] // PREPROCESSOR["hop_length"] + 1
MODEL_DIR = os.path.join(HERE, "..", "..", "models", "sound")


def captions():
    return [(k, c) for k in KIND_NAMES for c in KINDS[k]]


def make_data(work, per_kind, seed):
    path = os.path.join(work, f"feats-{seed}-{per_kind}.npy")
    if os.path.exists(path):
        return np.load(path, mmap_mode="r"), np.load(path + ".kinds.npy")
    rng = np.random.default_rng(seed)
    feats = Features()
    n = per_kind * len(KIND_NAMES)
    out = np.lib.format.open_memmap(path + ".tmp.npy", "w+", np.float16, (n, FRAMES, 64))
    kinds = np.zeros(n, np.int64)
    t0 = time.time()
    for i in range(n):
        k = i % len(KIND_NAMES)
        out[i] = feats(sound(KIND_NAMES[k], rng))[0]
        kinds[i] = k
        if i % 500 == 0:
            print(f"features {i}/{n} ({time.time() - t0:.0f}s)", flush=True)
    out.flush()
    del out
    os.replace(path + ".tmp.npy", path)
    np.save(path + ".kinds.npy", kinds)
    return np.load(path, mmap_mode="r"), kinds


def tokenizer():
    vocab, merges = train_bpe([c for _, c in captions()], num_merges=300)
    return vocab, merges, Encoder(vocab, merges)


def new_model(vocab):
    return SoundClap(len(vocab), dim=64, channels=(16, 32, 48, 64), text_width=64, text_layers=2)


def evaluate(model, enc, feats, kinds):
    """Top-1 of each held-out sound among the eight kinds' queries (QUERIES), and per query the top-1
    sound of the whole held-out set."""
    model.eval()
    ids, mask = enc.batch([QUERIES[k] for k in KIND_NAMES])
    with torch.no_grad():
        t = F.normalize(model.text(torch.tensor(ids), torch.tensor(mask)), dim=-1)
        a = torch.cat([F.normalize(model.audio(torch.from_numpy(np.asarray(feats[i:i + 64], np.float32))[:, None]), dim=-1)
                       for i in range(0, len(kinds), 64)])
    sims = a @ t.T
    acc = float((sims.argmax(1).numpy() == kinds).mean())
    top = sims.argmax(0).numpy()
    search = float(np.mean([kinds[top[j]] == j for j in range(len(KIND_NAMES))]))
    model.train()
    return acc, search


def train(args):
    torch.manual_seed(TORCH_SEED)
    torch.set_num_threads(args.threads)
    feats, kinds = make_data(args.work, args.per_kind, DATA_SEED)
    held, held_kinds = make_data(args.work, 10, HELDOUT_SEED)
    vocab, merges, enc = tokenizer()
    model = new_model(vocab)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    ckpt = os.path.join(args.work, "ckpt.pt")
    step = 0
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
        torch.set_rng_state(state["rng"])
        print(f"resumed at step {step}")
    caps = captions()
    cap_ids, cap_mask = (torch.tensor(x) for x in enc.batch([c for _, c in caps]))
    cap_kind = torch.tensor([KIND_NAMES.index(k) for k, _ in caps])
    rng = np.random.default_rng(DATA_SEED * 1000 + step)
    t0 = time.time()
    while step < args.steps and time.time() - t0 < args.minutes * 60:
        idx = np.sort(rng.choice(len(kinds), args.batch, replace=False))
        x = torch.from_numpy(np.asarray(feats[idx], np.float32))
        # augmentation: loudness (a dB offset) and a circular time shift (the input is repeat-padded)
        x = x + torch.from_numpy(rng.uniform(-12, 12, (len(idx), 1, 1)).astype(np.float32))
        x = torch.roll(x, int(rng.integers(0, FRAMES)), dims=1)
        y = torch.from_numpy(kinds[idx])
        lr = args.lr * min(1.0, (step + 1) / 50) * (0.5 * (1 + np.cos(np.pi * min(step, args.steps) / args.steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        a = F.normalize(model.audio(x[:, None]), dim=-1)
        t = F.normalize(model.text(cap_ids, cap_mask), dim=-1)
        logits = model.logit_scale.exp().clamp(max=100) * a @ t.T  # [batch, captions]
        pos = (cap_kind[None, :] == y[:, None]).float()
        loss_a = -(F.log_softmax(logits, 1) * pos / pos.sum(1, keepdim=True)).sum(1).mean()
        pos_t = pos.T  # each caption against the batch's sounds: every sound of its kind is a positive
        has = pos_t.sum(1) > 0
        loss_t = -(F.log_softmax(logits.T[has], 1) * pos_t[has] / pos_t[has].sum(1, keepdim=True)).sum(1).mean()
        loss = 0.5 * (loss_a + loss_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            print(f"step {step} loss {loss.item():.3f} lr {lr:.2e} ({time.time() - t0:.0f}s)", flush=True)
        if step % 200 == 0 or step == args.steps:
            acc, search = evaluate(model, enc, held, held_kinds)
            print(f"step {step} held-out top-1 {acc:.3f} search {search:.3f}", flush=True)
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "rng": torch.get_rng_state()}, ckpt)
    acc, search = evaluate(model, enc, held, held_kinds)
    print(f"saved step {step}: held-out top-1 {acc:.3f}, per-query search top-1 {search:.3f}", flush=True)


def do_export(args):
    vocab, merges, _ = tokenizer()
    model = new_model(vocab)
    state = torch.load(os.path.join(args.work, "ckpt.pt"))
    model.load_state_dict(state["model"])
    export(model, MODEL_DIR, vocab, merges, PREPROCESSOR, "clipfind/sound-clap", FRAMES,
           {"trained_steps": state["step"], "kinds": KIND_NAMES, "queries": QUERIES,
            "note": "trained by scripts/train-sound on generated sounds (tones, sweeps, noise bursts, beeps, chords)"})
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(MODEL_DIR) for f in fs)
    print(f"exported step {state['step']} to {os.path.normpath(MODEL_DIR)} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/clipfind-sound")
    ap.add_argument("--stage", choices=["data", "train", "export"], required=True)
    ap.add_argument("--per-kind", type=int, default=400)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--minutes", type=float, default=7)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.stage == "data":
        make_data(args.work, args.per_kind, DATA_SEED)
        make_data(args.work, 10, HELDOUT_SEED)
    elif args.stage == "train":
        train(args)
    else:
        do_export(args)
