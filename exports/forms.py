"""Forms of the export pages: the secretariat's anonymised release and the focal point's tables."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from core.forms import MultiCheckboxField, choices
from core.i18n import language_choices
from exports.params import DEFAULT_K, FORMATS, MIN_K

FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "parquet": "Parquet", "sav": "SPSS (SAV)"}
FORMAT_LABELS = {
    "csv": _l("CSV (comma-separated values)"),
    "xlsx": _l("Excel workbook (XLSX)"),
    "parquet": _l("Apache Parquet"),
    "sav": _l("SPSS data file (SAV), with variable and value labels"),
}


class ExportForm(FlaskForm):
    waves = MultiCheckboxField(
        _l("Waves"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one wave."))],
        description=_l("Only closed waves can be exported: their data no longer changes."),
    )
    format = SelectField(_l("File format"), validators=[DataRequired()])
    lang = SelectField(_l("Language of the labels and the codebook"), validators=[DataRequired()])
    k = IntegerField(
        _l("k (each combination of quasi-identifiers is shared by at least k respondents)"),
        default=DEFAULT_K,
        validators=[
            InputRequired(_l("Give k, a whole number.")),
            NumberRange(min=MIN_K, message=_l("k must be at least %(min)s.", min=MIN_K)),
        ],
    )
    free_text = BooleanField(
        _l("Include free-text answers (email addresses, links, phone numbers and registry names are removed)")
    )
    link_waves = BooleanField(
        _l("Link the waves: one respondent keeps the same pseudonym across the waves of this release")
    )
    submit = SubmitField(_l("Export"))

    def fill_choices(self, waves: Iterable, locale: str) -> None:
        self.waves.choices = choices(
            (
                wave.id,
                ngettext("%(name)s (%(num)s response)", "%(name)s (%(num)s responses)", wave.responses, name=wave.name),
            )
            for wave in waves
        )
        self.format.choices = choices((code, FORMAT_LABELS.get(code, code.upper())) for code in FORMATS)
        self.lang.choices = choices(language_choices(locale))


class TablesForm(FlaskForm):
    """A plain GET form: every choice of tables is a link the focal point can keep."""

    class Meta:
        csrf = False

    wave = SelectField(_l("Wave"), coerce=int, validators=[InputRequired()])
    breakdown = SelectField(_l("Broken down by"), validators=[DataRequired()])
