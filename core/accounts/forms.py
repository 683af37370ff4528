from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from core.accounts.models import ROLE_LABELS
from core.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from core.config import LANGUAGES
from core.forms import MultiCheckboxField, choices


def _new_password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters.", min=MIN_LENGTH, max=MAX_LENGTH),
            ),
        ],
        description=_l("At least %(min)d characters. A few unrelated words make a strong password.", min=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm(label):
    return PasswordField(
        label,
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


def _email_field():
    return EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email"},
    )


def _language_field(label):
    # Choices are filled per request so each language is named in the reader's language.
    return SelectField(label, choices=choices((code, code) for code in LANGUAGES), validators=[DataRequired()])


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    email = _email_field()
    password = _new_password(_l("Password"))
    confirm = _confirm(_l("Repeat the password"))
    locale = _language_field(_l("Preferred language"))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


class EmailForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = _confirm(_l("Repeat the new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = _new_password(_l("New password"))
    confirm = _confirm(_l("Repeat the new password"))


class PreferencesForm(FlaskForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    locale = _language_field(_l("Preferred language"))
    timezone = SelectField(
        _l("Time zone"),
        choices=[],  # filled per request, in the reader's language (core.i18n.time_zone_choices)
        validators=[DataRequired()],
        description=_l("Dates and times are shown in this time zone."),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices((role.value, label) for role, label in ROLE_LABELS.items()))
    country = SelectField(_l("Country (focal points only)"), choices=[], validators=[Optional()], validate_choice=False)


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=choices((code, code) for code in LANGUAGES))


class ApiTokenForm(FlaskForm):
    """A personal access token asked for on the account page; the scopes offered are the owner's role's."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, e.g. the script or the computer that uses it."),
    )
    scopes = MultiCheckboxField(_l("What it may read"), choices=[])
    expires_on = DateField(_l("Expires on"), validators=[DataRequired()], description=_l("At most a year from today."))
