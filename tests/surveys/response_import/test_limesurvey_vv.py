"""LimeSurvey's VV file (its "VV survey file" export, the one its own response import takes): tab-separated,
the questions' texts over their codes, `q_choice` columns, missing values as `{question_not_shown}` and
escaped braces and line breaks. The VV file of limesurvey_codes.csv gives the same answers as the CSV."""

from __future__ import annotations

import csv
import io
import re

from surveys.models import InstrumentVersion
from surveys.response_import.checking import Lookups, check
from surveys.response_import.mapping import propose_mapping
from surveys.response_import.reading import read_export
from tests import factories
from tests.surveys.response_import.export_fixtures import EXPORTS, annual_survey, expected
from tests.surveys.response_import.storing_helpers import annual_past_wave
from tests.surveys.response_import.test_checking import _plain
from tests.surveys.response_import.test_page_response_import import fields


def as_vv(name: str = "limesurvey_codes.csv") -> bytes:
    """The CSV export rewritten as LimeSurvey writes a VV file of the same responses (see its
    `exportVV`: fputcsv with tabs, texts then codes, null as {question_not_shown}, braces escaped)."""
    rows = list(csv.reader(io.StringIO((EXPORTS / name).read_text(encoding="utf-8-sig"))))
    codes = [re.sub(r"\[(\w+)\]$", r"_\1", code) for code in rows[0]]
    texts = [f"Question {code}" if code not in ("id", "submitdate") else code for code in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(texts)
    writer.writerow(codes)
    for row in rows[1:]:
        cells = [cell.replace("{", "{lbrace}").replace("\n", "{newline}") if cell else "{question_not_shown}"
                 for cell in row]  # fmt: skip
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def test_a_vv_file_is_read_by_its_codes_and_gives_the_answers_of_the_csv():
    source, rows = read_export(as_vv(), "vvexport_123456.csv")
    assert (source.shape, source.delimiter) == ("limesurvey_vv", "\t")
    assert "roles_author" in source.columns and "Question roles_author" not in source.headers
    assert all("{question_not_shown}" not in value for row in rows for value in row.values())
    preview = check(source, rows, propose_mapping(source, rows, annual_survey()), annual_survey(),
                    Lookups.from_reference())  # fmt: skip
    wanted, refused = expected("limesurvey_codes.csv")
    assert sorted(preview.refused_rows) == [number + 1 for number in refused]  # one more header row
    assert {row.row - 1 for row in preview.rows} == set(wanted)
    for row in preview.rows:
        assert _plain(row.answers) == wanted[row.row - 1]["answers"], row.row
        assert row.language == wanted[row.row - 1]["language"], row.row


def test_escapes_are_undone():
    content = "id\tsubmitdate\tlastpage\tcomments\nid\tsubmitdate\tlastpage\tcomments\n"
    content += "1\t{question_not_shown}\t2\t{quote}Quoted{lbrace}x} over{newline}two lines\n"
    source, rows = read_export(content.encode(), "vv.txt")
    assert source.shape == "limesurvey_vv"
    assert rows[0]["comments"] == '"Quoted{x} over\ntwo lines' and "submitdate" not in rows[0]


def test_a_vv_file_imports_through_the_command_and_the_page(runner, client, session, secretariat, tmp_path):
    wanted, refused = expected("limesurvey_codes.csv")
    path = tmp_path / "vvexport_123456.csv"
    path.write_bytes(as_vv())
    wave = annual_past_wave(session)
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--leave-out-refused"])
    assert result.exit_code == 0, result.output
    assert f"Row {refused[0] + 1}, column 'country'" in result.output
    assert f"Stored {len(wanted)} responses" in result.output

    other = factories.make_wave(session, version=session.get(InstrumentVersion, wave.version_id), year=2018,
                                name="Annual survey 2018", status="closed", opens_in_days=-2900, closes_in_days=-2870)  # fmt: skip
    base = f"/staff/surveys/waves/{other.id}/import"
    upload = client.post(base, data={"file": (io.BytesIO(as_vv()), path.name)}, content_type="multipart/form-data")
    page = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert "shape: limesurvey_vv" in page
    job_url = client.post(upload.headers["Location"], data={**fields(page), "check": "1"}).headers["Location"]
    done = client.get(client.post(job_url + "/confirm", data={"leave_out": "y"}).headers["Location"])
    assert f"{len(wanted)} responses imported" in done.get_data(as_text=True)
