"""Instrument versions: stored once per content, numbered, never changed; shipped instruments install."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from surveys import instruments
from surveys.models import Instrument, InstrumentVersion
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.reading import row_count
from tests.surveys.translation_helpers import english_form
from tests.surveys.xlsform_builder import col, q, valid_form, workbook


def form_bytes(*, years_label: str | None = None, extra: list[dict] = ()) -> bytes:
    survey, choice_rows, setting = valid_form()
    if years_label:
        next(row for row in survey if row.get("name") == "years")[col("label", "en")] = years_label
    survey[-1:-1] = list(extra)
    return workbook(survey, choice_rows, setting)


def test_storing_a_form_creates_the_instrument_and_version_1(session):
    data = form_bytes()

    version, created = instruments.store_version(
        session, code="annual-survey", name="Annual survey", data=data, filename="annual.xlsx"
    )

    assert created and version.number == 1
    instrument = session.get(Instrument, version.instrument_id)
    assert (instrument.code, instrument.name) == ("annual-survey", "Annual survey")
    assert instruments.definition_of(version) == parse_xlsform(data)
    assert instruments.xlsform_of(version, original=True) == data
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "instrument.version_created")).one()


def test_the_same_content_twice_is_one_version_even_if_the_file_differs(session):
    data = form_bytes()
    first, _ = instruments.store_version(session, code="annual-survey", name=None, data=data, filename="a.xlsx")
    rewritten = definition_to_xlsform(parse_xlsform(data))  # other layout and columns, same content
    assert rewritten != data

    again, created_again = instruments.store_version(
        session, code="annual-survey", name=None, data=data, filename="a.xlsx"
    )
    third, created_third = instruments.store_version(
        session, code="annual-survey", name=None, data=rewritten, filename="b.xlsx"
    )

    assert not created_again and not created_third
    assert again.id == first.id == third.id
    assert row_count(session, InstrumentVersion) == 1


def test_a_changed_form_is_version_2_and_version_1_stays_as_it_was(session):
    original = form_bytes()
    first, _ = instruments.store_version(session, code="annual-survey", name=None, data=original, filename="v1.xlsx")
    first_definition = dict(first.definition)

    second, created = instruments.store_version(
        session,
        code="annual-survey",
        name=None,
        filename="v2.xlsx",
        data=form_bytes(years_label="Years engaged", extra=[q("text", "ideas", "Ideas")]),
    )

    assert created and second.number == 2
    session.expire_all()
    first = session.get(InstrumentVersion, first.id)
    assert first.definition == first_definition and first.xlsform == original
    assert instruments.definition_of(first).question("years").labels["en"] == "Years of involvement"
    assert instruments.definition_of(second).question("years").labels["en"] == "Years engaged"
    assert instruments.latest_version(session, "annual-survey").id == second.id
    assert instruments.get_version(session, "annual-survey", 1).id == first.id
    assert [v.number for v in instruments.versions(session, "annual-survey")] == [1, 2]


def test_going_back_to_earlier_content_finds_the_earlier_version(session):
    first, _ = instruments.store_version(session, code="x", name=None, data=form_bytes(), filename="x.xlsx")
    instruments.store_version(session, code="x", name=None, data=form_bytes(years_label="Years"), filename="x.xlsx")

    back, created = instruments.store_version(session, code="x", name=None, data=form_bytes(), filename="x.xlsx")

    assert not created and back.id == first.id


def test_a_refused_form_stores_nothing(session):
    with pytest.raises(XLSFormError):
        instruments.store_version(
            session,
            code="bad",
            name=None,
            filename="bad.xlsx",
            data=form_bytes(extra=[q("xml-external", "total", "Total")]),
        )

    assert row_count(session, Instrument) == 0 and row_count(session, InstrumentVersion) == 0


def test_the_same_form_under_two_instruments_is_two_versions(session):
    data = form_bytes()
    one, _ = instruments.store_version(session, code="one", name=None, data=data, filename="f.xlsx")
    two, created = instruments.store_version(session, code="two", name=None, data=data, filename="f.xlsx")

    assert created and one.instrument_id != two.instrument_id and two.number == 1
    assert session.get(Instrument, two.instrument_id).name == "Test form"  # the English title


def test_a_version_downloads_as_a_workbook_that_reads_back_the_same(session):
    version, _ = instruments.store_version(session, code="x", name=None, data=form_bytes(), filename="x.xlsx")

    assert parse_xlsform(instruments.xlsform_of(version)) == instruments.definition_of(version)


SHIPPED_FILES = [instruments.SHIPPED_DIR / filename for _name, filename in instruments.SHIPPED.values()]
shipped = pytest.mark.skipif(
    not all(path.exists() for path in SHIPPED_FILES), reason="the shipped instruments are not written yet"
)


@shipped
def test_the_shipped_instruments_install_once(session):
    versions = instruments.install_shipped(session)
    again = instruments.install_shipped(session)

    assert [v.id for v in again] == [v.id for v in versions]
    assert {session.get(Instrument, v.instrument_id).code for v in versions} == {"needs-analysis", "annual-survey"}
    for version in versions:
        definition = instruments.definition_of(version)
        assert any(page.profile for page in definition.pages)  # open-link respondents answer the profile
        assert parse_xlsform(instruments.xlsform_of(version)) == definition


# --- command line ---------------------------------------------------------------------------------


def test_import_and_export_from_the_command_line(runner, session, tmp_path):
    source = tmp_path / "form.xlsx"
    source.write_bytes(form_bytes())

    first = runner.invoke(args=["surveys", "import-instrument", "annual-survey", str(source), "--name", "Annual"])
    again = runner.invoke(args=["surveys", "import-instrument", "annual-survey", str(source)])
    out = tmp_path / "out.xlsx"
    exported = runner.invoke(args=["surveys", "export-instrument", "annual-survey", "--version", "1", str(out)])
    original = tmp_path / "original.xlsx"
    runner.invoke(args=["surveys", "export-instrument", "annual-survey", "--original", str(original)])

    assert "Stored annual-survey version 1" in first.output, first.output
    assert "Unchanged: annual-survey version 1" in again.output
    assert exported.exit_code == 0, exported.output
    assert parse_xlsform(out.read_bytes()) == parse_xlsform(source.read_bytes())
    assert original.read_bytes() == source.read_bytes()
    assert row_count(session, InstrumentVersion) == 1


def test_the_command_line_lists_the_problems_of_a_refused_form(runner, session, tmp_path):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(form_bytes(extra=[q("xml-external", "total", "Total")]))

    result = runner.invoke(args=["surveys", "import-instrument", "annual-survey", str(source)])
    missing = runner.invoke(args=["surveys", "export-instrument", "nothing", str(tmp_path / "o.xlsx")])

    assert result.exit_code != 0
    assert "survey row 19, type: the type 'xml-external' is not supported" in result.output
    assert "bad.xlsx was not imported" in result.output
    assert missing.exit_code != 0 and "No instrument nothing" in missing.output
    assert row_count(session, Instrument) == 0


def test_the_command_line_says_a_form_in_fewer_than_six_languages_awaits_translations(runner, session, tmp_path):
    source, complete = tmp_path / "english.xlsx", tmp_path / "six.xlsx"
    source.write_bytes(english_form())
    complete.write_bytes(form_bytes())

    result = runner.invoke(args=["surveys", "import-instrument", "english", str(source)])
    six_languages = runner.invoke(args=["surveys", "import-instrument", "six", str(complete)])

    assert result.exit_code == 0, result.output
    assert "Stored english version 1" in result.output
    assert "Awaiting translations (texts missing: ar " in result.output and "zh " in result.output
    assert "Awaiting translations" not in six_languages.output
