"""The secretariat's open links (one per network) and the pages that name networks and instruments
in the six languages. Registered on the survey_admin blueprint by surveys/views/admin.py."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import get_session
from surveys import forms_admin, instruments, waves
from surveys.models import Instrument, OpenLink, Wave


def register(bp: Blueprint, guard: Callable) -> None:
    for rule, view, methods in (
        ("/waves/<int:wave_id>/links", add_open_link, ["POST"]),
        ("/links/<int:link_id>/active", open_link_active, ["POST"]),
        ("/links/<int:link_id>/names", open_link_names, ["GET", "POST"]),
        ("/instruments/<int:instrument_id>/names", instrument_names, ["GET", "POST"]),
    ):
        bp.add_url_rule(rule, view_func=guard(view), methods=methods)


def _links_of(wave_id: int) -> str:
    return url_for("survey_admin.wave", wave_id=wave_id) + "#open-links"


def add_open_link(wave_id: int):
    session = get_session()
    record = session.get(Wave, wave_id) or abort(404)
    form = forms_admin.OpenLinkForm()
    if not form.validate_on_submit():
        flash(_("Name the network or partner that will share the link."), "error")
    else:
        try:
            link = waves.create_open_link(
                session,
                wave=record,
                network=form.network.data,
                translations=form.name_translations.data,
                actor_id=current_user.id,
            )
        except waves.WaveError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            flash(_("A link for %(network)s is ready to share.", network=link.network), "success")
    return redirect(_links_of(record.id))


def open_link_active(link_id: int):
    session = get_session()
    link = session.get(OpenLink, link_id) or abort(404)
    active = request.form.get("active") == "1"
    waves.set_open_link_active(session, link=link, active=active, actor_id=current_user.id)
    flash(
        _("The link for %(network)s works again.", network=link.network)
        if active
        else _("The link for %(network)s no longer works.", network=link.network),
        "success",
    )
    return redirect(_links_of(link.wave_id))


def _names_page(record, *, typed: str, label: str, heading: str, back: str, save: Callable):
    """The form naming `record` as typed (`typed`, its current value) and in the other languages."""
    form = forms_admin.NamesForm()
    form.name.label.text = label
    if request.method == "GET":
        form.name.data = typed
        form.name_translations.fill(record)
    if form.validate_on_submit():
        try:
            save(form.name.data, form.name_translations.data)
        except waves.WaveError as error:
            get_session().rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The names are saved."), "success")
            return redirect(back)
    return render_template("survey_admin/names.html", form=form, heading=heading, back=back)


def open_link_names(link_id: int):
    session = get_session()
    link = session.get(OpenLink, link_id) or abort(404)
    return _names_page(
        link,
        typed=link.network,
        label=_("Network or partner"),
        heading=_("Names of %(network)s", network=link.network),
        back=_links_of(link.wave_id),
        save=lambda name, translations: waves.rename_open_link(
            session, link=link, network=name, translations=translations, actor_id=current_user.id
        ),
    )


def instrument_names(instrument_id: int):
    session = get_session()
    record = session.get(Instrument, instrument_id) or abort(404)
    return _names_page(
        record,
        typed=record.name,
        label=_("Instrument name"),
        heading=_("Names of %(instrument)s", instrument=record.name),
        back=url_for("survey_admin.instrument", instrument_id=record.id),
        save=lambda name, translations: instruments.rename_instrument(
            session, instrument=record, name=name, translations=translations, actor_id=current_user.id
        ),
    )
