#!/usr/bin/python3
"""Makes the small random-weight test models in tests/fixtures/models/ (one per family) with the interface of
the Hugging Face / Xenova ONNX exports, each with a tokenizer the project builds itself, plus reference
embeddings computed by PyTorch from reference inputs (HF-style token ids; PIL-preprocessed pixels).

/usr/bin/python3 tests/tools/make_test_models.py [OUT_DIR]    (Debian: python3-torch, python3-onnx, python3-pil)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "train-tiny"))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
from model import Attention  # noqa: E402
from pil_reference import hf_steps, load  # noqa: E402
from scenes import scene  # noqa: E402
from PIL import Image  # noqa: E402

TEXTS = ["a photo of a cat", "a small red circle on the left", "two dogs playing in the snow!",
         "", "Ünïcödé and emoji 🐶", "a very long caption " + "with many words " * 12]


class Block(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.ln1, self.ln2, self.attn = nn.LayerNorm(w), nn.LayerNorm(w), Attention(w, 2)
        self.fc1, self.fc2 = nn.Linear(w, 2 * w), nn.Linear(2 * w, w)

    def forward(self, x, bias=None):
        x = x + self.attn(self.ln1(x), bias)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Text(nn.Module):
    """pool: 'eot' (first end token: CLIP), 'argmax' (highest id: MobileCLIP), 'last' (SigLIP)."""
    def __init__(self, vocab, ctx, w, dim, causal, pool, eot):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, w), nn.Parameter(torch.randn(ctx, w) * 0.1)
        self.blocks = nn.ModuleList([Block(w), Block(w)])
        self.ln, self.proj = nn.LayerNorm(w), nn.Linear(w, dim, bias=False)
        self.causal, self.pool, self.eot = causal, pool, eot

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        bias = None
        if self.causal:
            i = torch.arange(n)
            bias = (i[None, :] > i[:, None]).float() * -1e9
        for b in self.blocks:
            x = b(x, bias)
        x = self.ln(x)
        if self.pool == "last":
            h = x[:, -1]
        else:
            key = (input_ids == self.eot).float() if self.pool == "eot" else input_ids.float()
            h = x[torch.arange(x.shape[0]), key.argmax(-1)]
        return F.normalize(self.proj(h), dim=-1)


class Vision(nn.Module):
    def __init__(self, size, patch, w, dim):
        super().__init__()
        self.patch = nn.Conv2d(3, w, patch, patch)
        self.pos = nn.Parameter(torch.randn((size // patch) ** 2 + 1, w) * 0.1)
        self.cls = nn.Parameter(torch.randn(w) * 0.1)
        self.blocks = nn.ModuleList([Block(w), Block(w)])
        self.ln, self.proj = nn.LayerNorm(w), nn.Linear(w, dim, bias=False)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1) + self.pos
        for b in self.blocks:
            x = b(x)
        return F.normalize(self.proj(self.ln(x[:, 0])), dim=-1)


def export(module, arg, name, out, axes):
    torch.onnx.export(module, arg, out, input_names=[name], output_names=[axes["out"]], opset_version=14,
                      dynamic_axes={name: axes["in"], axes["out"]: {0: "batch"}}, do_constant_folding=True)


def clip_tokenizer(out):
    caps = [scene(i, 5)[1] for i in range(3000)] + TEXTS * 3 + ["cat dog snow playing photo very long caption with many words"] * 5
    vocab, merges = bpe.train(caps, num_merges=300)
    bpe.write_tokenizer(out, vocab, merges)
    return bpe.Encoder(vocab, merges), vocab


def spm_tokenizer(out, tmp):
    """SentencePiece Unigram (as SigLIP uses), trained with spm_train, converted to tokenizer.json."""
    corpus = os.path.join(tmp, "corpus.txt")
    with open(corpus, "w") as f:
        for i in range(4000):
            f.write(scene(i, 6)[1] + "\n")
        for t in TEXTS * 20:
            f.write(t + "\n")
    prefix = os.path.join(tmp, "spm")
    subprocess.run(["spm_train", f"--input={corpus}", f"--model_prefix={prefix}", "--vocab_size=300", "--model_type=unigram",
                    "--normalization_rule_name=identity", "--hard_vocab_limit=false", "--byte_fallback=true",
                    "--pad_id=0", "--eos_id=1", "--unk_id=2", "--bos_id=-1", "--minloglevel=2"], check=True)
    subprocess.run(["spm_export_vocab", f"--model={prefix}.model", f"--output={prefix}.vocab"], check=True)
    vocab = []
    for line in open(prefix + ".vocab", encoding="utf-8"):
        piece, score = line.rstrip("\n").rsplit("\t", 1)
        vocab.append([piece, float(score)])
    tok = {
        "version": "1.0", "truncation": {"max_length": 64, "strategy": "LongestFirst", "stride": 0, "direction": "Right"},
        "padding": {"strategy": {"Fixed": 64}, "direction": "Right", "pad_to_multiple_of": None, "pad_id": 0, "pad_type_id": 0, "pad_token": "<pad>"},
        "added_tokens": [{"id": 0, "content": "<pad>", "special": True, "normalized": False}, {"id": 1, "content": "</s>", "special": True, "normalized": False},
                         {"id": 2, "content": "<unk>", "special": True, "normalized": False}],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "Replace", "pattern": {"Regex": "^ +| +$"}, "content": ""}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "Unigram", "unk_id": 2, "vocab": vocab, "byte_fallback": True},
    }
    json.dump(tok, open(os.path.join(out, "tokenizer.json"), "w"), ensure_ascii=False)
    json.dump({"tokenizer_class": "SiglipTokenizer", "model_max_length": 64, "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"},
              open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)

    def encode(text):
        ids = subprocess.run(["spm_encode", f"--model={prefix}.model", "--output_format=id"], input=text + "\n",
                             capture_output=True, text=True, check=True).stdout.split()
        ids = [int(i) for i in ids][:63] + [1]
        return ids + [0] * (64 - len(ids))  # max_length padding with the pad id
    return encode, len(vocab)


FAMILIES = {
    "clip": {"model_type": "clip", "size": 64, "crop": True, "resample": 3, "mean": [0.48145466, 0.4578275, 0.40821073],
             "std": [0.26862954, 0.26130258, 0.27577711], "causal": True, "pool": "eot", "dim": 32, "logit_scale": 4.6052},
    "siglip": {"model_type": "siglip", "size": 48, "crop": False, "resample": 3, "mean": [0.5] * 3, "std": [0.5] * 3,
               "causal": False, "pool": "last", "dim": 24, "logit_scale": 4.7, "logit_bias": -10.0},
    "mobileclip": {"model_type": "mobileclip", "size": 64, "crop": True, "resample": 2, "mean": [0.0] * 3, "std": [1.0] * 3,
                   "causal": False, "pool": "argmax", "dim": 40, "logit_scale": 4.6052},
}


def reference_images(out):
    os.makedirs(out, exist_ok=True)
    files = []
    for i, (w, h) in enumerate([(96, 80), (50, 120), (200, 150)]):
        img, _, _ = scene(i, 9)
        img = img.resize((w, h), Image.BICUBIC)
        ext = "jpg" if i == 2 else "png"
        path = os.path.join(out, f"image{i}.{ext}")
        img.save(path, quality=90) if ext == "jpg" else img.save(path)
        files.append(path)
    return files


def make(name, out_root, images, tmp):
    fam = FAMILIES[name]
    out = os.path.join(out_root, name)
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    torch.manual_seed({"clip": 1, "siglip": 2, "mobileclip": 3}[name])
    if name == "siglip":
        encode, vocab_size = spm_tokenizer(out, tmp)
        eot, ctx = 1, 64
    else:
        enc, vocab = clip_tokenizer(out)
        vocab_size, eot, ctx = len(vocab), enc.ids[bpe.EOT], 77
        if name == "mobileclip":
            # zeros to 77, as open_clip's tokenizer pads
            encode = lambda t: enc.encode(t) + [0] * (77 - len(enc.encode(t)))  # noqa: E731
        else:
            encode = enc.encode
    text = Text(vocab_size, ctx, 32, fam["dim"], fam["causal"], fam["pool"], eot).eval()
    vision = Vision(fam["size"], 16, 32, fam["dim"]).eval()
    seq = len(encode("a photo"))
    export(text, torch.tensor([encode("a photo")]), "input_ids", os.path.join(out, "onnx", "text_model.onnx"),
           {"in": {0: "batch", 1: "sequence"}, "out": "text_embeds"})
    export(vision, torch.zeros(1, 3, fam["size"], fam["size"]), "pixel_values", os.path.join(out, "onnx", "vision_model.onnx"),
           {"in": {0: "batch"}, "out": "image_embeds"})
    config = {"model_type": fam["model_type"], "_name_or_path": f"clipfind-test/{name}", "projection_dim": fam["dim"],
              "logit_scale": fam["logit_scale"], "text_config": {"max_position_embeddings": ctx, "vocab_size": vocab_size},
              "vision_config": {"image_size": fam["size"], "patch_size": 16}}
    if "logit_bias" in fam:
        config["logit_bias"] = fam["logit_bias"]
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    if fam["crop"]:
        pre = {"image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"shortest_edge": fam["size"]},
               "do_center_crop": True, "crop_size": {"height": fam["size"], "width": fam["size"]}, "resample": fam["resample"],
               "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": fam["mean"], "image_std": fam["std"]}
    else:
        pre = {"image_processor_type": "SiglipImageProcessor", "do_resize": True, "size": {"height": fam["size"], "width": fam["size"]},
               "resample": fam["resample"], "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
               "image_mean": fam["mean"], "image_std": fam["std"]}
    json.dump(pre, open(os.path.join(out, "preprocessor_config.json"), "w"), indent=2)
    ref = {"texts": [], "images": []}
    with torch.no_grad():
        for t in TEXTS:
            ids = encode(t)
            emb = text(torch.tensor([ids]))[0]
            ref["texts"].append({"text": t, "input_ids": ids, "embedding": [round(float(v), 7) for v in emb]})
        for path in images:
            arr = hf_steps(load(path), pre).astype(np.float64) * (1 / 255)
            x = ((arr - np.array(fam["mean"])) / np.array(fam["std"])).astype(np.float32).transpose(2, 0, 1)[None]
            emb = vision(torch.from_numpy(np.ascontiguousarray(x)))[0]
            ref["images"].append({"file": "../images/" + os.path.basename(path), "embedding": [round(float(v), 7) for v in emb]})
    json.dump(ref, open(os.path.join(out, "reference.json"), "w"))
    print(f"{name}: dim {fam['dim']}, vocab {vocab_size}, seq sample {seq}")


if __name__ == "__main__":
    out_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "fixtures", "models")
    tmp = tempfile.mkdtemp()
    images = reference_images(os.path.join(out_root, "images"))
    for fam in FAMILIES:
        make(fam, out_root, images, tmp)
    shutil.rmtree(tmp)
