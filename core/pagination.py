"""Page arithmetic shared by every paginated list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def requested_page() -> int:
    """The `page` query argument, clamped to a positive integer."""
    return max(1, request.args.get("page", 1, type=int) or 1)
