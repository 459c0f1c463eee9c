"""A small CLAP in the Hugging Face ONNX layout's terms: an audio tower over the log-mel features
(input_features [batch, 1, frames, 64], as ClapFeatureExtractor with rand_trunc gives them) and a text
tower over RoBERTa-style token ids with an attention mask, both projected into one space.

Audio: the dB log-mel scaled to ~unit range, four strided 3x3 conv layers (time and frequency halve
each), then mean and max over time, flattened over frequency, two linear layers. Text: token +
position embeddings, two transformer layers with a padding mask, masked mean pooling, a linear layer.
Explicit q/k/v attention so torch 1.13 exports it to ONNX cleanly."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.out = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x, bias):
        b, n, w = x.shape
        h = self.heads

        def split(t):
            return t.reshape(b, n, h, w // h).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(w // h)) + bias
        return self.out((att.softmax(-1) @ v).transpose(1, 2).reshape(b, n, w))


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, x, bias):
        x = x + self.attn(self.ln1(x), bias)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class SoundClap(nn.Module):
    def __init__(self, vocab, dim=64, channels=(16, 32, 48, 64), text_width=64, text_layers=2, mels=64, max_tokens=32):
        super().__init__()
        layers, c_in = [], 1
        for c in channels:
            layers += [nn.Conv2d(c_in, c, 3, stride=2, padding=1), nn.GELU()]
            c_in = c
        self.convs = nn.Sequential(*layers)
        f = mels
        for _ in channels:
            f = (f + 1) // 2
        self.audio_head = nn.Sequential(nn.Linear(2 * c_in * f, 128), nn.GELU(), nn.Linear(128, dim))
        self.tok = nn.Embedding(vocab, text_width)
        self.pos = nn.Parameter(torch.randn(max_tokens, text_width) * 0.02)
        self.blocks = nn.ModuleList(Block(text_width, 4) for _ in range(text_layers))
        self.ln = nn.LayerNorm(text_width)
        self.text_proj = nn.Linear(text_width, dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def audio(self, features):  # [b, 1, frames, mels] dB
        x = self.convs((features + 50.0) / 30.0)  # [b, c, t, f]
        x = torch.cat([x.mean(2), x.amax(2)], 1).flatten(1)
        return self.audio_head(x)

    def text(self, ids, mask):
        n = ids.shape[1]
        x = self.tok(ids) + self.pos[:n]
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        for blk in self.blocks:
            x = blk(x, bias)
        x = self.ln(x)
        m = mask[:, :, None].float()
        return self.text_proj((x * m).sum(1) / m.sum(1))


class AudioExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_features):
        return self.m.audio(input_features)


class TextExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.text(input_ids, attention_mask)
