"""CLIP-format byte-level BPE: learning merges from the caption corpus, and the exact CLIP tokenizer.

Tokenizer = openai/CLIP clip/simple_tokenizer.py with these documented differences:
  * no ftfy: text is NFC-normalised instead (as the Java side does), then html.unescape twice, strip;
  * Python `re` instead of `regex`: \\p{L} and \\p{N} are spelled out as explicit character classes built from
    unicodedata (general category L* and N*), so the pattern is equivalent;
  * all merges in the file are used (vocab = 256 bytes + 256 bytes</w> + merges + SOT + EOT).
"""
import functools
import gzip
import html
import re
import sys
import unicodedata
from collections import Counter

SOT, EOT = "<|startoftext|>", "<|endoftext|>"


@functools.lru_cache()
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def _ranges(pred):
    out, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if pred(unicodedata.category(chr(cp))):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            out.append((start, prev))
            start = None
    if start is not None:
        out.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in out)


@functools.lru_cache()
def clip_pattern():
    L = _ranges(lambda c: c[0] == "L")
    N = _ranges(lambda c: c[0] == "N")
    pat = (r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|"
           rf"[{L}]+|[{N}]|[^\s{L}{N}]+")
    return re.compile(pat, re.IGNORECASE)


def get_pairs(word):
    return set(zip(word[:-1], word[1:]))


def basic_clean(text):
    text = unicodedata.normalize("NFC", text)  # stand-in for ftfy.fix_text
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def pre_tokens(text):
    text = whitespace_clean(basic_clean(text)).lower()
    b2u = bytes_to_unicode()
    return ["".join(b2u[b] for b in tok.encode("utf-8")) for tok in clip_pattern().findall(text)]


def learn_bpe(texts, num_merges=600, min_freq=2):
    """Learn CLIP-style merges (words end with </w>) from a list of captions."""
    words = Counter()
    for t in texts:
        for tok in pre_tokens(t):
            words[tuple(tok[:-1]) + (tok[-1] + "</w>",)] += 1
    vocab = dict(words)
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, f in vocab.items():
            for i in range(len(w) - 1):
                pairs[(w[i], w[i + 1])] += f
        if not pairs:
            break
        (best, f) = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))  # deterministic tie-break
        if f < min_freq:
            break
        merges.append(best)
        a, b = best
        nv = {}
        for w, fr in vocab.items():
            out, i = [], 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            nv[tuple(out)] = nv.get(tuple(out), 0) + fr
        vocab = nv
    return merges


def write_merges(merges, path):
    data = "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)
    with open(path, "wb") as f:  # fixed mtime for reproducible bytes
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(data.encode("utf-8"))


class ClipTokenizer:
    def __init__(self, merges_path, context_length=32, max_merges=None):
        lines = gzip.open(merges_path).read().decode("utf-8").split("\n")
        lines = [l for l in lines[1:] if l]
        if max_merges is not None:
            lines = lines[:max_merges]
        merges = [tuple(l.split()) for l in lines]
        self.byte_encoder = bytes_to_unicode()
        vocab = list(self.byte_encoder.values())
        vocab = vocab + [v + "</w>" for v in vocab]
        for m in merges:
            vocab.append("".join(m))
        vocab.extend([SOT, EOT])
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.decoder = {v: k for k, v in self.encoder.items()}
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {SOT: SOT, EOT: EOT}
        self.context_length = context_length
        self.sot = self.encoder[SOT]
        self.eot = self.encoder[EOT]
        self.vocab_size = len(vocab)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = get_pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        word = " ".join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        ids = []
        for tok in pre_tokens(text):
            ids.extend(self.encoder[b] for b in self.bpe(tok).split(" "))
        return ids

    def __call__(self, texts):
        """-> (ids int64 [n, L], mask bool [n, L]) as lists; pad 0, mask SOT..EOT, truncation keeps EOT last."""
        import numpy as np
        if isinstance(texts, str):
            texts = [texts]
        L = self.context_length
        ids = np.zeros((len(texts), L), dtype=np.int64)
        mask = np.zeros((len(texts), L), dtype=bool)
        for i, t in enumerate(texts):
            toks = [self.sot] + self.encode(t) + [self.eot]
            if len(toks) > L:
                toks = toks[:L]
                toks[-1] = self.eot
            ids[i, :len(toks)] = toks
            mask[i, :len(toks)] = True
        return ids, mask


if __name__ == "__main__":
    import world
    import time
    t0 = time.time()
    texts = world.corpus(20000, seed=123)
    m = learn_bpe(texts)
    print(len(m), "merges", time.time() - t0)
    write_merges(m, "/tmp/bpe.txt.gz")
    tok = ClipTokenizer("/tmp/bpe.txt.gz")
    lens = [len(tok.encode(t)) + 2 for t in texts]
    print("vocab", tok.vocab_size, "max len", max(lens), "mean", sum(lens) / len(lens))
    print(tok(["a small red circle in the top left corner", "top-left: tiny crimson disc on white", ""]))
