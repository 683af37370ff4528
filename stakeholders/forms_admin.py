from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from core.config import LANGUAGES
from core.forms import choices
from core.reference.countries import country_choices
from stakeholders import vocabularies as vocab


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    acronym = StringField(_l("Acronym"), validators=[Length(max=40)])
    org_type = SelectField(_l("Type of organisation"), validators=[DataRequired()])
    country = SelectField(_l("Country of headquarters"), validators=[Optional()], validate_choice=False)
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    name_ar = StringField(_l("Name in Arabic"), validators=[Length(max=300)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Length(max=300)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=300)])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=300)])
    name_ru = StringField(_l("Name in Russian"), validators=[Length(max=300)])
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=300)])
    admissions = TextAreaField(
        _l("Observer admissions"),
        description=_l("One per line: the plenary session and the year, e.g. IPBES-11, 2024"),
    )

    def fill_choices(self, session, locale):
        self.org_type.choices = choices([("", "—"), *vocab.ORGANISATION_TYPE.choices()])
        self.country.choices = choices([("", "—"), *country_choices(session, locale)])

    def validate_admissions(self, field):
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if line.strip() and parse_admission(line) is None:
                raise ValidationError(
                    _l("Line %(number)d is not a session and a year, e.g. IPBES-11, 2024.", number=number)
                )

    def values(self) -> dict:
        """What the form gives, by `OrganisationCreate` field, for the model to validate."""
        return {
            **{name: getattr(self, name).data for name in ("name", "org_type", "country", "acronym", "website")},
            "other_names": {language: getattr(self, f"name_{language}").data or "" for language in LANGUAGES},
            "admissions": [
                {"plenary_session": pair[0], "year": pair[1]}
                for line in (self.admissions.data or "").splitlines()
                if (pair := parse_admission(line))
            ],
        }


# Where an organisation's problems go on the form (the others go to the field of their own name).
ORGANISATION_FORM_FIELDS = {"admissions.plenary_session": "admissions", "admissions.year": "admissions"}


def parse_admission(line: str) -> tuple[str, int] | None:
    parts = [p.strip() for p in line.replace(";", ",").split(",")]
    if len(parts) != 2 or not parts[0] or not parts[1].isdigit() or not 2010 <= int(parts[1]) <= 2100:
        return None
    return parts[0][:20], int(parts[1])


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(
        _l("Number of the duplicate record"),
        validators=[DataRequired(), NumberRange(min=1)],
        description=_l("The duplicate is folded into this record and disappears."),
    )
