"""Sorting words as a reader of their language expects: the Unicode Collation Algorithm.

`pyuca` applies the root collation of the Unicode Collation Algorithm (the Default Unicode
Collation Element Table): accents and case count only after the letters, so "Côte d'Ivoire" comes
before "Croatia" and "Allemagne" before "Géorgie". PyICU, which would add each language's own
tailoring (Chinese by pinyin, Spanish "ñ" after "n"), has no wheels on PyPI; the root order is the
same for most of the six languages' lists, and Chinese names sort by code point within it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from pyuca import Collator

T = TypeVar("T")


@cache
def _collator() -> Collator:
    # The table is loaded once per process (it is read-only).
    return Collator()


def sort_key(locale: str | None = None) -> Callable[[str], tuple]:
    """A key that sorts text in `locale`'s order (today the root order for every language)."""
    del locale  # kept so callers say whose order they want, for a tailored collator later
    key = _collator().sort_key
    return lambda text: key(str(text))


def sorted_by_label(pairs: Iterable[tuple[T, object]], locale: str | None = None) -> list[tuple[T, object]]:
    """(value, label) pairs sorted by their labels in the reader's order."""
    key = sort_key(locale)
    return sorted(pairs, key=lambda pair: key(pair[1]))
