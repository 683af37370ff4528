"""One clock for the whole platform: aware UTC datetimes.

SQLModel's `UTCDateTime` stores them on both databases and reads them back in UTC;
Flask-Babel's formatters convert them to the reader's time zone for display.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
