"""Forms for registration, the profile and consents. Choices are filled per request, in the
reader's language, from the controlled vocabularies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from core.accounts.forms import RegisterForm
from core.collation import sorted_by_label
from core.forms import MultiCheckboxField, choices
from core.reference.countries import country_choices
from core.text import search_key
from stakeholders import vocabularies as vocab
from stakeholders.services import approved_organisations

NEW_ORGANISATION = "new"


class ProfileFields:
    """Profile fields shared by registration and the profile page."""

    organisation_search = StringField(
        _l("Find your organisation"),
        validators=[Length(max=100)],
        description=_l("Type part of its name or acronym and press Search: the menu then lists only the matches."),
    )
    organisation = SelectField(
        _l("Organisation"),
        validators=[Optional()],
        validate_choice=False,
        description=_l("Choose yours, or propose it if it is not listed."),
    )
    new_organisation_name = StringField(_l("Name of the organisation to propose"), validators=[Length(max=300)])
    new_organisation_type = SelectField(_l("Type of organisation"), validate_choice=False)
    new_organisation_country = SelectField(
        _l("Country of headquarters"), validators=[Optional()], validate_choice=False
    )
    new_organisation_website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    job_title = StringField(_l("Job title"), validators=[Length(max=200)])
    country = SelectField(_l("Country where you work"), validators=[DataRequired()])
    nationality = SelectField(_l("Nationality (optional)"), validators=[Optional()])
    gender = SelectField(
        _l("Gender"),
        validators=[DataRequired(message=_l('Choose an answer, or "Prefer not to say".'))],
        render_kw={"required": True},
    )
    gender_self_described = StringField(
        _l("Gender, in your own words"),
        validators=[Length(max=100)],
        description=_l("Only if you chose to describe your gender."),
    )
    stakeholder_type = SelectField(_l("How do you relate to IPBES?"), validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    sector = SelectField(_l("Sector"), validators=[DataRequired()])
    discipline = MultiCheckboxField(_l("Disciplines"))
    knowledge_system = MultiCheckboxField(_l("Knowledge systems"))
    scale = MultiCheckboxField(_l("Scales of your work"))
    ipbes_function = MultiCheckboxField(_l("IPBES functions of interest"))
    communication = MultiCheckboxField(_l("Preferred means of communication"))
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=40)], render_kw={"autocomplete": "tel"})

    def fill_choices(self, session, locale: str, include_proposed: int | None = None) -> None:
        countries = country_choices(session, locale)
        approved = approved_organisations(session)
        shown = matching_organisations(approved, self.organisation_search.data)
        shown += [o for o in approved if str(o.id) == self.organisation.data and o not in shown]  # kept if chosen
        organisations = sorted_by_label(
            ((str(o.id), f"{o.name} ({o.country})" if o.country else o.name) for o in shown), locale
        )
        if include_proposed is not None and str(include_proposed) not in dict(organisations):
            organisations.insert(0, (str(include_proposed), str(_l("Your proposed organisation (awaiting approval)"))))
        self.organisation.choices = choices(
            [
                ("", str(_l("None or not applicable"))),
                *organisations,
                (NEW_ORGANISATION, str(_l("My organisation is not listed: propose it"))),
            ]
        )
        self.new_organisation_type.choices = choices([("", "—"), *vocab.ORGANISATION_TYPE.choices()])
        self.new_organisation_country.choices = choices([("", "—"), *countries])
        self.country.choices = choices([("", "—"), *countries])
        self.nationality.choices = choices([("", "—"), *countries])
        for name, vocabulary in (
            ("gender", vocab.GENDER),
            ("stakeholder_type", vocab.STAKEHOLDER_TYPE),
            ("category", vocab.CATEGORY),
            ("sector", vocab.SECTOR),
        ):
            blank = str(_l("Choose…")) if name == "gender" else "—"  # nothing preselected: a skipped answer is refused
            getattr(self, name).choices = choices([("", blank), *vocabulary.choices()])
        for name, vocabulary in vocab.MULTI_FIELDS.items():
            getattr(self, name).choices = choices(vocabulary.choices())

    def proposes_organisation(self) -> bool:
        """A new organisation is proposed when chosen, or when its name is typed while the menu says
        "None": what a person typed is never thrown away."""
        chosen = self.organisation.data or ""
        return chosen == NEW_ORGANISATION or (not chosen and bool((self.new_organisation_name.data or "").strip()))

    def validate_new_organisation_name(self, field):
        if self.organisation.data not in ("", None, NEW_ORGANISATION) and (field.data or "").strip():
            raise ValidationError(
                _l("You chose an organisation in the list and typed another: clear this name, or choose to propose it.")
            )
        if self.proposes_organisation():
            if not field.data.strip():
                raise ValidationError(_l("Give the name of the organisation you propose."))

    def validate_new_organisation_type(self, field):
        # Checked on its own field (a field's errors are reset when it is validated).
        if self.proposes_organisation() and not field.data:
            raise ValidationError(_l("Choose the type of the organisation."))


def matching_organisations(organisations, query: str | None) -> list:
    """The organisations whose name or acronym holds what was typed (any case or accents)."""
    wanted = search_key(query or "")
    if not wanted:
        return list(organisations)
    return [o for o in organisations if wanted in o.search_name or wanted in search_key(o.acronym or "")]


class StakeholderRegisterForm(RegisterForm, ProfileFields):
    data_processing = BooleanField(
        vocab.CONSENT.labels["data_processing"],
        validators=[DataRequired(message=_l("This consent is needed to register."))],
    )
    public_listing = BooleanField(vocab.CONSENT.labels["public_listing"])
    share_with_focal_point = BooleanField(vocab.CONSENT.labels["share_with_focal_point"])
    mailing_list = BooleanField(vocab.CONSENT.labels["mailing_list"])


class ProfileForm(FlaskForm, ProfileFields):
    name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "name"}
    )


class ConsentForm(FlaskForm):
    public_listing = BooleanField(vocab.CONSENT.labels["public_listing"])
    share_with_focal_point = BooleanField(vocab.CONSENT.labels["share_with_focal_point"])
    mailing_list = BooleanField(vocab.CONSENT.labels["mailing_list"])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    confirm = BooleanField(
        _l("I understand that my account and personal data will be deleted for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


# Where a profile's problems go on the form (the others go to the field of their own name).
PROFILE_FORM_FIELDS = {
    "organisation_id": "organisation",
    "proposal.name": "new_organisation_name",
    "proposal.org_type": "new_organisation_type",
    "proposal.country": "new_organisation_country",
    "proposal.website": "new_organisation_website",
}


def profile_values(form, name: str) -> dict:
    """What a form with ProfileFields gives, by `ProfileCreate` field, for the model to validate."""
    proposal = None
    organisation_id = form.organisation.data or None  # a number, as text
    if form.proposes_organisation():
        organisation_id = None
        proposal = {
            "name": form.new_organisation_name.data,
            "org_type": form.new_organisation_type.data,
            "country": form.new_organisation_country.data,
            "website": form.new_organisation_website.data,
        }
    single = ("country", "category", "stakeholder_type", "gender", "gender_self_described", "sector", "job_title")
    return {
        "name": name,
        **{field: getattr(form, field).data for field in single},
        "nationality": form.nationality.data,
        "organisation_id": organisation_id,
        "phone": form.phone.data,
        "proposal": proposal,
        **{field: list(getattr(form, field).data or []) for field in vocab.MULTI_FIELDS},
    }


def fill_form_from_profile(form, profile) -> None:
    form.organisation.data = str(profile.organisation_id) if profile.organisation_id else ""
    for name in (
        "country",
        "category",
        "stakeholder_type",
        "gender",
        "gender_self_described",
        "sector",
        "job_title",
        "phone",
    ):
        getattr(form, name).data = getattr(profile, name)
    form.nationality.data = profile.nationality or ""
    for name in vocab.MULTI_FIELDS:
        getattr(form, name).data = getattr(profile, name) or []
