"""A stakeholder's home after signing in: "My surveys". Thin: the query is `surveys.mine`."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from core.db import get_session
from core.i18n import current_language
from stakeholders import services as registry
from surveys import mine

bp = Blueprint("my_surveys", __name__, template_folder="../templates")


@bp.route("/account/surveys")
def home():
    """Open invitations, drafts, submitted responses and closed waves of the signed-in person."""
    session = get_session()
    stakeholder = registry.stakeholder_for_user(session, current_user.id)
    surveys = mine.stakeholder_surveys(session, stakeholder.id, current_language()) if stakeholder else []
    groups = {name: [s for s in surveys if s.group == name] for name in ("invited", "draft", "submitted", "closed")}
    return render_template("my_surveys/home.html", has_profile=stakeholder is not None, groups=groups)
