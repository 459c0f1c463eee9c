#!/usr/bin/python3
"""Makes tests/fixtures/models/colpali-test/: a small random-weight late-interaction model with the interface
of Qdrant/colmodernvbert's ONNX export (one graph: input_ids, attention_mask, pixel_values [b, tiles, 3, S, S]
-> one vector per input token), its files (config.json, preprocessor_config.json, processor_config.json,
tokenizer.json), a few page images, and references computed here by PyTorch: the token ids, the page and
query embeddings, and the MaxSim scores of every page for every query (float64).

Page input as clipfind builds it (models/README.md "Late-interaction models"): the page resized so its
longest edge is size.longest_edge, cut into rows x cols tiles of S = max_image_size.longest_edge (the page
resized once to rows*S x cols*S) plus the whole page resized to S x S; the Idefics3 prompt with
image_seq_len <image> tokens per tile. Query: the text + 10 x <end_of_utterance>, with one blank tile.

/usr/bin/python3 tests/tools/make_colpali_test_model.py    (Debian: python3-torch, python3-onnx, python3-pil)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "train-tiny"))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
from model import Block  # noqa: E402
from pil_reference import hf_steps  # noqa: E402
from scenes import scene  # noqa: E402

OUT = os.path.join(HERE, "..", "fixtures", "models", "colpali-test")
S, LONGEST, PATCH, SEQ, W, DIM = 32, 64, 8, 16, 32, 16  # tile, longest edge, patch, tokens per tile, width, dim
MEAN, STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
SPECIAL = ["<|begin_of_text|>", "<image>", "<fake_token_around_image>", "<global-img>", "<end_of_utterance>"] + \
    [f"<row_{r}_col_{c}>" for r in range(1, 5) for c in range(1, 5)]
QUERIES = ["a red circle", "two blue squares on the left", "green triangle"]


class ColTest(nn.Module):
    """Token embeddings, with each <image> token replaced by the next tile patch feature (as Idefics3
    merges image features), a bidirectional encoder, a projection to DIM, L2-normalized per token."""

    def __init__(self, vocab, image_token):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, W), nn.Parameter(torch.randn(1024, W) * 0.1)
        self.patch, self.ppos = nn.Conv2d(3, W, PATCH, PATCH), nn.Parameter(torch.randn((S // PATCH) ** 2, W) * 0.1)
        self.vblock, self.blocks = Block(W, 2), nn.ModuleList([Block(W, 2), Block(W, 2)])
        self.proj, self.image_token = nn.Linear(W, DIM), image_token

    def forward(self, input_ids, attention_mask, pixel_values):
        b, n = pixel_values.shape[0], pixel_values.shape[1]
        v = self.patch(pixel_values.reshape(b * n, 3, S, S)).flatten(2).transpose(1, 2) + self.ppos
        v = self.vblock(v).reshape(b, n * SEQ, W)
        x = self.tok(input_ids) + self.pos[: input_ids.shape[1]]
        is_img = input_ids == self.image_token
        idx = (torch.cumsum(is_img.long(), 1) - 1).clamp(min=0).clamp(max=n * SEQ - 1)
        g = torch.gather(v, 1, idx.unsqueeze(-1).expand(-1, -1, W))
        x = torch.where(is_img.unsqueeze(-1), g, x)
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -1e9
        for blk in self.blocks:
            x = blk(x, bias)
        return F.normalize(self.proj(x), dim=-1) * attention_mask.unsqueeze(-1).float()


def tokenizer():
    caps = [scene(i, 7)[1] for i in range(1500)] + QUERIES * 5 + ["user: describe the image. assistant:"] * 5
    vocab, merges = bpe.train(caps, num_merges=200)
    ids = bpe.write_tokenizer(OUT, vocab, merges, max_length=8192)
    path = os.path.join(OUT, "tokenizer.json")
    tok = json.load(open(path, encoding="utf-8"))
    special = {}
    for k, s in enumerate(SPECIAL):
        special[s] = len(vocab) + k
        tok["added_tokens"].append({"id": special[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                                    "normalized": False, "special": True})
    json.dump(tok, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    enc = bpe.Encoder(vocab, merges, max_length=8192)

    def encode(text):
        """As a Hugging Face tokenizer does: added tokens split out, the text between them BPE-encoded,
        then the post-processor's start and end tokens."""
        out, piece, i = [], "", 0
        while i < len(text):
            hit = next((s for s in SPECIAL if text.startswith(s, i)), None)
            if hit:
                out += enc.encode(piece)[1:-1] if piece else []
                out.append(special[hit])
                piece, i = "", i + len(hit)
            else:
                piece, i = piece + text[i], i + 1
        out += enc.encode(piece)[1:-1] if piece else []
        return [ids[bpe.SOT]] + out + [ids[bpe.EOT]]
    return encode, len(vocab) + len(SPECIAL), special


