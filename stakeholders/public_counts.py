"""The public register's match counts, cached for a minute and forgotten whenever the registry changes.

Counting a name search over 100,000 stakeholders costs more than fetching its page of rows, and
the same searches come back again and again. A count is cached per set of filters (page and
sort aside) under a generation token; `forget` replaces the token, so every count cached before
it is out of reach at once, for every process that shares the cache (Redis when `REDIS_URL` is
set; per process otherwise, which is why several processes need Redis).

Forgetting is not left to each service function: any commit that wrote a stakeholder, their
multi-valued attributes or an organisation forgets (`core.generations`), so no write through the
app can leave a stale count behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, replace

from flask import Flask
from sqlmodel import Session

from core import generations
from core.extensions import cache
from stakeholders import registry_query
from stakeholders.models import Organisation, Stakeholder, StakeholderAttribute
from stakeholders.registry_query import RegistryFilters, Scope

TIMEOUT = 60  # seconds; forgetting keeps counts right, the timeout only bounds the memory they take
GENERATION = "registry-listing"
LISTING_MODELS = (Stakeholder, StakeholderAttribute, Organisation)

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


def forget() -> None:
    """Make every cached count unreachable (the current app's cache)."""
    generations.forget(GENERATION)


def _key(generation: str, filters: RegistryFilters, cap: int | None) -> str:
    counted = replace(filters, page=1, per_page=1, sort="name")  # what does not change the count
    digest = hashlib.sha256(repr((astuple(counted), cap)).encode()).hexdigest()[:32]
    return f"registry-public-count:{generation}:{digest}"
