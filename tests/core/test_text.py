"""Labels and codes normalised where they enter the platform."""

import unicodedata

from flask_babel import lazy_gettext as _l

from core.imports.cells import Cells, Column, Kind
from core.imports.tables import Row
from core.text import clean_label
from core.vocabulary import Vocabulary


def test_clean_label_strips_non_breaking_and_zero_width_spaces_and_composes_accents():
    assert clean_label("Male\u00a0") == "Male"
    assert clean_label("\ufeff male \u200b") == "male"
    assert clean_label(unicodedata.normalize("NFD", "Sécurité")) == "Sécurité"
    assert len(clean_label(unicodedata.normalize("NFD", "é"))) == 1
    assert clean_label("Oui\u202f?") == "Oui\u202f?"  # spaces inside stay (French typography)
    assert clean_label("") == "" and clean_label(None) == ""


def test_an_imported_cell_is_normalised_before_it_is_matched():
    gender = Vocabulary("gender", {"male": _l("Male"), "female": _l("Female")})
    kind = Kind("people", "People", "", (Column("name", ""), Column("gender", "", vocabulary=gender, multiple=True)))
    problems = []
    cells = Cells(kind, Row(2, {"name": "Ana\u00a0", "gender": "male\u00a0; female\u200b"}), {"name"}, problems)
    assert cells.text("name") == "Ana"
    assert cells.codes("gender") == ["male", "female"]
    assert not problems
