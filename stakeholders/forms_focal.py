"""Forms for focal point assignments (secretariat) and the digest choice (focal points)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from core.forms import choices
from core.i18n import language_choices
from core.reference.countries import country_choices
from stakeholders.focal_points import FOCAL_POINT_KIND


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AssignForm(FlaskForm):
    email = EmailField(
        _l("Email address of the focal point"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[_strip],
        description=_l("An existing account, or a new one opened with the name and language below."),
    )
    name = StringField(_l("Full name (for a new account)"), validators=[Length(max=200)], filters=[_strip])
    locale = SelectField(_l("Language of a new account"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    ministry = StringField(_l("Ministry or institution"), validators=[Length(max=300)], filters=[_strip])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(
        _l("End date (optional)"),
        validators=[Optional()],
        description=_l("The first day without the assignment. Leave empty when open-ended."),
    )

    def fill_choices(self, session, locale: str) -> None:
        self.locale.choices = choices(language_choices(locale))
        self.country.choices = choices([("", "—"), *country_choices(session, locale)])
        self.kind.choices = choices(FOCAL_POINT_KIND.choices())

    def values(self) -> dict:
        """What the form gives, by `AssignmentCreate` field (which also checks the dates' order)."""
        names = ("email", "name", "locale", "country", "kind", "ministry", "start_date", "end_date")
        return {name: getattr(self, name).data for name in names}


class EndAssignmentForm(FlaskForm):
    end_date = DateField(
        _l("End date"),
        validators=[DataRequired()],
        description=_l("Today ends the assignment at once; a later date schedules its end."),
    )


class DigestForm(FlaskForm):
    digest_opt_in = BooleanField(_l("Send me a weekly email listing the stakeholders newly registered in my country"))
