"""Generation tokens: cached results filed under a token that any commit touching their tables replaces.

A cache entry's key carries the current token of the data it was computed from (`token(name)`);
`forget(name)` replaces the token, so every entry filed before it is out of reach at once, for
every process that shares the app's cache (Redis when `REDIS_URL` is set; per process otherwise).

Forgetting is not left to each service function: `watch(name, models)` declares which tables a
name depends on, and any commit that wrote one of them, through the ORM or a bulk
UPDATE/DELETE/INSERT, forgets that name (`_after_commit`), so no write through the app can leave
a stale entry behind. Sessions opened outside a request (CLI, tests) forget too: the app is
found by the session's engine.
"""

from __future__ import annotations

import secrets
import weakref

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlmodel import Session

from core.extensions import cache

_WATCHED: dict[str, tuple[type, ...]] = {}
_STALE = "generations_stale"
_apps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch(name: str, models: tuple[type, ...]) -> None:
    """Forget `name` whenever a commit writes one of `models` (adds to what is already watched)."""
    _WATCHED[name] = tuple(dict.fromkeys(_WATCHED.get(name, ()) + tuple(models)))


def init_app(app: Flask) -> None:
    _apps[app.extensions["db_engine"]] = app


def _key(name: str) -> str:
    return f"generation:{name}"


def token(name: str) -> str:
    """The current token of `name` in the current app's cache."""
    value = cache.get(_key(name))
    if value is None:
        cache.add(_key(name), secrets.token_hex(8), timeout=0)  # the first process to add it wins
        value = cache.get(_key(name)) or "none"
    return value


def forget(*names: str) -> None:
    for name in names:
        cache.set(_key(name), secrets.token_hex(8), timeout=0)


def _names_touched(objects) -> set[str]:
    return {name for name, models in _WATCHED.items() for obj in objects if isinstance(obj, models)}


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    touched = _names_touched(session.new) | _names_touched(session.dirty) | _names_touched(session.deleted)
    if touched:
        session.info.setdefault(_STALE, set()).update(touched)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    touched = {name for name, models in _WATCHED.items() if issubclass(model, models)}
    if touched:
        state.session.info.setdefault(_STALE, set()).update(touched)


# A rolled-back write leaves the mark for the next commit: forgetting once too often is harmless.
@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    names = session.info.pop(_STALE, None)
    if not names:
        return
    bind = session.get_bind()
    if has_app_context() and current_app.extensions.get("db_engine") is bind:
        forget(*sorted(names))
        return
    app = _apps.get(bind)
    if app is not None:
        with app.app_context():
            forget(*sorted(names))
