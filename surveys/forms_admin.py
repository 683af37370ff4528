"""Forms of the secretariat's survey pages. Times are entered in the reader's time zone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from core.forms import choices
from core.reference.countries import country_choices
from core.reference.regions import REGIONAL_GROUPS
from stakeholders import vocabularies as vocab
from surveys.definition import Definition
from surveys.translation_status import is_complete

TIME_FORMAT = "%Y-%m-%dT%H:%M"


class UploadForm(FlaskForm):
    code = StringField(
        _l("Instrument code"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Lower-case letters, digits and hyphens only.")),
        ],
        description=_l("e.g. annual-survey. Use an existing code to add a version to that instrument."),
    )
    name = StringField(_l("Instrument name"), validators=[DataRequired(), Length(max=200)])
    file = FileField(
        _l("XLSForm workbook (.xlsx)"),
        validators=[FileRequired(_l("Choose a workbook to upload."))],
        render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )


class WaveForm(FlaskForm):
    version_id = SelectField(_l("Instrument and version"), coerce=int, validators=[InputRequired()])
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200)], description=_l("e.g. Annual survey 2026")
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    opens_at = DateTimeLocalField(_l("Opens at"), format=TIME_FORMAT, validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes at"), format=TIME_FORMAT, validators=[InputRequired()])
    categories = SelectMultipleField(_l("Categories"), description=_l("None chosen: every category."))
    regions = SelectMultipleField(_l("Regional groups"), description=_l("None chosen: every region."))
    countries = SelectMultipleField(
        _l("Countries"), description=_l("None chosen: every country."), render_kw={"size": 8}
    )
    allow_editing = BooleanField(_l("Respondents may change their answers until the wave closes"), default=True)

    def fill_choices(self, session, locale: str, versions) -> None:
        """`versions`: (InstrumentVersion, Instrument) pairs, as `waves.version_choices` gives them."""
        self.version_id.choices = choices(
            (version.id, _version_label(version, instrument)) for version, instrument in versions
        )
        self.categories.choices = choices(vocab.CATEGORY.choices())
        self.regions.choices = choices((code, str(text)) for code, text in REGIONAL_GROUPS.items())
        self.countries.choices = choices(country_choices(session, locale))

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The wave must close after it opens."))

    def audience(self) -> dict:
        return {
            "categories": self.categories.data or [],
            "regions": self.regions.data or [],
            "countries": self.countries.data or [],
        }


def _version_label(version, instrument) -> str:
    if is_complete(Definition.from_dict(version.definition)):
        return str(_l("%(instrument)s, version %(number)s", instrument=instrument.name, number=version.number))
    return str(
        _l(
            "%(instrument)s, version %(number)s (awaiting translations)",
            instrument=instrument.name,
            number=version.number,
        )
    )


class OpenLinkForm(FlaskForm):
    network = StringField(
        _l("Network or partner"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Responses through this link record that this network referred them."),
    )


class ReminderForm(FlaskForm):
    send_at = DateTimeLocalField(_l("Send the reminder at"), format=TIME_FORMAT, validators=[InputRequired()])


class TranslationUploadForm(FlaskForm):
    file = FileField(
        _l("Translation workbook (.xlsx)"),
        validators=[FileRequired(_l("Choose a workbook to upload."))],
        render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        description=_l("The workbook downloaded here, in either layout, with translations filled in."),
    )
