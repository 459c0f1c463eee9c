#!/usr/bin/python3
"""Writes the WebP/HEIC/AVIF test fixtures of tests/fixtures/formats/ (run once; the files are committed
so every run tests the same bytes). Needs Debian's python3-pil and libheif-examples (heif-enc).

  make_format_fixtures.py OUTDIR

WebP by PIL (libwebp): lossless, lossy, lossless with alpha, lossy with EXIF orientation 6.
HEIC/AVIF by heif-enc (x265 / libaom): plain, with alpha, a two-image file, and one HEIC per EXIF
orientation 2..8 (heif-enc turns the JPEG's EXIF orientation into irot/imir, so each must decode to
the same upright picture), plus a 2x2 grid HEIC assembled here the way phones store photos: four
independently coded tiles and a `grid` item whose output is cropped from the tile mosaic.
"""
import io
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from pil_reference import png16_rgb, scene  # noqa: E402

INVERSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}


def heif_enc(src, out, *args):
    subprocess.run(["heif-enc", "-q", "70", *args, src, "-o", out], check=True, stdout=subprocess.DEVNULL)


def exif_with(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


# ---- ISO-BMFF, just enough to take one coded image out of a heif-enc file and build a grid -----------

def box(kind, body):
    return struct.pack(">I", 8 + len(body)) + kind + body


def full(kind, version, flags, body):
    return box(kind, struct.pack(">I", version << 24 | flags) + body)


def children(b, start, end):
    out, i = {}, start
    while i + 8 <= end:
        size, kind = struct.unpack(">I4s", b[i:i + 8])
        out.setdefault(kind, []).append((i + 8, i + size))
        i += size
    return out


def coded_image(path, config=b"hvcC"):
    """(decoder configuration box, pixi box, coded data) of the single image heif-enc wrote."""
    b = open(path, "rb").read()
    top = children(b, 0, len(b))
    ms, me = top[b"meta"][0]
    meta = children(b, ms + 4, me)
    ps, pe = meta[b"iprp"][0]
    cs, ce = children(b, ps, pe)[b"ipco"][0]
    props = children(b, cs, ce)
    hs, he = props[config][0]
    xs, xe = props[b"pixi"][0]
    primary = struct.unpack(">H", b[meta[b"pitm"][0][0] + 4:meta[b"pitm"][0][0] + 6])[0]
    ls, _ = meta[b"iloc"][0]
    version = b[ls]
    off_size, len_size = b[ls + 4] >> 4, b[ls + 4] & 15
    base_size, index_size = b[ls + 5] >> 4, (b[ls + 5] & 15) if version else 0
    i = ls + 6

    def take(n):
        nonlocal i
        v = int.from_bytes(b[i:i + n], "big") if n else 0
        i += n
        return v
    count = take(2 if version < 2 else 4)
    for _ in range(count):
        item = take(2 if version < 2 else 4)
        method = take(2) & 15 if version else 0
        take(2)  # data_reference_index
        base = take(base_size)
        data = b""
        for _ in range(take(2)):
            take(index_size)
            off, length = take(off_size), take(len_size)
            data += b[base + off:base + off + length]
        if item == primary:
            assert method == 0, "heif-enc stored the image outside mdat (tiles must be multiples of 64)"
            break
    return b[hs - 8:he], b[xs - 8:xe], data


def grid_heic(tiles, cols, rows, tile_w, tile_h, out_w, out_h, config=b"hvcC", item_type=b"hvc1", brand=b"heic"):
    """A HEIC (or AVIF) whose primary item is a grid of `tiles` (paths of single-image files, row-major)."""
    n = len(tiles)
    coded = [coded_image(t, config) for t in tiles]
    grid_desc = struct.pack(">BBBBHH", 0, 0, rows - 1, cols - 1, out_w, out_h)
    items = [grid_desc] + [c[2] for c in coded]  # item 1 = grid, 2.. = tiles
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0) + b"mif1" + brand + b"miaf")
    hdlr = full(b"hdlr", 0, 0, b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    infe = [full(b"infe", 2, 0, struct.pack(">HH", 1, 0) + b"grid" + b"\0")]
    infe += [full(b"infe", 2, 1, struct.pack(">HH", 2 + k, 0) + item_type + b"\0") for k in range(n)]  # flags 1: hidden
    iinf = full(b"iinf", 0, 0, struct.pack(">H", len(infe)) + b"".join(infe))
    dimg = box(b"dimg", struct.pack(">HH", 1, n) + b"".join(struct.pack(">H", 2 + k) for k in range(n)))
    iref = full(b"iref", 0, 0, dimg)
    props = [c[0] for c in coded] + [full(b"ispe", 0, 0, struct.pack(">II", tile_w, tile_h)),
                                      full(b"ispe", 0, 0, struct.pack(">II", out_w, out_h))]
    ipco = box(b"ipco", b"".join(props))
    tile_ispe, grid_ispe = n + 1, n + 2
    entries = [struct.pack(">HB", 1, 1) + bytes([grid_ispe])]
    entries += [struct.pack(">HB", 2 + k, 2) + bytes([0x80 | (k + 1), tile_ispe]) for k in range(n)]
    ipma = full(b"ipma", 0, 0, struct.pack(">I", len(entries)) + b"".join(entries))
    iprp = box(b"iprp", ipco + ipma)

    def meta_with(offsets):
        rows_ = b"".join(struct.pack(">HHHII", k + 1, 0, 1, offsets[k], len(items[k])) for k in range(len(items)))
        iloc = full(b"iloc", 0, 0, bytes([0x44, 0x00]) + struct.pack(">H", len(items)) + rows_)
        return full(b"meta", 0, 0, hdlr + pitm + iloc + iinf + iref + iprp)

    head = len(ftyp) + len(meta_with([0] * len(items))) + 8  # + mdat header
    offsets, pos = [], head
    for it in items:
        offsets.append(pos)
        pos += len(it)
    return ftyp + meta_with(offsets) + box(b"mdat", b"".join(items))


def transformed(path, config, item_type, width, height, rot, mirror):
    """The image of a heif-enc file rewritten with `irot` (anticlockwise quarter turns) then `imir`."""
    conf, pixi, data = coded_image(path, config)
    brands = b"avif" + struct.pack(">I", 0) + b"mif1avifmiaf" if item_type == b"av01" else b"heic" + struct.pack(">I", 0) + b"mif1heicmiaf"
    ftyp = box(b"ftyp", brands)
    hdlr = full(b"hdlr", 0, 0, b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    iinf = full(b"iinf", 0, 0, struct.pack(">H", 1) + full(b"infe", 2, 0, struct.pack(">HH", 1, 0) + item_type + b"\0"))
    # libavif (strict by default) requires pixi.
    props = [conf, full(b"ispe", 0, 0, struct.pack(">II", width, height)), pixi, box(b"irot", bytes([rot]))]
    if mirror is not None:
        props.append(box(b"imir", bytes([mirror])))
    ipco = box(b"ipco", b"".join(props))
    assoc = bytes([0x81, 2, 3, 0x84] + ([0x85] if mirror is not None else []))
    ipma = full(b"ipma", 0, 0, struct.pack(">IHB", 1, 1, len(assoc)) + assoc)

    def meta_with(offset):
        iloc = full(b"iloc", 0, 0, bytes([0x44, 0x00]) + struct.pack(">HHHHII", 1, 1, 0, 1, offset, len(data)))
        return full(b"meta", 0, 0, hdlr + pitm + iloc + iinf + box(b"iprp", ipco + ipma))
    offset = len(ftyp) + len(meta_with(0)) + 8
    return ftyp + meta_with(offset) + box(b"mdat", data)


def obu_avif(obus, width, height, depth, nclx):
    """A one-item AVIF around a 4:2:0 AV1 stream of `depth` bits (its sequence header also in av1C), with
    a colr box of nclx (primaries, transfer, matrix, full range)."""
    i, config = 0, b""
    while i < len(obus):  # the sequence header OBU (type 1) goes into av1C as configOBUs
        kind, has_size = obus[i] >> 3 & 15, obus[i] >> 1 & 1
        j, size, shift = i + 1 + (obus[i] >> 2 & 1), 0, 0
        while True:
            size |= (obus[j] & 127) << shift
            shift += 7
            j += 1
            if not obus[j - 1] & 128:
                break
        assert has_size
        if kind == 1:
            config = obus[i:j + size]
            break
        i = j + size
    av1c = box(b"av1C", bytes([0x81, 0x00, (0x40 if depth > 8 else 0) | 0x08 | 0x04, 0x00]) + config)
    ftyp = box(b"ftyp", b"avif" + struct.pack(">I", 0) + b"mif1avifmiaf")
    hdlr = full(b"hdlr", 0, 0, b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    iinf = full(b"iinf", 0, 0, struct.pack(">H", 1) + full(b"infe", 2, 0, struct.pack(">HH", 1, 0) + b"av01\0"))
    props = [av1c, full(b"ispe", 0, 0, struct.pack(">II", width, height)), full(b"pixi", 0, 0, bytes([3, depth, depth, depth])),
             box(b"colr", b"nclx" + struct.pack(">HHHB", *nclx[:3], nclx[3] << 7))]
    ipma = full(b"ipma", 0, 0, struct.pack(">IHB", 1, 1, 4) + bytes([0x81, 2, 3, 0x84]))

    def meta_with(offset):
        iloc = full(b"iloc", 0, 0, bytes([0x44, 0x00]) + struct.pack(">HHHHII", 1, 1, 0, 1, offset, len(obus)))
        return full(b"meta", 0, 0, hdlr + pitm + iloc + iinf + box(b"iprp", box(b"ipco", b"".join(props)) + ipma))
    offset = len(ftyp) + len(meta_with(0)) + 8
    return ftyp + meta_with(offset) + box(b"mdat", obus)


def main(out):
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp()
    up = Image.fromarray(scene(96, 64, 21))
    up.save(os.path.join(out, "lossless.webp"), lossless=True)
    up.save(os.path.join(out, "lossy.webp"), quality=80, method=4)
    rgba = up.copy()
    rgba.putalpha(Image.fromarray((np.arange(96 * 64).reshape(64, 96) % 251).astype(np.uint8)))
    rgba.save(os.path.join(out, "alpha.webp"), lossless=True)
    up.transpose(INVERSE[6]).save(os.path.join(out, "exif6.webp"), quality=80, exif=exif_with(6))

    png = os.path.join(tmp, "up.png")
    up.save(png)
    heif_enc(png, os.path.join(out, "plain.heic"))
    heif_enc(png, os.path.join(out, "plain.avif"))
    rgba_png = os.path.join(tmp, "rgba.png")
    rgba.save(rgba_png)
    heif_enc(rgba_png, os.path.join(out, "alpha.heic"))
    other = os.path.join(tmp, "other.png")
    Image.fromarray(scene(64, 96, 22)).save(other)
    heif_enc(png, os.path.join(out, "two-images.heic"), other)  # the first is the primary
    # heif-enc rotates the pixels of an EXIF-oriented JPEG instead of writing irot/imir, so the
    # transforms are added here to a coded 128x64 image (multiples of 64: heif-enc then writes a
    # plain item, not a 1x1 grid). Each file decodes to the stored image turned and mirrored.
    stored = os.path.join(tmp, "stored.png")
    Image.fromarray(scene(128, 64, 24)).save(stored)
    heif_enc(stored, stored + ".heic")
    heif_enc(stored, stored + ".avif")
    for rot in range(4):
        for mirror in (None, 0, 1):
            name = f"rot{rot}" + ("" if mirror is None else f"mir{mirror}")
            with open(os.path.join(out, f"{name}.heic"), "wb") as f:
                f.write(transformed(stored + ".heic", b"hvcC", b"hvc1", 128, 64, rot, mirror))
            with open(os.path.join(out, f"{name}.avif"), "wb") as f:
                f.write(transformed(stored + ".avif", b"av1C", b"av01", 128, 64, rot, mirror))

    big = Image.fromarray(scene(128, 128, 23))
    tiles = []
    for r in range(2):
        for c in range(2):
            t = os.path.join(tmp, f"tile{r}{c}.png")
            big.crop((c * 64, r * 64, c * 64 + 64, r * 64 + 64)).save(t)
            heif_enc(t, t + ".heic")
            tiles.append(t + ".heic")
    data = grid_heic(tiles, 2, 2, 64, 64, 120, 100)
    with open(os.path.join(out, "grid.heic"), "wb") as f:
        f.write(data)
    avif_variants(out, tmp, png, rgba_png, big)


def avif_variants(out, tmp, png, rgba_png, big):
    """The AVIF cases libheif converts differently: alpha, 4:4:4, limited range, BT.709, 10 bits
    (4:2:0 and 4:2:2, from a 16-bit PNG), an odd size (chroma of the last column/row), a grid."""
    heif_enc(rgba_png, os.path.join(out, "alpha.avif"))
    heif_enc(png, os.path.join(out, "chroma444.avif"), "-p", "chroma=444")
    png16 = os.path.join(tmp, "up16.png")
    png16_rgb(png16, scene(96, 64, 25).astype(np.uint16) * 257)
    # Debian's heif-enc (libheif 1.15) ignores its nclx options, and writes 10-bit AVIF only as 4:2:2
    # (4:2:0 and 4:4:4 trip an assertion in libaom): those files are ffmpeg's libaom streams in a box
    # written here, with the colr nclx that says how ffmpeg converted them.
    heif_enc(png16, os.path.join(out, "tenbit422.avif"), "-b", "10", "-p", "chroma=422")
    for name, src, pix_fmt, scale, nclx in [
            ("limited.avif", png, "yuv420p", "scale=out_color_matrix=bt601:out_range=tv", (1, 13, 6, 0)),
            ("bt709.avif", png, "yuv420p", "scale=out_color_matrix=bt709:out_range=pc", (1, 1, 1, 1)),
            ("tenbit.avif", png16, "yuv420p10le", "scale=out_color_matrix=bt601:out_range=tv", (1, 13, 6, 0))]:
        obu = os.path.join(tmp, name + ".obu")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", src, "-vf", scale, "-pix_fmt", pix_fmt, "-c:v", "libaom-av1",
                        "-still-picture", "1", "-crf", "30", "-cpu-used", "6", "-f", "obu", obu], check=True)
        with open(os.path.join(out, name), "wb") as f:
            f.write(obu_avif(open(obu, "rb").read(), 96, 64, 10 if "10" in pix_fmt else 8, nclx))
    odd = os.path.join(tmp, "odd.png")
    Image.fromarray(scene(97, 65, 26)).save(odd)
    heif_enc(odd, os.path.join(out, "odd.avif"))
    tiles = []
    for r in range(2):
        for c in range(2):
            t = os.path.join(tmp, f"tile{r}{c}.png")
            big.crop((c * 64, r * 64, c * 64 + 64, r * 64 + 64)).save(t)
            heif_enc(t, t + ".avif")
            tiles.append(t + ".avif")
    with open(os.path.join(out, "grid.avif"), "wb") as f:
        f.write(grid_heic(tiles, 2, 2, 64, 64, 120, 100, b"av1C", b"av01", b"avif"))


if __name__ == "__main__":
    main(sys.argv[1])
