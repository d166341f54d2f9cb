#!/usr/bin/env python3
"""Writes the tiny pack's known_words.txt: every word its captions are made of.

The tiny pack's text encoder was trained only on the captions of training/world.py, so a word
outside them ("avocado") means nothing to it. The studio warns about such words
(docs/model-packs.md, "Known words"); this script lists the words the world's captions use, from
its synonym tables and from many captions of every template, one lower-case word per line, sorted.
A word is a run of letters, as the studio splits prompts ("top-left" is "top" and "left").

Run from the repository root with Debian's Python (world.py needs numpy and PIL):

    /usr/bin/python3 tools/known_words.py            # writes models/tiny/known_words.txt
    /usr/bin/python3 tools/known_words.py --check    # fails when the file is out of date
"""

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
import world  # noqa: E402

import os  # noqa: E402

# the pack being built (training/common.py's PACK_DIR), models/tiny by default
OUT = Path(os.environ.get("PACK_DIR", ROOT / "models/tiny")) / "known_words.txt"
CAPTIONS = 50_000  # every template and synonym shows up thousands of times over
WORD = re.compile(r"[^\W\d_]+")  # letters only, like the studio's \p{L}+


def words_of(text):
    return WORD.findall(text.lower())


def known_words():
    words = set()
    tables = [world.COLOURS, world.SIZES, world.POSITIONS, world.BACKGROUNDS]
    for table in tables:
        for _value, phrases in table.values():
            for phrase in phrases:
                words.update(words_of(phrase))
    for phrases in world.SHAPES.values():
        for phrase in phrases:
            words.update(words_of(phrase))
    for caption in world.corpus(CAPTIONS, seed=0):
        words.update(words_of(caption))
    rng = random.Random(1)
    for _ in range(200):  # the canonical captions the evaluator uses, too
        words.update(words_of(world.canonical_caption(world.sample_scene(rng, "any"))))
    return sorted(words)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = "".join(word + "\n" for word in known_words())
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit(f"{OUT} is out of date: run tools/known_words.py")
        print(f"{OUT} is up to date")
        return
    OUT.write_text(text)
    print(f"wrote {len(text.splitlines())} words to {OUT}")


if __name__ == "__main__":
    main()
