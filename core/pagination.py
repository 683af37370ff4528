"""Page arithmetic shared by every paginated list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

# No list has this many pages; a larger number would overflow the database's OFFSET.
MAX_PAGE = 1_000_000
MAX_ID = 2**31 - 1  # the largest id an integer column holds on every backend


@dataclass(frozen=True)
class Page:
    """One page of a list. With `cap`, `total` was counted only up to `cap + 1`: past the cap the
    list says "more than `cap`", the number of pages is unknown, and `more` (whether rows follow
    this page) decides the next link."""

    items: list
    total: int
    number: int
    per_page: int
    cap: int | None = None
    more: bool = False

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.total > self.cap

    @property
    def pages(self) -> int:
        if self.capped:  # as many as are known: this one, and the next when rows follow
            return self.number + self.more
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.capped else self.number < self.pages


def clamp_page(number: int | None) -> int:
    """A page number within 1..MAX_PAGE (beyond the last page is an empty page, not an error)."""
    return min(MAX_PAGE, max(1, number or 1))


def requested_page() -> int:
    """The `page` query argument, clamped to 1..MAX_PAGE."""
    return clamp_page(request.args.get("page", 1, type=int))
