"""Writes a SoundClap in the Hugging Face CLAP ONNX layout: onnx/audio_model.onnx (input_features ->
audio_embeds), onnx/text_model.onnx (input_ids, attention_mask -> text_embeds), config.json
(model_type clap), preprocessor_config.json (ClapFeatureExtractor), tokenizer.json and
tokenizer_config.json (RoBERTa-style)."""
import json
import os

import torch

from model import AudioExport, TextExport
from tokenizer import write_tokenizer


def export(model, out, vocab, merges, preprocessor, name, frames, extra=None):
    model.eval()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    mels = preprocessor["feature_size"]
    torch.onnx.export(AudioExport(model), torch.zeros(2, 1, frames, mels), os.path.join(out, "onnx", "audio_model.onnx"),
                      input_names=["input_features"], output_names=["audio_embeds"],
                      dynamic_axes={"input_features": {0: "batch"}, "audio_embeds": {0: "batch"}}, opset_version=14)
    ids = torch.tensor([[0, 5, 6, 2], [0, 7, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    torch.onnx.export(TextExport(model), (ids, mask), os.path.join(out, "onnx", "text_model.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["text_embeds"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "text_embeds": {0: "batch"}}, opset_version=14)
    dim = model.text_proj.out_features
    config = {
        "model_type": "clap", "_name_or_path": name, "architectures": ["ClapModel"], "projection_dim": dim,
        "logit_scale": float(model.logit_scale.detach().clamp(max=4.6052)),
        "text_config": {"model_type": "clap_text_model", "vocab_size": len(vocab), "hidden_size": model.tok.embedding_dim,
                        "num_hidden_layers": len(model.blocks), "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2},
        "audio_config": {"model_type": "clap_audio_model", "num_mel_bins": mels, "enable_fusion": False},
        "clipfind": extra or {},
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    json.dump(preprocessor, open(os.path.join(out, "preprocessor_config.json"), "w"), indent=2)
    write_tokenizer(out, vocab, merges)
