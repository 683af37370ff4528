"""The public unsubscribe page linked from every survey invitation and reminder.

The link carries a signed stakeholder id, so nothing is stored to send it. Opening it only
shows a confirmation button (mail scanners follow links); the POST records the opt-out.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf import FlaskForm

from core.accounts import tokens
from core.accounts.access import public
from core.db import get_session
from surveys import invitations

bp = Blueprint("survey_unsubscribe", __name__, template_folder="../templates", url_prefix="/survey/unsubscribe")

PURPOSE = "survey-optout"
MAX_AGE = 2 * 366 * 24 * 3600  # invitations are kept and reopened for months; opting out is harmless
STATE = "survey-optout"  # nothing to expire: opting out twice changes nothing


def make_unsubscribe_token(stakeholder_id: int) -> str:
    return tokens.make_token(PURPOSE, stakeholder_id, STATE)


def read_unsubscribe_token(token: str) -> int | None:
    found = tokens.read_token(PURPOSE, token, MAX_AGE)
    return found[0] if found else None


@bp.route("/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    stakeholder_id = read_unsubscribe_token(token)
    if stakeholder_id is None:
        return render_template("survey_admin/unsubscribe.html", invalid=True), 404
    session = get_session()
    form = FlaskForm()
    if form.validate_on_submit():
        if not invitations.opt_out(session, stakeholder_id=stakeholder_id):
            return render_template("survey_admin/unsubscribe.html", invalid=True), 404
        return render_template("survey_admin/unsubscribe.html", done=True)
    return render_template(
        "survey_admin/unsubscribe.html", form=form, already=invitations.is_opted_out(session, stakeholder_id)
    )
