#!/usr/bin/env python3
"""Derive freq.tsv and bigrams.tsv (data/ocr/) from clean, born-digital Danish minutes.

Usage: python3 data/ocr/derive_freq.py CLEAN.txt [CLEAN2.txt ...]

Crude cleaning only (the real cleaner lives elsewhere): blank lines dropped, a line
ending in '-' directly after a letter is joined to the next line when that starts with a
lower-case letter, URLs dropped. Words are runs of letters, lower-cased.
"""
import collections
import re
import sys

WORD = re.compile(r"[^\W\d_]+")


def clean(text):
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    out = []
    for line in lines:
        if out and re.search(r"[^\W\d_]-$", out[-1]) and re.match(r"\s*[a-zæøå]", line):
            out[-1] = out[-1][:-1] + line.lstrip()
        else:
            out.append(line)
    text = "\n".join(out)
    return re.sub(r"\S*(https?://|www\.)\S*", " ", text)


def main():
    uni = collections.Counter()
    bi = collections.Counter()
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = clean(f.read())
        # bigrams only inside a sentence-ish span (not across punctuation or lines)
        for span in re.split(r"[.,;:!?()\n\"”“–—]", text):
            words = [w.lower() for w in WORD.findall(span)]
            uni.update(words)
            bi.update(zip(words, words[1:]))
    with open("freq.tsv", "w", encoding="utf-8") as f:
        f.write("# word<TAB>count: lower-cased word frequencies of clean Danish minutes (see README.md)\n")
        for w, c in sorted(uni.items(), key=lambda x: (-x[1], x[0])):
            f.write(f"{w}\t{c}\n")
    with open("bigrams.tsv", "w", encoding="utf-8") as f:
        f.write("# word1<SPACE>word2<TAB>count: lower-cased adjacent word pairs of the same text\n")
        for (a, b), c in sorted(bi.items(), key=lambda x: (-x[1], x[0])):
            f.write(f"{a} {b}\t{c}\n")


if __name__ == "__main__":
    main()
