"""A RoBERTa-style byte-level BPE tokenizer (the kind CLAP's text tower uses), trained on the captions.

tokenizer.json has RoBERTa's layout: <s>=0 <pad>=1 </s>=2 <unk>=3, a GPT-2 ByteLevel pre-tokenizer
(words keep their leading space as 'Ġ'), no end-of-word suffix, RobertaProcessing (<s> ... </s>), a
ByteLevel decoder. One addition: a Lowercase normalizer, so "Rising sweep" and "rising sweep" are the
same query (the captions are lowercase). Encoder.encode gives the ids clipfind's C++ tokenizer gives
for such text (ASCII letters, digits and spaces).
"""
import collections
import json
import os

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


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


def words_of(text):
    """GPT-2's split for lowercase ASCII words and spaces: ' ?[a-z]+', ' ?[0-9]+', as byte-level strings."""
    out, i, text = [], 0, text.lower()
    while i < len(text):
        j = i + 1 if text[i] == " " else i
        if j < len(text) and text[j] != " ":
            alpha = text[j].isalpha()
            k = j + 1
            while k < len(text) and text[k] != " " and text[k].isalpha() == alpha:
                k += 1
            out.append(text[i:k])
            i = k
        else:
            i = j if j > i else i + 1  # lone spaces: not in the captions
    return ["".join(B2U[b] for b in w.encode("utf-8")) for w in out]


def train(corpus, num_merges=300):
    freq = collections.Counter()
    for line in corpus:
        freq.update(words_of(line))
    words = {w: list(w) for w in freq}
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, syms in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += freq[w]
        if not pairs:
            break
        (a, b), n = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if n < 2:
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
    vocab = SPECIALS + list(B2U.values()) + [a + b for a, b in merges]
    return vocab, merges


def write_tokenizer(out_dir, vocab, merges, max_length=32):
    os.makedirs(out_dir, exist_ok=True)
    ids = {t: i for i, t in enumerate(vocab)}
    added = [{"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True} for t in SPECIALS]
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "vocab": ids, "merges": [f"{a} {b}" for a, b in merges]},
    }
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    cfg = {"tokenizer_class": "RobertaTokenizer", "model_max_length": max_length, "bos_token": "<s>", "eos_token": "</s>",
           "unk_token": "<unk>", "pad_token": "<pad>", "cls_token": "<s>", "sep_token": "</s>", "add_prefix_space": False}
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)


class Encoder:
    def __init__(self, vocab, merges, max_length=32):
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.max_length = max_length

    def word(self, w):
        syms = list(w)
        while len(syms) > 1:
            best = min((self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(syms, syms[1:])))
            if best[0] == 1 << 30:
                break
            i = best[1]
            syms = syms[:i] + [syms[i] + syms[i + 1]] + syms[i + 2:]
        return [self.ids[s] for s in syms]

    def encode(self, text):
        ids = [0]
        for w in words_of(text):
            ids += self.word(w)
        return (ids[: self.max_length - 1] + [2])

    def batch(self, texts):
        """input_ids and attention_mask padded with <pad> (1) to the longest, as clipfind pads a batch."""
        rows = [self.encode(t) for t in texts]
        n = max(len(r) for r in rows)
        return [r + [1] * (n - len(r)) for r in rows], [[1] * len(r) + [0] * (n - len(r)) for r in rows]
