"""The public register's match counts, cached for a minute and forgotten whenever the registry changes.

Counting a name search over 100,000 stakeholders costs more than fetching its page of rows, and
the same searches come back again and again. A count is cached per set of filters (page and
sort aside) under a generation token; `forget` replaces the token, so every count cached before
it is out of reach at once, for every process that shares the cache (Redis when `REDIS_URL` is
set; per process otherwise, which is why several processes need Redis).

Forgetting is not left to each service function: any commit that wrote a stakeholder, their
multi-valued attributes or an organisation, through the ORM or a bulk UPDATE/DELETE/INSERT,
forgets (`_after_commit`), so no write through the app can leave a stale count behind.
"""
from __future__ import annotations

import hashlib
import secrets
import weakref
from dataclasses import astuple, replace

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlmodel import Session

from core.extensions import cache
from stakeholders import registry_query
from stakeholders.models import Organisation, Stakeholder, StakeholderAttribute
from stakeholders.registry_query import RegistryFilters, Scope

TIMEOUT = 60  # seconds; forgetting keeps counts right, the timeout only bounds the memory they take
GENERATION_KEY = "registry-public-count:generation"
LISTING_MODELS = (Stakeholder, StakeholderAttribute, Organisation)
_STALE = "registry_public_counts_stale"

# The app whose cache to clear, by engine: sessions opened outside a request (CLI, tests) forget too.
_apps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def init_app(app: Flask) -> None:
    _apps[app.extensions["db_engine"]] = app


def count(session: Session, filters: RegistryFilters) -> int:
    """How many stakeholders the public register finds for these filters."""
    # The generation is read before the database: a count made while a write commits is filed
    # under the generation that write replaces, so nobody reads it afterwards.
    key = _key(_generation(), filters)
    total = cache.get(key)
    if total is None:
        total = registry_query.count(session, filters, Scope.PUBLIC)
        cache.set(key, total, timeout=TIMEOUT)
    return total


def forget() -> None:
    """Make every cached count unreachable (the current app's cache)."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=0)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=0)  # the first process to add it wins
        generation = cache.get(GENERATION_KEY) or "none"
    return generation


def _key(generation: str, filters: RegistryFilters) -> str:
    counted = replace(filters, page=1, per_page=1, sort="name")  # what does not change the count
    digest = hashlib.sha256(repr(astuple(counted)).encode()).hexdigest()[:32]
    return f"registry-public-count:{generation}:{digest}"


# --- forgetting on every commit that changed the listing --------------------------------------


def _touches_listing(objects) -> bool:
    return any(isinstance(obj, LISTING_MODELS) for obj in objects)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    if _touches_listing(session.new) or _touches_listing(session.dirty) or _touches_listing(session.deleted):
        session.info[_STALE] = True


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None \
            and issubclass(state.bind_mapper.class_, LISTING_MODELS):
        state.session.info[_STALE] = True


# A rolled-back write leaves the mark for the next commit: forgetting once too often is harmless.
@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if not session.info.pop(_STALE, False):
        return
    bind = session.get_bind()
    if has_app_context() and current_app.extensions.get("db_engine") is bind:
        forget()
        return
    app = _apps.get(bind)
    if app is not None:
        with app.app_context():
            forget()

