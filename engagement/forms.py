"""Forms of the engagement records. Choices are filled per request, in the reader's language; the
rules a record must meet live in engagement/schemas.py (and, for those that need the database,
engagement/services.py): a view builds the record's model from `values()` and puts the problems
back on the fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from core.forms import MultiCheckboxField, choices
from core.reference.countries import country_choices
from engagement import vocabularies as vocab

_strip = [lambda value: value.strip() if isinstance(value, str) else value]


def _options(vocabulary, blank: bool = True):
    return choices([("", "—"), *vocabulary.choices()] if blank else vocabulary.choices())


class RecordForm(FlaskForm):
    """A form whose fields are named as the record model's fields (`data_fields`)."""

    data_fields: tuple[str, ...] = ()

    def fill_choices(self, session, locale: str) -> None:
        raise NotImplementedError

    def fill_from(self, values: Mapping[str, Any]) -> None:
        for name in self.data_fields:
            getattr(self, name).data = values[name]

    def values(self) -> dict[str, Any]:
        """What the user gave, by model field, for the record's model to validate."""
        return {name: getattr(self, name).data for name in self.data_fields}


class EvidenceForm(RecordForm):
    data_fields = ("kind", "title", "issued_on", "link", "languages", "notes")
    kind = SelectField(_l("Kind of evidence"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=_strip)
    issued_on = DateField(
        _l("Date"),
        validators=[DataRequired()],
        description=_l("When the document was adopted or published, or the consultation held."),
    )
    link = StringField(
        _l("Link"),
        validators=[Length(max=500)],
        filters=_strip,
        description=_l("Web address, starting with http:// or https://."),
    )
    languages = MultiCheckboxField(_l("Languages available"))
    notes = TextAreaField(_l("Notes"))

    def fill_choices(self, session, locale: str) -> None:
        self.kind.choices = _options(vocab.EVIDENCE_KIND)
        self.languages.choices = _options(vocab.LANGUAGE, blank=False)


class BarrierActionForm(RecordForm):
    data_fields = ("barrier", "action", "owner", "due_on", "status")
    barrier = SelectField(
        _l("Barrier"), validators=[DataRequired()], description=_l("As the annual survey asks about it.")
    )
    action = TextAreaField(_l("Planned step"), validators=[DataRequired(), Length(max=500)], filters=_strip)
    owner = StringField(
        _l("Owner"), validators=[Length(max=200)], filters=_strip, description=_l("The unit or person responsible.")
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[DataRequired()])

    def fill_choices(self, session, locale: str) -> None:
        self.barrier.choices = _options(vocab.BARRIER)
        self.status.choices = _options(vocab.ACTION_STATUS, blank=False)


class ImpactSubmitForm(RecordForm):
    """What anyone may submit; published only after moderation."""

    data_fields = (
        "title",
        "impact_type",
        "scale",
        "region",
        "country",
        "year",
        "deliverable",
        "description",
        "evidence_link",
        "submitter_name",
        "submitter_email",
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        filters=_strip,
        description=_l("For example: National biodiversity strategy draws on the pollination assessment"),
    )
    impact_type = SelectField(_l("Type of impact"), validators=[DataRequired()])
    scale = SelectField(_l("Scale"), validators=[DataRequired()])
    region = SelectField(
        _l("UN regional group"),
        validators=[Optional()],
        description=_l("Give a regional group, a country, or both (not needed at global scale)."),
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(min=1990, max=2100)],
        description=_l("When the policy, action or commitment was made."),
    )
    deliverable = SelectField(_l("IPBES assessment or deliverable used"), validators=[Optional()])
    description = TextAreaField(
        _l("What changed, and how IPBES contributed"), validators=[DataRequired(), Length(max=5000)], filters=_strip
    )
    evidence_link = StringField(
        _l("Link to evidence"),
        validators=[Length(max=500)],
        filters=_strip,
        description=_l("A public web page or document, starting with http:// or https://."),
    )
    submitter_name = StringField(_l("Your name"), validators=[Length(max=200)], filters=_strip)
    submitter_email = StringField(
        _l("Your email address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=_strip,
        description=_l(
            "Only the secretariat sees your name and address, to ask you "
            "about the record if needed. They are never published."
        ),
    )

    def fill_choices(self, session, locale: str) -> None:
        self.impact_type.choices = _options(vocab.IMPACT_TYPE)
        self.scale.choices = _options(vocab.IMPACT_SCALE)
        self.region.choices = _options(vocab.REGIONAL_GROUP)
        self.country.choices = choices([("", "—"), *country_choices(session, locale)])
        self.deliverable.choices = _options(vocab.DELIVERABLE)


class ImpactForm(ImpactSubmitForm):
    """The secretariat's form: the same fields, the submitter's optional, and the status."""

    data_fields = (*ImpactSubmitForm.data_fields, "status")
    submitter_email = StringField(
        _l("Submitter's email address"), validators=[Optional(), Email(), Length(max=254)], filters=_strip
    )
    submitter_name = StringField(_l("Submitter's name"), validators=[Length(max=200)], filters=_strip)
    status = SelectField(_l("Status"), validators=[DataRequired()])

    def fill_choices(self, session, locale: str) -> None:
        super().fill_choices(session, locale)
        self.status.choices = _options(vocab.IMPACT_STATUS, blank=False)


class ConcernForm(RecordForm):
    data_fields = ("summary", "raised_on", "channel", "status", "answer", "answered_on")
    summary = TextAreaField(_l("Concern"), validators=[DataRequired(), Length(max=500)], filters=_strip)
    raised_by_email = StringField(
        _l("Raised by (stakeholder's email address)"),
        validators=[Optional(), Email(), Length(max=254)],
        filters=_strip,
        description=_l("Optional: the email of a registered stakeholder's account."),
    )
    raised_on = DateField(_l("Raised on"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), validators=[DataRequired()])
    status = SelectField(_l("Status"), validators=[DataRequired()])
    answer = TextAreaField(_l("Answer given"))
    answered_on = DateField(_l("Answered on"), validators=[Optional()])

    def fill_choices(self, session, locale: str) -> None:
        self.channel.choices = _options(vocab.CONCERN_CHANNEL)
        self.status.choices = _options(vocab.CONCERN_STATUS, blank=False)


class CallForm(RecordForm):
    data_fields = ("title", "deliverable", "opened_on", "closed_on", "responses", "audience")
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=_strip)
    deliverable = SelectField(_l("Assessment or deliverable"), validators=[Optional()])
    opened_on = DateField(_l("Opened on"), validators=[DataRequired()])
    closed_on = DateField(_l("Closed on"), validators=[Optional()])
    responses = IntegerField(
        _l("Number of responses received"),
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Leave empty until they are counted."),
    )
    audience = MultiCheckboxField(_l("Audience"), description=_l("Leave all unticked for a call open to all."))

    def fill_choices(self, session, locale: str) -> None:
        self.deliverable.choices = _options(vocab.DELIVERABLE)
        self.audience.choices = _options(vocab.CALL_AUDIENCE, blank=False)


class ModerateForm(FlaskForm):
    publish = SubmitField(_l("Publish"))
    reject = SubmitField(_l("Reject"))
