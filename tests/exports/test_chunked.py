"""A release's files and the tidy frame do not depend on how many rows the CSV writer and the frame's
reader take at a time (they work in chunks so that a million responses fit in memory)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from exports import service, writers
from exports.params import ReleaseParams
from surveys import frame as frame_module
from tests.exports.builders import closed_wave
from tests.factories import make_open_link, make_response
from tests.reading import read_csv, unzip

pytestmark = pytest.mark.usefixtures("backend")


def mixed_wave(session):
    """Twelve responses whose later ones leave free text, numbers and a date unanswered, one comment a formula."""
    wave = closed_wave(session)
    link = make_open_link(session, wave=wave, network="Young Ecologists")
    for i in range(12):
        answers = {"satisfied": "2" if i % 3 else "1", "roles": ["author", "user"] if i % 2 else ["reviewer"]}
        if i < 3:
            answers |= {"comments": ["=1+1", 'Said "yes", twice', "Línea\r\nدو"][i], "years": i - 1, "share": 0.5 * i}
            answers |= {"since": date(2020, 1, 1 + i)}
        make_response(session, wave, answers, link=link if i % 4 == 0 else None, commit=False)
    session.commit()
    return wave


def build_release(app, session, wave, chunk: int, monkeypatch) -> SimpleNamespace:
    monkeypatch.setattr(writers, "CSV_CHUNK", chunk)
    with app.app_context():
        release = service.export_release(
            session, ReleaseParams(wave_ids=(wave.id,), format="csv", k=3, free_text=True), actor_id=None
        )
    content = release.content
    session.delete(release)  # so the next call builds the release again instead of returning this one
    session.commit()
    return SimpleNamespace(content=content)


def test_a_release_is_the_same_bytes_whatever_the_csv_chunk(app, session, monkeypatch):
    # The pseudonym key and the catalogue's time are fixed, so two builds can be compared byte for byte.
    monkeypatch.setattr(service, "secrets", SimpleNamespace(token_bytes=lambda n: bytes(range(n))))
    monkeypatch.setattr(service, "utcnow", lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    wave = mixed_wave(session)

    whole = build_release(app, session, wave, 1_000_000, monkeypatch)
    chunked = build_release(app, session, wave, 5, monkeypatch)

    assert unzip(chunked) == unzip(whole)
    assert chunked.content == whole.content
    rows = read_csv(unzip(chunked)["data.csv"])
    assert len(rows) == 12
    assert "'=1+1" in {row["comments"] for row in rows}  # neutralised in the first chunk as before


def test_a_column_empty_in_a_later_chunk_is_written_as_in_one_pass(monkeypatch):
    table = pd.DataFrame(
        {
            "text": pd.Series(["=SUM(A1)", "b", None, None, None, None], dtype=object),  # as a release holds text
            "numbers": pd.Series([1, 2, None, None, None, None], dtype=object),
            "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "share": [0.5, np.nan, 1.0, 2.25, 3.0, 1e20],
            "group": pd.Categorical(["x", None, "y", "x", "x", "y"]),
            "@name": ["a", "b", "c", "d", "e", "f"],
        }
    )
    one_pass = writers.to_csv(table)
    monkeypatch.setattr(writers, "CSV_CHUNK", 2)
    chunked = writers.to_csv(table)

    assert chunked == one_pass
    assert chunked.decode("utf-8-sig").splitlines()[:3] == [
        '"text","numbers","count","share","group","\'@name"',
        '"\'=SUM(A1)",1,1,0.5,"x","a"',
        '"b",2,,,,"b"',
    ]


def test_the_frame_read_in_chunks_is_the_frame_read_at_once(session, monkeypatch):
    wave = mixed_wave(session)  # open-link respondents (with a network) only in some chunks
    whole = frame_module.responses_frame(session, [wave.id])
    monkeypatch.setattr(frame_module, "RESPONSE_CHUNK", 3)
    chunked = frame_module.responses_frame(session, [wave.id])

    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)
    assert list(chunked["network"].cat.categories) == ["Young Ecologists"]
    assert chunked["network"].notna().sum() == 3
