"""Reading back what the app wrote or showed: row counts, page text, translations, release files."""

from __future__ import annotations

import csv
import io
import zipfile

from flask_babel import force_locale, gettext
from sqlmodel import func, select

SUPPRESSED = "-8"  # what a release writes in a cell it hides (the sdcMicro convention)


def row_count(session, model) -> int:
    """Rows of `model` in the database now (what other sessions committed included)."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def page_text(response) -> str:
    return response.get_data(as_text=True)


def translated(app, lang: str, text: str) -> str:
    """`text` as the interface shows it in `lang`."""
    with app.test_request_context(), force_locale(lang):
        return gettext(text)


def unzip(release) -> dict[str, bytes]:
    """The files of a release's zip archive, by name."""
    with zipfile.ZipFile(io.BytesIO(release.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read_csv(content: bytes) -> list[dict]:
    """The records of a CSV file as a spreadsheet reads it (a byte order mark is skipped)."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def smallest_group(rows: list[dict], quasi: list[str]) -> int:
    """For each record, how many records of its wave match it on every quasi-identifier where
    neither is suppressed (the sdcMicro convention), counted pair by pair: the smallest such number."""

    def matches(a, b):
        return a["wave_id"] == b["wave_id"] and all(a[v] == b[v] or SUPPRESSED in (a[v], b[v]) for v in quasi)

    return min(sum(matches(row, other) for other in rows) for row in rows)
