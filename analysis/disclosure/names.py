"""Finding known names in text whatever their case, accents or script.

Text and names are folded alike (NFKD, combining marks and format characters dropped,
casefolded, a few Arabic letter variants merged) and cut into tokens: runs of letters and
digits for scripts that separate words, one character per token for scripts that do not
(Chinese, Japanese, Korean, Thai and neighbours), so a name in those scripts is found inside a
longer run. A name is a tuple of tokens looked up in a set, longest first, which stays fast
with a hundred thousand names where one alternation regex would not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
TOKEN = re.compile(f"[{_UNSPACED}]|[^\\W_{_UNSPACED}]+")
_ARABIC_LETTERS = {"\u0649": "\u064a", "\u0629": "\u0647"}  # alef maksura -> ya, ta marbuta -> ha
_ARABIC_PROCLITICS = "\u0648\u0641\u0628\u0644\u0643"  # wa, fa, bi, li, ka written onto the next word
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
MIN_LENGTH = 2  # a lone initial or a one-character name would hit common words and characters


@lru_cache(maxsize=65536)
def fold_character(character: str) -> str:
    kept = []
    for part in unicodedata.normalize("NFKD", character):
        if unicodedata.category(part) in ("Mn", "Me", "Cf") or part == "\u0640":  # marks, tatweel
            continue
        kept.append(_ARABIC_LETTERS.get(part, part))
    return "".join(kept).casefold()


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """Folded text, and for each folded character where it starts and ends in the original."""
    if text.isascii():
        positions = list(range(len(text)))
        return text.lower(), positions, [p + 1 for p in positions]
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, character in enumerate(text):
        out = fold_character(character)
        if not out:
            if ends:  # a dropped mark belongs to the character before it
                ends[-1] = index + 1
            continue
        folded.append(out)
        starts += [index] * len(out)
        ends += [index + 1] * len(out)
    return "".join(folded), starts, ends


def tokens(text: str) -> list[str]:
    return TOKEN.findall(fold(text)[0])


class NameIndex:
    def __init__(self, labelled: Iterable[tuple[str, str]]):
        self.table: dict[tuple[str, ...], str] = {}
        self.longest: dict[str, int] = {}
        for name, label in labelled:
            key = tuple(tokens(name)) if isinstance(name, str) else ()
            if not key or sum(map(len, key)) < MIN_LENGTH:
                continue
            self.table[key] = label
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        if not self.table:
            return []
        folded, starts, ends = fold(text)
        found = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(folded)]
        words = [word for _, _, word in found]
        spans = []
        i = 0
        while i < len(words):
            hit = self._longest_at(words, i)
            if hit:
                size, label = hit
                spans.append((starts[found[i][0]], ends[found[i + size - 1][1] - 1], label))
                i += size
            else:
                i += 1
        return spans

    def _longest_at(self, words: list[str], i: int) -> tuple[int, str] | None:
        first = words[i]
        variants = [first]
        if len(first) > 2 and first[0] in _ARABIC_PROCLITICS and _ARABIC.match(first):
            variants.append(first[1:])
        for variant in variants:
            for size in range(min(self.longest.get(variant, 0), len(words) - i), 0, -1):
                label = self.table.get((variant, *words[i + 1 : i + size]))
                if label is not None:
                    return size, label
        return None
