#!/usr/bin/python3
"""A ViT-B/32-shaped CLIP with random weights (12 x 768 vision, 12 x 512 text, 512-d), exported in the
HF ONNX layout for `npm run bench`. Not committed: made at bench time into OUT_DIR."""
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models", "tiny", "train"))
import make_test_models as mt  # noqa: E402

out = sys.argv[1]
os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
src = os.path.join(HERE, "..", "..", "models", "test", "clip")
for f in ("tokenizer.json", "tokenizer_config.json"):
    shutil.copy(os.path.join(src, f), out)
vocab = len(json.load(open(os.path.join(out, "tokenizer.json")))["model"]["vocab"])
eot = vocab - 1
torch.manual_seed(0)


text = mt.Text(vocab, 77, 512, 512, True, "eot", eot)
text.blocks = torch.nn.ModuleList(mt.Block(512) for _ in range(12))
for b in text.blocks:
    b.attn.heads = 8
    b.fc1, b.fc2 = torch.nn.Linear(512, 2048), torch.nn.Linear(2048, 512)
vision = mt.Vision(224, 32, 768, 512)
vision.blocks = torch.nn.ModuleList(mt.Block(768) for _ in range(12))
for b in vision.blocks:
    b.attn.heads = 12
    b.fc1, b.fc2 = torch.nn.Linear(768, 3072), torch.nn.Linear(3072, 768)
text.eval()
vision.eval()
mt.export(text, torch.tensor([[eot - 1, 5, 6, eot]]), "input_ids", os.path.join(out, "onnx", "text_model.onnx"), {"in": {0: "batch", 1: "sequence"}, "out": "text_embeds"})
mt.export(vision, torch.zeros(1, 3, 224, 224), "pixel_values", os.path.join(out, "onnx", "vision_model.onnx"), {"in": {0: "batch"}, "out": "image_embeds"})
json.dump({"model_type": "clip", "_name_or_path": "bench/vit-b32-random", "projection_dim": 512, "logit_scale": 4.6052,
           "text_config": {"hidden_size": 512, "num_hidden_layers": 12, "num_attention_heads": 8, "max_position_embeddings": 77, "vocab_size": vocab, "eos_token_id": eot, "projection_dim": 512},
           "vision_config": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "image_size": 224, "patch_size": 32, "projection_dim": 512}},
          open(os.path.join(out, "config.json"), "w"), indent=2)
json.dump({"image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"shortest_edge": 224}, "do_center_crop": True,
           "crop_size": {"height": 224, "width": 224}, "resample": 3, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
           "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]},
          open(os.path.join(out, "preprocessor_config.json"), "w"), indent=2)
print("ok")
