"""Forms of the pages for waves from before the platform and for the concordance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from core.forms import TranslationsField, choices


class PastWaveForm(FlaskForm):
    version_id = SelectField(
        _l("Instrument and version"),
        coerce=int,
        validators=[InputRequired()],
        description=_l(
            "The version that describes the questionnaire as it was asked. It may be in fewer than six "
            "languages: a past wave is never answered on the platform."
        ),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], description=_l("e.g. Survey 2019"))
    name_translations = TranslationsField(_l("Name in other languages"), limit=200)
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1990, max=2100)])
    opens_on = DateField(_l("Opened on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closed on"), validators=[InputRequired()])

    def fill_choices(self, versions) -> None:
        """`versions`: (InstrumentVersion, Instrument) pairs."""
        self.version_id.choices = choices(
            (
                version.id,
                str(_l("%(instrument)s, version %(number)s", instrument=instrument.name, number=version.number)),
            )
            for version, instrument in versions
        )

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The wave must close after it opens."))


class MatchForm(FlaskForm):
    """How one question of the later version matches the earlier version; the choice links come as
    one select per later choice (`link-<choice>`), read by the view."""

    earlier_question = SelectField(_l("Question of the earlier version"), validators=[InputRequired()])
