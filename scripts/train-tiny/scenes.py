"""Procedural scenes for the tiny CLIP: 1-3 coloured shapes on varied backgrounds, with captions.

Seeded and deterministic: scene(i, seed) always draws the same picture. Objects are placed inside the
central square (what a CLIP center crop keeps), so position words describe what the model sees.
"""
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

COLORS = {
    "red": (220, 30, 30), "green": (30, 170, 50), "blue": (30, 60, 220), "yellow": (240, 220, 30),
    "orange": (245, 140, 20), "purple": (140, 40, 180), "black": (15, 15, 15), "white": (245, 245, 245),
}
SHAPES = ["circle", "square", "triangle", "star", "cross"]
SIZES = ["small", "large"]
POSITIONS = ["left", "right", "top", "bottom", "center"]
POS_PHRASE = {"left": "on the left", "right": "on the right", "top": "at the top", "bottom": "at the bottom", "center": "in the center"}
POS_BOX = {  # centre ranges (x, y) as fractions of the square
    "left": ((0.12, 0.28), (0.35, 0.65)), "right": ((0.72, 0.88), (0.35, 0.65)),
    "top": ((0.35, 0.65), (0.12, 0.28)), "bottom": ((0.35, 0.65), (0.72, 0.88)), "center": ((0.42, 0.58), (0.42, 0.58)),
}


def shape_points(shape, cx, cy, r, angle):
    def rot(pts):
        c, s = math.cos(angle), math.sin(angle)
        return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]
    if shape == "square":
        return rot([(-r, -r), (r, -r), (r, r), (-r, r)])
    if shape == "triangle":
        return rot([(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)])
    if shape == "star":
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else r * 0.42
            a = -math.pi / 2 + k * math.pi / 5
            pts.append((rr * math.cos(a), rr * math.sin(a)))
        return rot(pts)
    if shape == "cross":
        w = r * 0.36
        return rot([(-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w), (w, r), (-w, r), (-w, w), (-r, w), (-r, -w), (-w, -w)])
    return None


def background(rng, w, h):
    kind = rng.choice(["solid", "gradient", "noise", "lines", "checker"])
    base = tuple(rng.randint(60, 200) for _ in range(3))
    img = Image.new("RGB", (w, h), base)
    d = ImageDraw.Draw(img)
    if kind == "gradient":
        other = tuple(rng.randint(40, 220) for _ in range(3))
        for y in range(h):
            t = y / max(h - 1, 1)
            d.line([(0, y), (w, y)], fill=tuple(int(base[i] * (1 - t) + other[i] * t) for i in range(3)))
    elif kind == "noise":
        noise = Image.effect_noise((w, h), rng.uniform(20, 60)).convert("RGB")
        img = Image.blend(img, noise, 0.35)
    elif kind == "lines":
        other = tuple(rng.randint(40, 220) for _ in range(3))
        step = rng.randint(8, 24)
        for x in range(-h, w, step):
            d.line([(x, 0), (x + h, h)], fill=other, width=rng.randint(1, 3))
    elif kind == "checker":
        other = tuple(min(255, c + rng.randint(-50, 50)) for c in base)
        s = rng.randint(10, 30)
        for y in range(0, h, s):
            for x in range(0, w, s):
                if (x // s + y // s) % 2:
                    d.rectangle([x, y, x + s, y + s], fill=other)
    return img


def caption_for(objs, rng):
    return caption_and_mentions(objs, rng)[0]


def caption_and_mentions(objs, rng):
    """(caption, mentions): mentions says which attributes of a single object the caption names."""
    def phrase(o, with_pos, with_size):
        words = []
        if with_size:
            words.append(o["size"])
        words += [o["color"], o["shape"]]
        p = " ".join(words)
        if with_pos:
            p += " " + POS_PHRASE[o["position"]]
        return p
    if len(objs) == 1:
        o = objs[0]
        with_pos, with_size = rng.random() < 0.7, rng.random() < 0.6
        core = phrase(o, with_pos, with_size)
        templates = ["{}", "a {}", "a photo of a {}", "an image of a {}", "a picture showing a {}", "there is a {}", "a drawing of a {}"]
        text = rng.choice(templates).format(core).replace("a a", "an a").replace("a o", "an o")
        return text, {"color": True, "shape": True, "size": with_size, "position": with_pos}
    with_pos = rng.random() < 0.5
    parts = ["a " + phrase(o, with_pos, rng.random() < 0.4) for o in objs]
    return (", ".join(parts[:-1]) + " and " + parts[-1]).replace("a o", "an o").replace("a a", "an a"), None


def scene(index, seed=0, n_objects=None, quality_range=(30, 95)):
    """Returns (PIL RGB image, caption, objects). The square crop is the central min(w, h) square."""
    rng = random.Random(seed * 1_000_003 + index)
    side = rng.choice([224, 224, 240, 256, 288])
    aspect = rng.choice([1.0, 1.0, 4 / 3, 3 / 4, 16 / 9, 9 / 16, 1.2])
    w, h = (int(side * aspect), side) if aspect >= 1 else (side, int(side / aspect))
    img = background(rng, w, h)
    ox, oy = (w - side) // 2, (h - side) // 2
    n = n_objects or (1 if rng.random() < 0.6 else rng.choice([2, 3]))
    positions = rng.sample(POSITIONS, n)
    objs = []
    d = ImageDraw.Draw(img)
    for pos in positions:
        o = {"color": rng.choice(list(COLORS)), "shape": rng.choice(SHAPES), "size": rng.choice(SIZES), "position": pos}
        (x0, x1), (y0, y1) = POS_BOX[pos]
        cx, cy = ox + side * rng.uniform(x0, x1), oy + side * rng.uniform(y0, y1)
        r = side * (rng.uniform(0.07, 0.1) if o["size"] == "small" else rng.uniform(0.17, 0.22))
        if n > 1 and o["size"] == "large":
            r *= 0.8
        fill = tuple(max(0, min(255, c + rng.randint(-15, 15))) for c in COLORS[o["color"]])
        pts = shape_points(o["shape"], cx, cy, r, rng.uniform(0, 2 * math.pi))
        if pts is None:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        else:
            d.polygon(pts, fill=fill)
        objs.append(o)
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5)))
    if rng.random() < 0.5:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(*quality_range))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img, caption_for(objs, rng), objs


def clip_crop(img, size=224):
    """CLIPImageProcessor on PIL: shortest edge to `size` (bicubic), center crop size x size."""
    w, h = img.size
    if w <= h:
        ow, oh = size, int(size * h / w)
    else:
        ow, oh = int(size * w / h), size
    if (ow, oh) != (w, h):
        img = img.resize((ow, oh), Image.BICUBIC, reducing_gap=None)
    top, left = (oh - size) // 2, (ow - size) // 2
    return img.crop((left, top, left + size, top + size))


def all_caption_words():
    words = set(COLORS) | set(SHAPES) | set(SIZES)
    for p in POS_PHRASE.values():
        words |= set(p.split())
    words |= {"a", "an", "photo", "of", "image", "picture", "showing", "there", "is", "drawing", "and"}
    return sorted(words)
