"""The dashboard's state as a URL query string, so any view can be shared as a link.

`Filters.parse` reads a query string without ever failing (unknown or malformed values are
dropped); `Filters.query` writes back only what differs from the defaults. `within(scope)` is the
one place where a focal point's filters are pinned to their own country, whatever the URL says.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from urllib.parse import parse_qs, urlencode

from dashboards.scope import Scope

DIMENSIONS = ("regional_group", "country", "category", "gender", "knowledge_system")
BREAKDOWNS = ("regional_group", "country", "category", "gender", "language")
MAP_MEASURES = ("registered", "respondents", "participants")


@dataclass(frozen=True)
class Filters:
    wave: int | None = None  # the wave the page is about (latest with responses when None)
    regional_group: str | None = None
    country: str | None = None
    category: str | None = None
    gender: str | None = None
    knowledge_system: str | None = None
    # survey explorer
    waves: tuple[int, ...] = field(default_factory=tuple)  # waves compared side by side
    question: str | None = None
    breakdown: str | None = None
    weighted: bool = True
    # map
    measure: str = "registered"
    per_capita: bool = False

    @classmethod
    def parse(cls, search: str | None) -> Filters:
        values = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

        def one(name: str) -> str | None:
            found = values.get(name)
            text = found[-1].strip() if found else ""
            return text[:64] or None

        def integer(text: str | None) -> int | None:
            return int(text) if text and text.isdigit() and len(text) < 10 else None

        waves = tuple(dict.fromkeys(w for w in (integer(v) for v in values.get("waves", [])) if w is not None))
        country = one("country")
        breakdown = one("breakdown")
        measure = one("measure")
        return cls(
            wave=integer(one("wave")),
            regional_group=one("regional_group"),
            country=country.upper() if country and len(country) == 2 and country.isalpha() else None,
            category=one("category"),
            gender=one("gender"),
            knowledge_system=one("knowledge_system"),
            waves=waves[:6],
            question=one("question"),
            breakdown=breakdown if breakdown in BREAKDOWNS else None,
            weighted=one("weighted") != "0",
            measure=measure if measure in MAP_MEASURES else "registered",
            per_capita=one("per_capita") == "1",
        )

    def query(self) -> str:
        """The query string (with its leading "?", or "" when everything is default)."""
        pairs: list[tuple[str, str]] = []
        default = Filters()
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value == getattr(default, spec.name):
                continue
            if spec.name == "waves":
                pairs += [("waves", str(w)) for w in value]
            elif isinstance(value, bool):
                pairs.append((spec.name, "1" if value else "0"))
            else:
                pairs.append((spec.name, str(value)))
        return "?" + urlencode(pairs) if pairs else ""

    def within(self, scope: Scope) -> Filters:
        """The filters a user may apply: a focal point always looks at their own country."""
        if scope.country is None:
            return self
        return replace(self, country=scope.country, regional_group=None)

    def population(self) -> dict[str, str]:
        """The dimension filters that are set: dimension -> code."""
        return {name: getattr(self, name) for name in DIMENSIONS if getattr(self, name)}
