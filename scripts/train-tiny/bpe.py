"""Byte-level BPE in CLIP's format, trained on the project's own captions (not OpenAI's vocabulary).

train(corpus) -> (vocab list, merges); write_tokenizer(dir, vocab, merges) writes tokenizer.json and
tokenizer_config.json with CLIP's normalizer/pre-tokenizer/post-processor; Encoder(...).encode(text)
gives the ids clipfind (and Hugging Face) produce for the ASCII captions used in training.
"""
import collections
import json
import os
import re
import unicodedata

SOT, EOT = "<|startoftext|>", "<|endoftext|>"
CLIP_SPLIT = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()


def _kind(c):
    cat = unicodedata.category(c)
    return "L" if cat[0] == "L" else "N" if cat[0] == "N" else "S" if c.isspace() else "P"


def clip_pieces(text):
    """CLIP's pre-tokenization: NFC, whitespace runs to one space, lowercase, then the CLIP pattern
    ('s|'t|...|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+), leftmost-first, written out by hand."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).lower()
    out, i = [], 0
    while i < len(text):
        c = text[i]
        hit = next((x for x in CONTRACTIONS if text.startswith(x, i)), None)
        if hit:
            out.append(hit)
            i += len(hit)
            continue
        k = _kind(c)
        if k == "S":
            i += 1
            continue
        j = i + 1
        if k == "L":
            while j < len(text) and _kind(text[j]) == "L":
                j += 1
        elif k == "P":
            while j < len(text) and _kind(text[j]) == "P":
                j += 1
        out.append(text[i:j])
        i = j
    return out




def words_of(text):
    return ["".join(B2U[b] for b in w.encode("utf-8")) for w in clip_pieces(text)]


def train(corpus, num_merges=400, min_freq=2):
    freq = collections.Counter()
    for line in corpus:
        freq.update(words_of(line))
    words = {w: list(w[:-1]) + [w[-1] + "</w>"] for w in freq}
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, syms in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += freq[w]
        if not pairs:
            break
        (a, b), n = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if n < min_freq:
            break
        merges.append((a, b))
        for w, syms in words.items():
            i, out = 0, []
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            words[w] = out
    base = list(B2U.values())
    vocab = base + [c + "</w>" for c in base] + [a + b for a, b in merges] + [SOT, EOT]
    return vocab, merges


def write_tokenizer(out_dir, vocab, merges, max_length=77):
    os.makedirs(out_dir, exist_ok=True)
    ids = {t: i for i, t in enumerate(vocab)}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [
            {"id": ids[SOT], "content": SOT, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True},
            {"id": ids[EOT], "content": EOT, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        ],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": CLIP_SPLIT}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOT, ids[EOT]], "cls": [SOT, ids[SOT]], "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOT, "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
                  "fuse_unk": False, "byte_fallback": False, "vocab": ids, "merges": [f"{a} {b}" for a, b in merges]},
    }
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    cfg = {"tokenizer_class": "CLIPTokenizer", "model_max_length": max_length, "bos_token": SOT, "eos_token": EOT,
           "unk_token": EOT, "pad_token": EOT, "do_lower_case": True, "add_prefix_space": False}
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
    return ids


class Encoder:
    def __init__(self, vocab, merges, max_length=77):
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.max_length = max_length
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        syms = list(w[:-1]) + [w[-1] + "</w>"]
        while len(syms) > 1:
            best = min(((self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(syms, syms[1:]))))
            if best[0] == 1 << 30:
                break
            i = best[1]
            syms = syms[:i] + [syms[i] + syms[i + 1]] + syms[i + 2:]
        ids = [self.ids[s] for s in syms]
        self.cache[w] = ids
        return ids

    def encode(self, text):
        out = []
        for w in words_of(text):
            out += self.word(w)
        out = out[: self.max_length - 2]
        return [self.ids[SOT]] + out + [self.ids[EOT]]