def page_prompt(rows, cols):
    tile = "<image>" * SEQ
    if rows == 0:
        image = "<fake_token_around_image><global-img>" + tile + "<fake_token_around_image>"
    else:
        image = "".join("".join(f"<fake_token_around_image><row_{r + 1}_col_{c + 1}>" + tile for c in range(cols)) + "\n" for r in range(rows))
        image += "\n<fake_token_around_image><global-img>" + tile + "<fake_token_around_image>"
    return "<|begin_of_text|>User:" + image + "Describe the image.<end_of_utterance>\nAssistant:"


def page_tiles(img):
    w, h = img.size
    scale = LONGEST / max(w, h)
    w1, h1 = max(1, round(w * scale)), max(1, round(h * scale))
    rows, cols = math.ceil(h1 / S), math.ceil(w1 / S)
    pre = lambda hh, ww: {"size": {"height": hh, "width": ww}, "resample": 3, "do_center_crop": False}  # noqa: E731
    norm = lambda a: ((a.astype(np.float64) / 255 - MEAN) / STD).astype(np.float32).transpose(2, 0, 1)  # noqa: E731
    tiles = []
    if rows * cols > 1:
        big = hf_steps(img, pre(rows * S, cols * S))
        for r in range(rows):
            for c in range(cols):
                tiles.append(norm(big[r * S:(r + 1) * S, c * S:(c + 1) * S]))
    else:
        rows = cols = 0
    tiles.append(norm(hf_steps(img, pre(S, S))))
    return np.stack(tiles), rows, cols


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(int(os.environ.get("SEED", "20")))
    encode, vocab_size, special = tokenizer()
    model = ColTest(vocab_size, special["<image>"]).eval()
    sample = torch.tensor([encode(page_prompt(0, 0))])
    torch.onnx.export(model, (sample, torch.ones_like(sample), torch.zeros(1, 1, 3, S, S)), os.path.join(OUT, "model.onnx"),
                      input_names=["input_ids", "attention_mask", "pixel_values"], output_names=["embeddings"], opset_version=14,
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "pixel_values": {0: "batch", 1: "tiles"}, "embeddings": {0: "batch", 1: "sequence"}},
                      do_constant_folding=True)
    json.dump({"model_type": "modernvbert", "_name_or_path": "clipfind-test/colpali-test", "image_token_id": special["<image>"],
               "hidden_size": W, "vision_config": {"image_size": S, "patch_size": PATCH}, "embedding_dim": DIM},
              open(os.path.join(OUT, "config.json"), "w"), indent=2)
    json.dump({"image_processor_type": "Idefics3ImageProcessor", "do_resize": True, "size": {"longest_edge": LONGEST},
               "max_image_size": {"longest_edge": S}, "do_image_splitting": True, "resample": 3, "do_rescale": True,
               "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": MEAN, "image_std": STD},
              open(os.path.join(OUT, "preprocessor_config.json"), "w"), indent=2)
    json.dump({"image_seq_len": SEQ, "processor_class": "ColModernVBertProcessor"}, open(os.path.join(OUT, "processor_config.json"), "w"), indent=2)
    ref = {"pages": [], "queries": []}
    with torch.no_grad():
        for i, size in enumerate([(96, 64), (32, 80), (64, 64), (50, 50)]):
            img = scene(i, 18)[0].resize(size)
            name = f"page{i}.png"
            img.save(os.path.join(OUT, name))
            tiles, rows, cols = page_tiles(img)
            ids = encode(page_prompt(rows, cols))
            t = torch.tensor([ids])
            emb = model(t, torch.ones_like(t), torch.from_numpy(tiles)[None])[0]
            ref["pages"].append({"file": name, "rows": rows, "cols": cols, "input_ids": ids,
                                 "embeddings": [[round(float(v), 7) for v in row] for row in emb]})
        for q in QUERIES:
            ids = encode(q + "<end_of_utterance>" * 10)
            t = torch.tensor([ids])
            emb = model(t, torch.ones_like(t), torch.zeros(1, 1, 3, S, S))[0]
            ref["queries"].append({"text": q, "input_ids": ids, "embeddings": [[round(float(v), 7) for v in row] for row in emb]})
    for q in ref["queries"]:
        qe = np.array(q["embeddings"], np.float64)
        q["maxsim"] = [float((qe @ np.array(p["embeddings"], np.float64).T).max(1).sum()) for p in ref["pages"]]
    json.dump(ref, open(os.path.join(OUT, "reference.json"), "w"))
    print("pages:", [(len(p["embeddings"]), p["rows"], p["cols"]) for p in ref["pages"]],
          "queries:", [(len(q["embeddings"]), [round(s, 3) for s in q["maxsim"]]) for q in ref["queries"]])


if __name__ == "__main__":
    main()
