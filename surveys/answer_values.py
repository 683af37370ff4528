"""Answers as a form posts them (*raw*) and as expressions and storage see them (*typed*), by question type.

`clean_raw` normalises what a browser posted (the draft keeps it); `to_typed` converts it, None when it is
not a valid answer of its type. Plain functions over a Question: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from core.text import clean_label, strip_control
from surveys.definition import Question

Raw = str | list[str]

_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_COORDINATE = re.compile(r"^[+-]?\d{1,3}(\.\d{1,10})?$")
RANGE_DEFAULTS = {"start": 1.0, "end": 10.0, "step": 1.0}  # pyxform's, when parameters leave one out
# A line (geotrace) needs two points at least; an area (geoshape) three distinct ones, closed as ODK stores it.
LINE_TYPES = {"geotrace": 2, "geoshape": 3}
MAX_POINTS = 1000
_POINT_SEPARATOR = re.compile(r"[;\n]+")
_IN_POINT = re.compile(r"\s*,\s*|\s+")


def clean_raw(question: Question, posted: Raw | None) -> Raw | None:
    """A posted value as the draft keeps it; None when left empty. Control characters other
    than tab, CR and LF are dropped (the request layer already does so for every form), and the
    text is normalised as every label and code is (`core.text.clean_label`: NFC, no spaces,
    non-breaking ones included, at either end), so "male\u00a0" is the choice "male"."""
    if question.type == "select_multiple":
        items = posted if isinstance(posted, list) else ([posted] if posted else [])
        chosen = [item for item in dict.fromkeys(clean_label(strip_control(str(i))) for i in items) if item]
        return chosen or None
    if question.type == "rank":  # "POSITION CHOICE" from each choice's field, in order of position
        items = posted if isinstance(posted, list) else ([posted] if posted else [])
        return sorted_ranks([clean_label(strip_control(str(item))) for item in items]) or None
    if question.type == "geopoint" and isinstance(posted, list):  # the latitude and longitude fields
        parts = [clean_label(strip_control(str(part))).replace(",", ".") for part in posted]
        return " ".join(parts) if any(parts) else None
    if isinstance(posted, list):
        posted = posted[0] if posted else None
    if question.type in LINE_TYPES:  # one point a line: the lines are kept as typed
        text = "\n".join(clean_label(line) for line in strip_control(posted or "").splitlines())
        return text.strip() or None
    text = clean_label(strip_control(posted or ""))
    return text or None


def to_typed(question: Question, raw: Raw | None):
    """The typed value of a raw one (None when empty or not convertible)."""
    if raw is None or raw == [] or raw == "":
        return None
    kind = question.type
    try:
        if kind == "select_multiple":
            return list(raw) if isinstance(raw, list) else raw.split()
        if kind == "rank":
            return ranked(raw)
        text = raw if isinstance(raw, str) else " ".join(raw)
        if kind == "integer":
            return int(text) if _INTEGER.match(text) else None
        if kind == "decimal":
            number = Decimal(text.replace(",", "."))
            return float(number) if number.is_finite() else None
        if kind == "date":
            return date.fromisoformat(text)
        if kind in ("time", "datetime", "range", "geopoint", "acknowledge"):
            return _typed_other(kind, text)
        if kind in LINE_TYPES:
            return points(kind, text)
    except (ValueError, InvalidOperation):
        return None
    return text


def _typed_other(kind: str, text: str):
    """time "14:30", datetime "2026-03-31T14:30", acknowledge "OK", range a number, geopoint "lat lon"."""
    if kind == "time":
        return text if _TIME.match(text) else None
    if kind == "datetime":
        return datetime.fromisoformat(text).replace(tzinfo=None).isoformat(timespec="minutes")
    if kind == "acknowledge":
        return "OK" if text == "OK" else None
    if kind == "range":
        number = Decimal(text.replace(",", "."))
        return float(number) if number.is_finite() else None
    return _point(text.split())


def _point(parts: list[str]) -> str | None:
    """ "lat lon" of a point's numbers (ODK's altitude and accuracy, when given, are dropped); None unless a
    latitude within ±90 and a longitude within ±180 in decimal degrees."""
    if len(parts) not in (2, 4) or not all(_COORDINATE.match(part) for part in parts[:2]):
        return None
    latitude, longitude = (float(part) for part in parts[:2])
    return f"{parts[0]} {parts[1]}" if abs(latitude) <= 90 and abs(longitude) <= 180 else None


def points(kind: str, text: str) -> str | None:
    """A geotrace or geoshape typed as points, one a line (or separated by `;`), each `lat lon` or
    `lat, lon`: stored as ODK writes them, `lat lon;lat lon;...`, an area closed by its first point
    again. None when a point is not one, or there are too few (two for a line, three for an area)."""
    found = []
    for chunk in _POINT_SEPARATOR.split(text):
        if chunk.strip():
            point = _point(_IN_POINT.split(chunk.strip()))
            if point is None:
                return None
            found.append(point)
    if kind == "geoshape" and len(found) > 1 and found[0] == found[-1]:
        found.pop()  # closed as typed: counted once
    if not LINE_TYPES[kind] <= len(set(found)) or len(found) > MAX_POINTS:
        return None
    return ";".join([*found, found[0]] if kind == "geoshape" else found)


def range_bounds(question: Question) -> dict[str, float]:
    """A range's start, end and step (its parameters, pyxform's defaults for those not given)."""
    found = dict(RANGE_DEFAULTS)
    for item in question.parameters.split():
        name, _, value = item.partition("=")
        if name in found:
            try:
                found[name] = float(value)
            except ValueError:
                pass  # pyxform refuses such a form on import
    return found


def in_range(question: Question, value: float) -> bool:
    bounds = range_bounds(question)
    low, high = sorted((bounds["start"], bounds["end"]))
    steps = (value - bounds["start"]) / bounds["step"] if bounds["step"] else 0
    return low <= value <= high and abs(steps - round(steps)) < 1e-9


def _rank_item(item: str) -> tuple[int, str] | None:
    position, _, choice = item.partition(" ")
    return (int(position), choice) if position.isdigit() and choice and " " not in choice else None


def sorted_ranks(items: list[str]) -> list[str]:
    """A rank's posted "POSITION CHOICE" items, those given, by position (as typed: checked by `ranked`)."""
    given = [item for item in items if item]
    return sorted(given, key=lambda item: (_rank_item(item) or (10**9, item))[0])


def ranked(raw: Raw) -> list[str] | None:
    """A rank's choices in order: from its stored value ("first second third", as ODK keeps it) or from posted
    "POSITION CHOICE" items whose positions are 1, 2, 3... each once (None otherwise)."""
    if isinstance(raw, str):
        return raw.split() or None
    items = [_rank_item(item) for item in raw]
    if not items or None in items:
        return None
    positions, choices = [p for p, _ in items], [c for _, c in items]
    if sorted(positions) != list(range(1, len(items) + 1)) or len(set(choices)) != len(choices):
        return None
    return [choice for _, choice in sorted(items)]


def rank_positions(raw: Raw | None) -> dict[str, int]:
    """choice -> its position, for a rank's fields (from a stored order or the items as posted)."""
    if isinstance(raw, str):
        return {choice: number for number, choice in enumerate(raw.split(), start=1)}
    items = [_rank_item(item) for item in raw or []]
    return {choice: position for position, choice in (item for item in items if item)}
