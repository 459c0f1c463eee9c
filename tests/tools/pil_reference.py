#!/usr/bin/python3
"""PIL reference for clipfind's image pipeline (run with Debian's /usr/bin/python3: python3-pil, numpy).

  pil_reference.py gen OUTDIR               writes test images in every decoder mode; prints their names
  pil_reference.py decode OUTDIR IMG...     for each image: PIL's decode (exif_transpose, convert("RGB")) to
                                            OUTDIR/<index>.u8, or why PIL refuses it; a JSON line each
  pil_reference.py ref CONFIG OUTDIR IMG... for each image: PIL open, ImageOps.exif_transpose,
                                            convert("RGB"), then the HF processor's resize/crop on PIL;
                                            writes OUTDIR/<name>.u8 (HWC uint8), prints a JSON line each
"""
import json
import math
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image, ImageOps

RESAMPLE = {0: Image.NEAREST, 1: Image.LANCZOS, 2: Image.BILINEAR, 3: Image.BICUBIC, 4: Image.BOX, 5: Image.HAMMING}


def png16_rgb(path, arr):
    """PIL cannot write 16-bit RGB PNGs; a minimal writer (big-endian samples, filter 0)."""
    h, w, _ = arr.shape
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def scene(w, h, seed):
    """Smooth gradients, shapes and noise: something resampling filters can tell apart."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([
        127 + 120 * np.sin(x / max(w, 1) * 6.3 + seed),
        127 + 120 * np.cos(y / max(h, 1) * 4.1),
        (x * 3 + y * 5) % 256,
    ], axis=-1)
    cx, cy, r = w * 0.6, h * 0.4, min(w, h) * 0.25
    img[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = [250, 20, 30]
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def gen(out):
    os.makedirs(out, exist_ok=True)
    names = []
    def save(name, im, **kw):
        im.save(os.path.join(out, name), **kw)
        names.append(name)
    base = Image.fromarray(scene(317, 211, 1))
    save("rgb.png", base)
    rgba = base.copy()
    rgba.putalpha(Image.fromarray((np.arange(317 * 211).reshape(211, 317) % 256).astype(np.uint8)))
    save("rgba.png", rgba)
    save("l.png", base.convert("L"))
    save("la.png", base.convert("LA"))
    save("p.png", base.quantize(64))
    png16_rgb(os.path.join(out, "rgb16.png"), scene(97, 131, 2).astype(np.uint16) * 257 + 3)
    names.append("rgb16.png")
    Image.fromarray((scene(120, 90, 3)[:, :, 0].astype(np.uint16) * 257)).save(os.path.join(out, "gray16.png"))
    names.append("gray16.png")
    frames = [Image.fromarray(scene(160, 120, s)).quantize(200) for s in (4, 5)]
    frames[0].save(os.path.join(out, "anim.gif"), save_all=True, append_images=frames[1:])
    names.append("anim.gif")
    save("rgb.bmp", Image.fromarray(scene(203, 147, 6)))
    save("l.bmp", Image.fromarray(scene(64, 80, 7)).convert("L"))
    save("baseline.jpg", Image.fromarray(scene(640, 480, 8)), quality=90)
    save("progressive.jpg", Image.fromarray(scene(480, 640, 9)), quality=85, progressive=True)
    save("gray.jpg", Image.fromarray(scene(300, 200, 10)).convert("L"), quality=90)
    save("q444.jpg", Image.fromarray(scene(257, 193, 11)), quality=95, subsampling=0)
    save("1x1.png", Image.fromarray(scene(1, 1, 12)))
    save("1x5000.png", Image.fromarray(scene(1, 5000, 13)))
    save("5000x1.png", Image.fromarray(scene(5000, 1, 14)))
    save("224x224.png", Image.fromarray(scene(224, 224, 15)))
    save("up50x30.png", Image.fromarray(scene(50, 30, 16)))
    save("up30x50.jpg", Image.fromarray(scene(30, 50, 17)), quality=92)
    print("\n".join(names))


def size_dict(cfg):
    squash = "Siglip" in cfg.get("image_processor_type", cfg.get("feature_extractor_type", ""))
    size = cfg.get("size", {"height": 224, "width": 224} if squash else {"shortest_edge": 224})
    if isinstance(size, int):
        size = {"height": size, "width": size} if squash else {"shortest_edge": size}
    crop = cfg.get("crop_size", size.get("shortest_edge", 224))
    if isinstance(crop, int):
        crop = {"height": crop, "width": crop}
    return squash, size, crop


def hf_steps(img, cfg):
    squash, size, crop = size_dict(cfg)
    resample = RESAMPLE[cfg.get("resample", 3)]
    if cfg.get("do_resize", True):
        w, h = img.size
        if "shortest_edge" in size:
            s = size["shortest_edge"]
            short, long = (w, h) if w <= h else (h, w)
            new_short, new_long = s, int(s * long / short)
            ow, oh = (new_short, new_long) if w <= h else (new_long, new_short)
        else:
            ow, oh = size["width"], size["height"]
        img = img.resize((ow, oh), resample=resample, reducing_gap=None)
    arr = np.array(img)
    if cfg.get("do_center_crop", not squash):
        ch, cw = crop["height"], crop["width"]
        H, W = arr.shape[:2]
        top, left = (H - ch) // 2, (W - cw) // 2
        if top >= 0 and left >= 0 and top + ch <= H and left + cw <= W:
            arr = arr[top:top + ch, left:left + cw]
        else:
            nh, nw = max(ch, H), max(cw, W)
            pad = np.zeros((nh, nw, 3), np.uint8)
            tp, lp = math.ceil((nh - H) / 2), math.ceil((nw - W) / 2)
            pad[tp:tp + H, lp:lp + W] = arr
            top, left = top + tp, left + lp
            arr = pad[max(0, top):min(nh, top + ch), max(0, left):min(nw, left + cw)]
    return arr


def load(path):
    img = Image.open(path)
    if img.mode in ("I;16", "I;16B", "I"):
        # PIL's convert("RGB") clips 16-bit gray to 255 instead of scaling; clipfind (like PIL for
        # 16-bit RGB) keeps the high byte. The reference does the same so the rest can be compared.
        img = Image.fromarray((np.array(img).astype(np.uint32) >> 8).astype(np.uint8))
    img = ImageOps.exif_transpose(img)
    return img.convert("RGB")


def ref(config, out, paths):
    cfg = json.load(open(config))
    os.makedirs(out, exist_ok=True)
    for p in paths:
        arr = np.ascontiguousarray(hf_steps(load(p), cfg))
        name = os.path.basename(p)
        arr.tofile(os.path.join(out, name + ".u8"))
        print(json.dumps({"image": name, "height": int(arr.shape[0]), "width": int(arr.shape[1])}))


def decode(out, paths):
    """Corpus reference: PIL's pixels, or its refusal (a decompression bomb is reported as such)."""
    import warnings
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    os.makedirs(out, exist_ok=True)
    for i, p in enumerate(paths):
        try:
            arr = np.ascontiguousarray(np.array(load(p)))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            print(json.dumps({"image": p, "error": str(e)[:200], "bomb": True}))
            continue
        except Exception as e:  # noqa: BLE001 - any refusal by PIL is data here
            print(json.dumps({"image": p, "error": f"{type(e).__name__}: {str(e)[:200]}"}))
            continue
        arr.tofile(os.path.join(out, f"{i}.u8"))
        print(json.dumps({"image": p, "file": f"{i}.u8", "height": int(arr.shape[0]), "width": int(arr.shape[1])}))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "decode":
        decode(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "ref":
        ref(sys.argv[2], sys.argv[3], sys.argv[4:])
