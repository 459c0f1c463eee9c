"""Exports the trained tiny CLIP to the Hugging Face ONNX layout in models/tiny/ (next to the tokenizer
files train.py wrote): onnx/text_model.onnx, onnx/vision_model.onnx, config.json,
preprocessor_config.json.

/usr/bin/python3 scripts/train-tiny/export.py --work /tmp/clipfind-tiny
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ImageExport, TextExport, TinyClip  # noqa: E402


def main(args):
    if args.weights:
        import numpy as np
        z = np.load(args.weights)
        state = {"vocab": int(z["vocab"]), "eot": int(z["eot"]), "step": int(z["step"])}
        state["model"] = {k: torch.from_numpy(z[k]) for k in z.files if k not in ("vocab", "eot", "step")}
    else:
        state = torch.load(os.path.join(args.work, "ckpt.pt"))
    model = TinyClip(state["vocab"], state["eot"])
    model.load_state_dict(state["model"])
    model.eval()
    out = args.model_dir
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    ids = torch.tensor([[state["eot"] - 1, 5, 6, state["eot"]]])
    torch.onnx.export(TextExport(model), ids, os.path.join(out, "onnx", "text_model.onnx"), input_names=["input_ids"],
                      output_names=["text_embeds"], dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "text_embeds": {0: "batch"}}, opset_version=14)
    torch.onnx.export(ImageExport(model), torch.zeros(1, 3, 224, 224), os.path.join(out, "onnx", "vision_model.onnx"),
                      input_names=["pixel_values"], output_names=["image_embeds"], dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=14)
    config = {
        "model_type": "clip", "_name_or_path": "clipfind/tiny-clip-shapes", "architectures": ["CLIPModel"],
        "projection_dim": 128, "logit_scale": float(model.logit_scale.detach().clamp(max=4.6052)),
        "text_config": {"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4, "max_position_embeddings": 77,
                        "vocab_size": state["vocab"], "eos_token_id": state["eot"]},
        "vision_config": {"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4, "image_size": 224, "patch_size": 32},
        "clipfind": {"trained_steps": state["step"], "note": "trained by scripts/train-tiny on procedurally generated scenes"},
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    pre = {"image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"shortest_edge": 224}, "resample": 3,
           "do_center_crop": True, "crop_size": {"height": 224, "width": 224}, "do_rescale": True, "rescale_factor": 1 / 255,
           "do_normalize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
           "do_convert_rgb": True}
    json.dump(pre, open(os.path.join(out, "preprocessor_config.json"), "w"), indent=2)
    out = os.path.normpath(out)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(out) if not dp.startswith(os.path.join(out, "train")) for f in fs)
    print(f"exported step {state['step']} to {out} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/clipfind-tiny")
    ap.add_argument("--model-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "tiny"))
    ap.add_argument("--weights", help=".npz written by train.py --export-npz (instead of --work's ckpt.pt)")
    main(ap.parse_args())
