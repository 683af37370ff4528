"""The public unsubscribe page linked from every survey invitation and reminder.

The link carries a signed stakeholder id, so nothing is stored to send it. Opening it only
shows a confirmation button (mail scanners follow links); the POST records the opt-out.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf import FlaskForm

from core.accounts.access import public
from core.db import get_session
from surveys import invitations
from surveys.unsubscribe_tokens import read_unsubscribe_token

bp = Blueprint("survey_unsubscribe", __name__, template_folder="../templates", url_prefix="/survey/unsubscribe")


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
