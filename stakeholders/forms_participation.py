"""Forms for engagement activities and participation records. Choices are filled per request, in
the reader's language, from the controlled vocabularies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from core.forms import TranslationsField, choices
from core.reference.countries import country_name
from stakeholders import vocabularies as vocab
from stakeholders.services import approved_organisations

ACTIVITY_FIELDS = ("title", "activity_type", "start_date", "end_date", "deliverable", "description")


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    name_translations = TranslationsField(_l("Title in other languages"))
    activity_type = SelectField(_l("Type of activity"), validators=[DataRequired()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(
        _l("End date (optional)"), validators=[Optional()], description=_l("Not before the start date.")
    )
    deliverable = StringField(
        _l("Assessment or deliverable concerned"),
        validators=[Length(max=200)],
        description=_l("For example: Nexus assessment"),
    )
    description = TextAreaField(_l("Description"))

    def fill_choices(self) -> None:
        self.activity_type.choices = choices([("", "—"), *vocab.ACTIVITY_TYPE.choices()])

    def fill_from(self, values: dict) -> None:
        for name in ACTIVITY_FIELDS:
            getattr(self, name).data = values[name]
        self.name_translations.fill(values.get("name_translations"))

    def values(self) -> dict:
        """What the form gives, by `ActivityCreate` field, for the model to validate."""
        return {name: getattr(self, name).data for name in (*ACTIVITY_FIELDS, "name_translations")}


class ParticipationForm(FlaskForm):
    email = StringField(
        _l("Stakeholder's email address"),
        validators=[Optional(), Email(), Length(max=254)],
        filters=[lambda value: value.strip() if value else value],
        description=_l("The email of their account. Leave empty to link an organisation."),
    )
    organisation = SelectField(
        _l("Or an organisation"),
        validators=[Optional()],
        validate_choice=False,
        description=_l("Approved organisations only."),
    )
    role = SelectField(_l("Role"), validators=[DataRequired()])
    comments = IntegerField(
        _l("Number of review comments"), validators=[Optional(), NumberRange(min=0)], description=_l("Reviewers only.")
    )

    def fill_choices(self, session, locale: str) -> None:
        organisations = [
            (str(o.id), f"{o.name} ({country_name(o.country, locale)})" if o.country else o.name)
            for o in approved_organisations(session)
        ]
        self.organisation.choices = choices([("", "—"), *organisations])
        self.role.choices = choices([("", "—"), *vocab.PARTICIPATION_ROLE.choices()])

    def organisation_id(self) -> int | None:
        value = (self.organisation.data or "").strip()
        return int(value) if value.isdigit() else None
