"""Account pages: thin views over `core.accounts.services`."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.accounts import api_tokens, forms, services
from core.accounts.access import home_url, public
from core.accounts.scopes import DEFAULT_DAYS, SCOPE_LABELS, allowed_scopes
from core.db import get_session
from core.forms import choices
from core.i18n import current_language, language_choices, time_zone_choices
from core.problem_messages import show_on_form
from core.problems import ValidationFailed
from core.ratelimit import get_throttle
from core.safe_redirect import safe_next_url
from core.timeutil import utcnow

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _ip() -> str | None:
    return request.remote_addr


def _fill_language_choices(field) -> None:
    field.choices = choices(language_choices())


@bp.route("/verify/<token>")
@public
def verify_email(token: str):
    user = services.verify_email(session=get_session(), token=token, ip=_ip())
    if user is None:
        return render_template("accounts/link_invalid.html", resend=True), 400
    flash(_("Your email address is confirmed. You can now sign in."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify", methods=["GET", "POST"])
@public
def resend_verification():
    form = forms.EmailForm()
    if form.validate_on_submit():
        services.resend_verification(session=get_session(), email=form.email.data)
        return render_template("accounts/check_email.html", email=form.email.data)
    return render_template(
        "accounts/email_form.html",
        form=form,
        heading=_("Confirm your email address"),
        intro=_("Enter the address you registered with and we will send the confirmation link again."),
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_url(current_user))
    form = forms.LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(
            session=get_session(),
            throttle=get_throttle(),
            email=form.email.data,
            password=form.password.data,
            ip=_ip(),
        )
        if result.status is services.LoginStatus.OK:
            login_user(result.user)
            return redirect(next_url or home_url(result.user))
        if result.status is services.LoginStatus.UNVERIFIED:
            flash(_("Please confirm your email address first: follow the link we sent you."), "warning")
            return redirect(url_for("accounts.resend_verification"))
        if result.status is services.LoginStatus.THROTTLED:
            minutes = max(1, -(-result.retry_after // 60))
            form.form_errors.append(
                _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.", minutes=minutes)
            )
            status = 429
        else:
            form.form_errors.append(_("The email address or password is not correct."))
            status = 401
    return render_template("accounts/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    services.end_all_sessions(session=get_session(), user=current_user, ip=_ip())
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = forms.EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(session=get_session(), email=form.email.data, ip=_ip())
        return render_template("accounts/check_email.html", email=form.email.data, reset=True)
    return render_template(
        "accounts/email_form.html",
        form=form,
        heading=_("Forgot your password?"),
        intro=_("Enter your email address and we will send you a link to choose a new password."),
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    session = get_session()
    if services.user_for_reset_token(session, token) is None:
        return render_template("accounts/link_invalid.html", resend=False), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(session=session, token=token, new_password=form.password.data, ip=_ip())
        logout_user()
        flash(_("Your password has been changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/", methods=["GET", "POST"])
def settings():
    form = forms.PreferencesForm(obj=current_user)
    _fill_language_choices(form.locale)
    form.timezone.choices = choices(time_zone_choices(current_language(), keep=current_user.timezone))
    if request.method == "GET" and not current_user.locale:
        form.locale.data = current_language()
    if form.validate_on_submit():
        services.update_preferences(
            session=get_session(),
            user=current_user,
            name=form.name.data,
            locale=form.locale.data,
            timezone=form.timezone.data,
        )
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                session=get_session(),
                user=current_user,
                current_password=form.current_password.data,
                new_password=form.password.data,
                ip=_ip(),
            )
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            # Every other session ended; this one continues under the new epoch.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. You were signed out everywhere else."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form)


# --- personal access tokens for the read API ----------------------------------------------------


def _token_form() -> forms.ApiTokenForm:
    form = forms.ApiTokenForm()
    form.scopes.choices = [(scope, str(SCOPE_LABELS[scope])) for scope in allowed_scopes(current_user.role)]
    if request.method == "GET":
        form.scopes.data = list(allowed_scopes(current_user.role)[:1])
        form.expires_on.data = utcnow().date() + timedelta(days=DEFAULT_DAYS)
    return form


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """The owner's tokens and the form to make one; a new token is shown once, on the page that made it."""
    session = get_session()
    form = _token_form()
    created = None
    status = 200
    if form.validate_on_submit():
        values = {"name": form.name.data, "scopes": form.scopes.data, "expires_on": form.expires_on.data}
        try:
            record, token = api_tokens.create(session=session, user=current_user, values=values, ip=_ip())
        except ValidationFailed as failed:
            session.rollback()
            show_on_form(form, failed.problems)
            status = 400
        else:
            created = {"record": record, "token": token}
    elif request.method == "POST":
        status = 400
    rows = [(record, api_tokens.state(record)) for record in api_tokens.list_for(session, current_user)]
    response = render_template("accounts/tokens.html", form=form, rows=rows, created=created, scope_labels=SCOPE_LABELS)
    # A page that shows a token once must not be kept by a browser or a proxy.
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    if api_tokens.revoke(session=get_session(), user=current_user, token_id=token_id, ip=_ip()):
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("accounts.tokens"))
