"""A small CLIP in the Hugging Face layout's terms: a ViT image tower and a causal text transformer
pooled at the end token, both projected into one L2-normalized space. Attention uses explicit q/k/v
projections so torch 1.13 exports it to ONNX cleanly."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.out = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x, bias=None):
        b, n, w = x.shape
        h = self.heads
        def split(t):
            return t.reshape(b, n, h, w // h).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(w // h))
        if bias is not None:
            att = att + bias
        y = att.softmax(-1) @ v
        return self.out(y.transpose(1, 2).reshape(b, n, w))


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, x, bias=None):
        x = x + self.attn(self.ln1(x), bias)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class VisionTower(nn.Module):
    """224x224 input, 2x2 average pooling, then 16x16 patches: a 7x7 grid like ViT-B/32 at a quarter
    of the patch-embedding cost (training runs on two CPU cores)."""
    def __init__(self, image=224, patch=32, width=128, layers=4, heads=4, dim=128):
        super().__init__()
        self.pool = nn.AvgPool2d(2)
        self.patch = nn.Conv2d(3, width, patch // 2, patch // 2, bias=False)
        n = (image // patch) ** 2
        self.cls = nn.Parameter(torch.randn(width) * 0.02)
        self.pos = nn.Parameter(torch.randn(n + 1, width) * 0.02)
        self.ln_pre, self.ln_post = nn.LayerNorm(width), nn.LayerNorm(width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, pixel_values):
        x = self.patch(self.pool(pixel_values)).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1) + self.pos
        x = self.ln_pre(x)
        for blk in self.blocks:
            x = blk(x)
        return self.proj(self.ln_post(x[:, 0]))


class TextTower(nn.Module):
    def __init__(self, vocab, eot_id, context=77, width=128, layers=4, heads=4, dim=128):
        super().__init__()
        self.eot_id = eot_id
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(context, width) * 0.01)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        idx = torch.arange(n, device=input_ids.device)
        bias = (idx[None, :] > idx[:, None]).float() * -1e9  # causal
        for blk in self.blocks:
            x = blk(x, bias)
        x = self.ln(x)
        # pooled at the first end token (CLIP's rule; padding after it is never attended to)
        end = (input_ids == self.eot_id).float().argmax(-1)
        return self.proj(x[torch.arange(x.shape[0]), end])


class TinyClip(nn.Module):
    def __init__(self, vocab, eot_id, dim=128):
        super().__init__()
        self.vision = VisionTower(dim=dim)
        self.text = TextTower(vocab, eot_id, dim=dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


class ImageExport(nn.Module):  # pixel_values -> image_embeds (L2-normalized)
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, pixel_values):
        return F.normalize(self.m.vision(pixel_values), dim=-1)


class TextExport(nn.Module):  # input_ids -> text_embeds (L2-normalized)
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return F.normalize(self.m.text(input_ids), dim=-1)
