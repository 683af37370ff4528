"""Stakeholder registration, profile, consents, personal data download and account deletion."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from core.accounts.access import public
from core.db import get_session
from core.forms import choices
from core.i18n import current_language, endonym_choices
from core.problem_messages import show_on_form
from core.problems import ValidationFailed, validate
from stakeholders import forms_profile as forms
from stakeholders import self_service, services
from stakeholders import vocabularies as vocab
from stakeholders.schemas import ProfileCreate

bp = Blueprint("profile", __name__, template_folder="../templates")


def _searching() -> bool:
    """The organisation search button was pressed: show the form again with the matches, saving nothing."""
    return request.method == "POST" and "find_organisation" in request.form


def _prepare(form, include_proposed=None):
    form.fill_choices(get_session(), current_language(), include_proposed)
    if hasattr(form, "locale"):
        form.locale.choices = choices(endonym_choices())


@bp.route("/account/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = forms.StakeholderRegisterForm()
    _prepare(form)
    if request.method == "GET":
        form.locale.data = current_language()
    if not _searching() and form.validate_on_submit():
        try:
            self_service.register_stakeholder(
                session=get_session(),
                email=form.email.data,
                password=form.password.data,
                locale=form.locale.data,
                profile=validate(ProfileCreate, forms.profile_values(form, form.name.data)),
                consents={kind: bool(getattr(form, kind).data) for kind in vocab.CONSENT.codes},
                ip=request.remote_addr,
            )
        except ValidationFailed as failed:
            show_on_form(form, failed.problems, forms.PROFILE_FORM_FIELDS)
        else:
            return render_template("accounts/check_email.html", email=form.email.data)
    return render_template("profile/register.html", form=form)


@bp.route("/account/profile", methods=["GET", "POST"])
def edit():
    session = get_session()
    stakeholder = services.stakeholder_for_user(session, current_user.id)
    form = forms.ProfileForm()
    _prepare(form, include_proposed=stakeholder.organisation_id if stakeholder else None)
    if request.method == "GET":
        form.name.data = current_user.name
        if stakeholder is not None:
            forms.fill_form_from_profile(form, services.profile_of(session, stakeholder, current_user))
    if not _searching() and form.validate_on_submit():
        try:
            profile = validate(ProfileCreate, forms.profile_values(form, form.name.data))
            self_service.update_profile(session=session, user=current_user, profile=profile)
        except ValidationFailed as failed:
            show_on_form(form, failed.problems, forms.PROFILE_FORM_FIELDS)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.edit"))
    organisation = None
    if stakeholder is not None and stakeholder.organisation_id:
        organisation = session.get(services.Organisation, stakeholder.organisation_id)
    return render_template("profile/edit.html", form=form, organisation=organisation)


@bp.route("/account/consents", methods=["GET", "POST"])
def consents():
    session = get_session()
    stakeholder = services.stakeholder_for_user(session, current_user.id)
    if stakeholder is None:
        flash(_("Complete your profile first."), "info")
        return redirect(url_for("profile.edit"))
    form = forms.ConsentForm(obj=stakeholder)
    if form.validate_on_submit():
        self_service.update_consents(
            session=session,
            stakeholder=stakeholder,
            consents={kind: bool(getattr(form, kind).data) for kind in services.OPTIONAL_CONSENTS},
        )
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("profile.consents"))
    return render_template(
        "profile/consents.html", form=form, history=services.consent_history(session, stakeholder.id)
    )


@bp.route("/account/data.json")
def download_data():
    data = self_service.personal_data(get_session(), current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": 'attachment; filename="my-ipbes-data.json"'}
    )


@bp.route("/account/delete", methods=["GET", "POST"])
def delete():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if self_service.delete_account(
            session=get_session(), user=user, password=form.password.data, ip=request.remote_addr
        ):
            logout_user()
            flash(_("Your account and personal data have been deleted."), "success")
            return redirect(url_for("pages.home"))
        form.password.errors.append(_("Your password is not correct."))
    return render_template("profile/delete.html", form=form)
