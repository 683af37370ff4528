"""The kinds of background work: domain packages register theirs, the worker looks them up by name.

A kind's `run(context)` does the work and returns the job's result (e.g. `context.save_result(...)`) or
None. It must leave nothing half-done if it is stopped at any point: it commits its domain writes once, at
the end (or its writes are idempotent), and calls `context.progress(...)` between steps, which is where a
cancel request stops it. Progress is written in a transaction of its own: report it before the work's
final writes, not while they are pending (on SQLite the pending writes hold the one write lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class JobFailed(Exception):
    """The work cannot be done, for a reason fit to show the job's owner (already in the job's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class JobCancelled(Exception):
    """Someone asked to cancel the job: the work stops at its next step and keeps nothing."""


class JobSuperseded(Exception):
    """This run no longer owns the job (it was presumed dead and retried): it stops and writes nothing."""


@dataclass(frozen=True)
class Kind:
    name: str
    title: Any  # a lazy string, translated where it is shown
    run: Callable[[Any], dict | None]  # run(JobContext) -> result


_KINDS: dict[str, Kind] = {}


def register(name: str, *, title, run: Callable[[Any], dict | None]) -> Kind:
    """Add a kind of work. Registering the same name twice is a mistake, unless it is the same function
    (a module imported again)."""
    existing = _KINDS.get(name)
    if existing is not None and existing.run is not run:
        raise ValueError(f"A job kind named {name!r} is already registered")
    kind = Kind(name=name, title=title, run=run)
    _KINDS[name] = kind
    return kind


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def unregister(name: str) -> None:
    """Remove a kind (tests register their own)."""
    _KINDS.pop(name, None)
