"""The public register's match counts and pages of ids, cached for a minute and forgotten whenever
the registry changes.

Counting a name search over 100,000 stakeholders costs more than fetching its page of rows, and
the same searches come back again and again. A count is cached per set of filters (page and
sort aside), and a page's ids per set of filters with its page and sort (a sort over every listed
person, by organisation or category, costs 50 to 90 ms), under a generation token; `forget`
replaces the token, so everything cached before it is out of reach at once, for every process
that shares the cache (Redis when `REDIS_URL` is set; per process otherwise, which is why several
processes need Redis).

Forgetting is not left to each service function: any commit that wrote a stakeholder, their
multi-valued attributes, an organisation or a country (the regional group filter reads it)
forgets (`core.generations`), so no write through the app can leave a stale count or page behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, replace

from flask import Flask
from sqlmodel import Session

from core import generations
from core.extensions import cache
from core.reference.models import Country
from stakeholders import registry_query
from stakeholders.models import Organisation, Stakeholder, StakeholderAttribute
from stakeholders.registry_query import RegistryFilters, Scope

TIMEOUT = 60  # seconds; forgetting keeps counts right, the timeout only bounds the memory they take
GENERATION = "registry-listing"
LISTING_MODELS = (Stakeholder, StakeholderAttribute, Organisation, Country)

generations.watch(GENERATION, LISTING_MODELS)


def init_app(app: Flask) -> None:
    generations.init_app(app)


def count(session: Session, filters: RegistryFilters, cap: int | None = None) -> int:
    """How many stakeholders the public register finds for these filters; with `cap`, at most
    `cap + 1` (`registry_query.count`)."""
    # The generation is read before the database: a count made while a write commits is filed
    # under the generation that write replaces, so nobody reads it afterwards.
    key = _key(generations.token(GENERATION), filters, cap)
    total = cache.get(key)
    if total is None:
        total = registry_query.count(session, filters, Scope.PUBLIC, cap=cap)
        cache.set(key, total, timeout=TIMEOUT)
    return total


def page_ids(session: Session, filters: RegistryFilters, lookahead: int = 0) -> list[int]:
    """The ids of the public register's page of rows for these filters, in order
    (`registry_query.page_ids`); their names and columns are read afresh by the caller."""
    key = f"registry-public-page:{_digest(generations.token(GENERATION), filters, lookahead)}"
    ids = cache.get(key)
    if ids is None:
        ids = registry_query.page_ids(session, filters, Scope.PUBLIC, lookahead=lookahead)
        cache.set(key, ids, timeout=TIMEOUT)
    return ids


def forget() -> None:
    """Make every cached count unreachable (the current app's cache)."""
    generations.forget(GENERATION)


def _key(generation: str, filters: RegistryFilters, cap: int | None) -> str:
    counted = replace(filters, page=1, per_page=1, sort="name")  # what does not change the count
    return f"registry-public-count:{_digest(generation, counted, cap)}"


def _digest(generation: str, filters: RegistryFilters, extra) -> str:
    return f"{generation}:{hashlib.sha256(repr((astuple(filters), extra)).encode()).hexdigest()[:32]}"
