"""Scrubbing free-text answers before they leave the platform.

Emails, URLs, phone numbers and every name and organisation name known to the registry are
replaced by placeholders. All of them are looked for in the original text; overlapping finds
are merged into one placeholder (the longest find names it), so a name inside an email address
or a number inside a URL leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analysis.disclosure.names import NameIndex
from analysis.disclosure.phones import PhoneFinder

EMAIL, URL, PHONE, NAME, ORGANISATION = "[email]", "[url]", "[phone]", "[name]", "[organisation]"
PLACEHOLDERS = (EMAIL, URL, PHONE, NAME, ORGANISATION)

EMAIL_PATTERN = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+\s*(?:[@\uff20]|\(at\)|\[at\])\s*[\w-]+(?:\.[\w-]+)+")
URL_PATTERN = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}'\""


@dataclass
class Scrubber:
    names: Iterable[str]  # people's full names and family names from the registry
    organisations: Iterable[str]  # organisation names
    phone_regions: Iterable[str]  # ISO 3166 alpha-2 codes of the registry's countries
    _names: NameIndex = field(init=False, repr=False)
    _phones: PhoneFinder = field(init=False, repr=False)

    def __post_init__(self):
        self.names = tuple(self.names)
        self.organisations = tuple(self.organisations)
        self.phone_regions = tuple(self.phone_regions)
        # A string that is both a person's and an organisation's name is reported as a name.
        labelled = [(o, ORGANISATION) for o in self.organisations] + [(n, NAME) for n in self.names]
        self._names = NameIndex(labelled)
        self._phones = PhoneFinder(self.phone_regions)

    def scrub(self, text: str | None) -> str | None:
        """The text with emails, URLs, phones, names and organisations replaced by placeholders."""
        if text is None:
            return None
        return self._scrub(text)[0]

    def scrub_series(self, series: pd.Series) -> tuple[pd.Series, dict[str, int]]:
        """Scrubbed texts (missing stays missing, other values are scrubbed as text) and the number
        of replacements per placeholder."""
        counts = dict.fromkeys(PLACEHOLDERS, 0)
        out = []
        for value in series.tolist():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                out.append(None)
                continue
            text, labels = self._scrub(str(value))
            for label in labels:
                counts[label] += 1
            out.append(text)
        return pd.Series(out, index=series.index, name=series.name, dtype=object), counts

    def _scrub(self, text: str) -> tuple[str, list[str]]:
        spans = [(m.start(), m.end(), EMAIL) for m in EMAIL_PATTERN.finditer(text)]
        spans += [(m.start(), m.end() - _trailing(m.group()), URL) for m in URL_PATTERN.finditer(text)]
        spans += [(start, end, PHONE) for start, end in self._phones.spans(text)]
        spans += self._names.spans(text)
        merged = _merge(spans)
        pieces, cursor = [], 0
        for start, end, label in merged:
            pieces += [text[cursor:start], label]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces), [label for _, _, label in merged]


def _trailing(url: str) -> int:
    return len(url) - len(url.rstrip(_URL_TAIL))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Union of overlapping spans, each named by its longest member (earlier kind on ties)."""
    rank = {label: i for i, label in enumerate(PLACEHOLDERS)}
    merged: list[list] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1], rank[s[2]])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end - start > last[3]:
                last[2], last[3] = label, end - start
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, label, end - start])
    return [(start, end, label) for start, end, label, _ in merged]
