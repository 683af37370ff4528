"""Database engine and the per-request session.

One engine per application; one `Session` per request (or CLI command) kept on `g` and
closed at teardown, as in Flask's tutorial (a streamed body's: once sent, `stream_with_session`).
Services receive the session explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, current_app, g, stream_with_context
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 5000


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Every connection, not just the first: pragmas other than WAL are per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    if g.get("db_session_streamed"):
        return  # closed when the body is sent
    session = g.pop("db_session", None)
    if session is not None:
        _close(session, current_app.logger)


def _close(session: Session, logger) -> None:
    try:
        session.close()
    except exc.SQLAlchemyError as error:
        # The connection died after the request's work (PostgreSQL restarting): what was committed
        # stands, and the pool drops the connection. Raising here would turn a served reply into a 500.
        logger.warning("closing the database session failed: %s", error)


class _SessionStream:
    """A streamed body that closes the request's session when the server closes it, sent or not."""

    def __init__(self, body: Iterator[bytes], session: Session):
        self._body, self._session = body, session
        self._logger = current_app.logger  # closed by the server, outside the app's context

    def __iter__(self) -> Iterator[bytes]:
        return self._body

    def close(self) -> None:
        self._body.close()
        _close(self._session, self._logger)


def stream_with_session(body: Iterator[bytes]) -> _SessionStream:
    """`body`, to stream, reading through the request's context and session until its last chunk.

    Flask tears the app context down as the view returns, before a streamed body is read: the session
    closed there was opened again by the body's reads, with nothing left to close it, and its pooled
    connection stayed checked out, in a transaction, until the garbage collector came by."""
    session = get_session()
    g.db_session_streamed = True

    def kept_open() -> Iterator[bytes]:
        try:
            yield from body
        finally:
            g.pop("db_session_streamed", None)  # the teardown that follows closes the session

    return _SessionStream(stream_with_context(kept_open()), session)
