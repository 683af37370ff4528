"""Phone numbers in free text, in the national and international formats of given regions.

A regular expression proposes digit runs (with the usual separators); libphonenumber decides.
Trying every region's parser on every run would cost a tenth of a millisecond per region, so
each region is first screened with its own general number pattern after stripping its national
prefix, and only the plausible regions are parsed. A run that is not a number as a whole is
tried piece by piece (two numbers written next to each other, a number followed by a count).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

CANDIDATE = re.compile(r"(?<!\d)(?:\+|\(\+?)?\d(?:[\d \t\u00a0\u2009\u202f().\-/\u2010-\u2015]*\d)?")
DIGIT_GROUP = re.compile(r"\d+")
# Calendar dates and spans of years look like short numbers in many numbering plans; they are kept.
DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\2(?:19|20)\d\d"
    r"|(?:19|20)\d\d ?[-/\u2010-\u2015] ?(?:19|20)\d\d)(?!\d)"
)
INTERNATIONAL_PREFIXES = ("00", "011")
MIN_DIGITS, MAX_DIGITS = 4, 17
_CACHE_LIMIT = 200_000


class PhoneFinder:
    def __init__(self, regions: Iterable[str]):
        supported = phonenumbers.SUPPORTED_REGIONS
        self.regions = sorted({str(r).upper() for r in regions} & supported)
        self._screens = [_screen(region) for region in self.regions]
        self._known: dict[str, bool] = {}

    def spans(self, text: str) -> list[tuple[int, int]]:
        # Blank the dates out (same length, so positions hold) before looking for numbers.
        return self._candidates(DATE.sub(lambda m: "_" * len(m.group()), text))

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        found = []
        for match in CANDIDATE.finditer(text):
            groups = [(match.start() + g.start(), match.start() + g.end()) for g in DIGIT_GROUP.finditer(match.group())]
            found += self._within(text, match.start(), match.end(), groups)
        return found

    def _within(self, text: str, start: int, end: int, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not groups:
            return []
        start, end = _opening(text, start, groups[0][0]), groups[-1][1]
        if self.is_phone(text[start:end]):
            return [(start, end)]
        # Longest run of whole digit groups first, leftmost among equals; then what is left.
        for size in range(len(groups) - 1, 0, -1):
            for first in range(len(groups) - size + 1):
                piece = groups[first : first + size]
                piece_start = _opening(text, start, piece[0][0])
                if self.is_phone(text[piece_start : piece[-1][1]]):
                    return (
                        self._within(text, start, piece_start, groups[:first])
                        + [(piece_start, piece[-1][1])]
                        + self._within(text, piece[-1][1], end, groups[first + size :])
                    )
        return []

    def is_phone(self, candidate: str) -> bool:
        known = self._known.get(candidate)
        if known is None:
            if len(self._known) > _CACHE_LIMIT:
                self._known.clear()
            known = self._known[candidate] = self._decide(candidate)
        return known

    def _decide(self, candidate: str) -> bool:
        digits = "".join(DIGIT_GROUP.findall(candidate))
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            return False
        if candidate.lstrip("(").startswith("+"):
            return _valid(candidate, None)
        for prefix in INTERNATIONAL_PREFIXES:
            if digits.startswith(prefix) and _valid("+" + digits[len(prefix) :], None):
                return True
        for region, screen in zip(self.regions, self._screens):
            if screen(digits) and _valid(candidate, region):
                return True
        return False


def _opening(text: str, floor: int, position: int) -> int:
    # Keep a "+" or "(" written just before the first digit group.
    while position > floor and text[position - 1] in "+(":
        position -= 1
    return position


def _valid(candidate: str, region: str | None) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


def _screen(region: str):
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule or metadata.general_desc is None:
        return lambda digits: True
    general = re.compile(metadata.general_desc.national_number_pattern or r"\d+")
    prefix = metadata.national_prefix_for_parsing or metadata.national_prefix
    national = re.compile(prefix) if prefix else None

    def screen(digits: str) -> bool:
        if general.fullmatch(digits):
            return True
        stripped = national.match(digits) if national else None
        return bool(stripped and stripped.end() and general.fullmatch(digits[stripped.end() :]))

    return screen
