"""`flask surveys import-responses`: what it reads, proposes and refuses, and what it stores."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from surveys.models import Response, ResponseImport
from tests import factories

HEADER = (
    "Email,Country,Your roles,Years of involvement,Did you engage with IPBES?,"
    "It is clear how to engage,Processes are transparent,Comments\n"
)
FIRST = "a@x.org,Kenya,Author,5,Yes,Agree,Disagree,fine\n"
SECOND = ",Côte d'Ivoire,User,3,Yes,Strongly agree,Neutral,ok\n"
GOOD = FIRST + SECOND
BAD = ",France,Reviewer,70,No,,,\n"  # row 3: 70 years breaks the question's rule


@pytest.fixture
def wave(session):
    return factories.make_wave(
        session, name="Annual survey 2019", year=2019, status="closed", opens_in_days=-400, closes_in_days=-370
    )


def _file(tmp_path, text, name="past.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _imported(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Response).where(Response.import_id.is_not(None))).one()


def test_a_dry_run_states_the_file_the_mapping_and_each_problem_and_stores_nothing(runner, session, wave, tmp_path):
    path = _file(tmp_path, HEADER + FIRST + BAD + SECOND, encoding="cp1252")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "CSV, cp1252, delimiter ','" in result.output
    assert "Shape: plain; 3 rows, 8 columns" in result.output
    assert "'Years of involvement' -> question years" in result.output
    assert "Rows accepted: 2; rows refused: 1." in result.output
    assert "Row 3, column 'Years of involvement'" in result.output
    assert "Dry run: nothing was stored." in result.output
    assert _imported(session) == 0


def test_a_refused_row_stores_nothing_unless_refused_rows_are_left_out(runner, session, wave, tmp_path):
    path = _file(tmp_path, HEADER + GOOD + BAD)
    result = runner.invoke(args=["surveys", "import-responses", "Annual survey 2019", str(path)])
    assert result.exit_code != 0
    assert "1 rows are refused: nothing was stored" in result.output
    assert _imported(session) == 0
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--leave-out-refused"])
    assert result.exit_code == 0, result.output
    assert "Stored 2 responses in Annual survey 2019" in result.output
    assert "1 refused rows left out" in result.output
    assert _imported(session) == 2
    record = session.exec(select(ResponseImport)).one()
    assert (record.file_name, record.rows_stored, record.rows_left_out) == ("past.csv", 2, 1)


def test_a_mapping_file_is_written_read_back_and_kept_for_the_next_file(runner, session, wave, tmp_path):
    path = _file(tmp_path, HEADER + GOOD)
    saved = tmp_path / "mapping.json"
    result = runner.invoke(
        args=["surveys", "import-responses", str(wave.id), str(path), "--dry-run", "--save-mapping", str(saved)]
    )
    assert result.exit_code == 0, result.output
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    mapping["columns"]["Comments"] = {"kind": "ignore", "question": None, "choice": None, "field": None}
    saved.write_text(json.dumps(mapping), encoding="utf-8")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--mapping", str(saved)])
    assert result.exit_code == 0, result.output
    assert "Column mapping (from the mapping file)" in result.output
    assert "'Comments' -> ignore" in result.output
    # The next file of the same shape is offered the mapping used.
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--dry-run"])
    assert "Column mapping (kept for files of this shape)" in result.output
    assert "'Comments' -> ignore" in result.output


def test_an_unreadable_file_or_an_unknown_wave_is_a_clear_error(runner, wave, tmp_path):
    empty = _file(tmp_path, "")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(empty)])
    assert result.exit_code != 0 and "past.csv cannot be read" in result.output
    result = runner.invoke(args=["surveys", "import-responses", "No such wave", str(empty)])
    assert result.exit_code != 0 and "No wave 'No such wave'" in result.output


def test_the_time_of_each_response_comes_from_the_file_when_it_has_one(runner, session, wave, tmp_path):
    path = _file(
        tmp_path,
        "submitdate," + HEADER + "2019-05-02 10:30:00," + FIRST + "05/03/2019 04:15:00 PM," + SECOND + "," + FIRST,
    )
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "'submitdate' -> submitted_at" in result.output
    session.expire_all()
    times = session.exec(select(Response.submitted_at).order_by(Response.id)).all()
    assert [t.isoformat() for t in times[:2]] == ["2019-05-02T10:30:00+00:00", "2019-05-03T16:15:00+00:00"]
    assert times[2] == wave.closes_at  # no time in the file: the wave's closing time


def test_a_cell_that_is_no_time_is_named(runner, session, wave, tmp_path):
    path = _file(tmp_path, "submitdate," + HEADER + "2019-05-02 10:30:00," + FIRST + "yesterday," + SECOND)
    mapping = tmp_path / "mapping.json"
    runner.invoke(
        args=["surveys", "import-responses", str(wave.id), str(path), "--dry-run", "--save-mapping", str(mapping)]
    )
    chosen = json.loads(mapping.read_text(encoding="utf-8"))
    chosen["columns"]["submitdate"] = {"kind": "profile", "question": None, "choice": None, "field": "submitted_at"}
    mapping.write_text(json.dumps(chosen), encoding="utf-8")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--mapping", str(mapping)])
    assert result.exit_code != 0
    assert "Row 3, column 'submitdate': yesterday is not a date" in result.output
