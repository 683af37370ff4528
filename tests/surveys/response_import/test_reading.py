"""Reading exports: encodings, delimiters, shapes, header rows, repaired and repeated headers."""

from __future__ import annotations

import gc

import pytest

from core.imports.tables import TableError
from surveys.response_import.reading import ROW, decode, read_export, repair_mojibake
from tests.surveys.response_import.export_fixtures import read

SHAPES = {
    "limesurvey_codes.csv": ("limesurvey", "utf-8", ",", 30),
    "limesurvey_labels.csv": ("limesurvey", "cp1252", ";", 30),
    "surveymonkey.csv": ("surveymonkey", "utf-8", ",", 120),
    "surveymonkey.xlsx": ("surveymonkey", None, None, 120),
    "kobo_names.csv": ("kobotoolbox", "utf-8", ";", 30),
    "kobo_labels.csv": ("kobotoolbox", "utf-16", "\t", 30),
    "redcap.csv": ("redcap", "utf-8", ",", 30),
}


@pytest.mark.parametrize("name", SHAPES)
def test_each_export_is_recognised_with_its_encoding_and_delimiter(name):
    source, rows = read(name)
    assert (source.shape, source.encoding, source.delimiter, source.rows) == SHAPES[name]
    assert len(rows) == source.rows
    assert len(set(source.columns)) == len(source.columns)
    assert source.signature == read(name)[0].signature


def test_surveymonkey_two_header_rows_become_one_header_per_column():
    source, rows = read("surveymonkey.csv")
    assert "In which country do you mainly work?" in source.columns  # its "Response" column
    assert "What motivates you to engage with IPBES? | Other (please specify)" in source.columns
    assert "How far do you agree with each of these statements? | IPBES is open to stakeholders." in source.columns
    assert rows[0][ROW] == "3"  # data start below the two header rows
    xlsx_source, xlsx_rows = read("surveymonkey.xlsx")
    assert xlsx_source.columns == source.columns
    assert [row[ROW] for row in xlsx_rows] == [row[ROW] for row in rows]


def test_mis_encoded_headers_are_repaired_and_said():
    source, _rows = read("limesurvey_labels.csv")
    assert "Dans quel pays exercez-vous principalement votre activité ?" in source.columns
    assert source.repaired_headers == (
        (
            "Dans quel pays exercez-vous principalement votre activitÃ© ?",
            "Dans quel pays exercez-vous principalement votre activité ?",
        ),
    )


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("CÃ´te d'Ivoire", "Côte d'Ivoire"),
        ("Quâ€™est-ce", "Qu’est-ce"),
        ("Côte d'Ivoire", "Côte d'Ivoire"),
        ("Ã‰tat", "État"),
        ("Plain header", "Plain header"),
    ],
)
def test_repair_mojibake(text, repaired):
    assert repair_mojibake(text) == repaired


def test_identical_columns_are_noted():
    assert read("limesurvey_labels.csv")[0].identical_columns == (("Start language", "Langue"),)
    assert read("redcap.csv")[0].identical_columns == (("country", "country_text"),)


def test_repeated_headers_get_unique_keys():
    source, rows = read_export(b"q,q,,Q \n1,2,3,4\n", "x.csv")
    assert source.columns == ("q", "q (2)", "column 3", "Q (3)")
    assert rows == [{"q": "1", "q (2)": "2", "column 3": "3", "Q (3)": "4", ROW: "2"}]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Pays\nCôte d’Ivoire\n".encode("utf-8-sig"), "utf-8"),
        ("Pays\nCôte d’Ivoire\n".encode(), "utf-8"),
        ("Pays\nCôte d’Ivoire\n".encode("utf-16"), "utf-16"),
        ("Pays\nCôte d’Ivoire\n".encode("utf-16-le"), "utf-16"),
        ("Pays\nCôte d’Ivoire\n".encode("utf-16-be"), "utf-16"),
        ("Pays\nCôte d’Ivoire\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(content, encoding):
    text, found = decode(content)
    assert (text.lstrip("\ufeff").splitlines()[1], found) == ("Côte d’Ivoire", encoding)


def test_cells_lose_surrounding_spaces_and_empty_rows_are_skipped():
    source, rows = read_export("a|b\n  x\u00a0|y \n\n|\nz|\n".encode(), "x.csv")
    assert source.delimiter == "|"
    assert rows == [{"a": "x", "b": "y", ROW: "2"}, {"a": "z", ROW: "5"}]


@pytest.mark.parametrize("content", [b"", b"  \n", b"\xd0\xcf\x11\xe0rest"])
def test_unreadable_files_are_refused(content):
    with pytest.raises(TableError):
        read_export(content, "x.csv")


def test_the_garbage_collector_is_restored_after_reading():
    assert gc.isenabled()
    read_export(b"a\n1\n", "x.csv")
    assert gc.isenabled()
    gc.disable()
    try:
        read_export(b"a\n1\n", "x.csv")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_values_right_of_the_last_header_get_a_column_of_their_own():
    source, rows = read_export(b"a,b\n1,2,3\n4,5\n", "x.csv")
    assert source.columns == ("a", "b", "column 3")
    assert source.headers == ("a", "b", "")
    assert rows[0] == {"a": "1", "b": "2", "column 3": "3", ROW: "2"}
