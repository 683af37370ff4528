"""Impact records from the public: anyone may submit one (no account), and read those published.

Submissions wait for the secretariat's moderation; the public list never shows who submitted.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.accounts.access import public
from core.db import get_session
from core.i18n import current_language
from core.pagination import Page, requested_page
from core.problem_messages import show_on_form
from core.problems import ValidationFailed, validate
from core.ratelimit import get_throttle
from engagement import services
from engagement import vocabularies as vocab
from engagement.forms import ImpactSubmitForm
from engagement.schemas import ImpactSubmission
from engagement.views import template_helpers

bp = Blueprint("impact_public", __name__, template_folder="../templates", url_prefix="/impact")
bp.context_processor(template_helpers)

PER_PAGE = 20
# Per client address; the app's configuration may set another limit.
DEFAULT_SUBMISSION_LIMIT = "5 per hour"


def _limit() -> str:
    return current_app.config.get("IMPACT_SUBMISSION_LIMIT", DEFAULT_SUBMISSION_LIMIT)


@bp.route("")
@public
def published():
    args = {"type": request.args.get("type", ""), "region": request.args.get("region", "")}
    args["type"] = args["type"] if args["type"] in vocab.IMPACT_TYPE.codes else ""
    args["region"] = args["region"] if args["region"] in vocab.REGIONAL_GROUP.codes else ""
    number = requested_page()
    rows, total = services.published_impacts(
        get_session(), impact_type=args["type"], region=args["region"], page=number, per_page=PER_PAGE
    )
    return render_template(
        "engagement/impact_public.html",
        args=args,
        page=Page(rows, total, number, PER_PAGE),
        types=vocab.IMPACT_TYPE.choices(),
        regions=vocab.REGIONAL_GROUP.choices(),
    )


@bp.route("/submit", methods=["GET", "POST"])
@public
def submit():
    session = get_session()
    form = ImpactSubmitForm()
    form.fill_choices(session, current_language())
    status = 200
    if request.method == "POST":
        throttle, client = get_throttle(), request.remote_addr or "-"
        if not throttle.allowed(_limit(), "impact-submit", client):
            minutes = max(1, -(-throttle.retry_after(_limit(), "impact-submit", client) // 60))
            form.form_errors.append(
                _("Too many submissions from your connection. Try again in %(minutes)d minutes.", minutes=minutes)
            )
            return render_template("engagement/impact_submit.html", form=form), 429
        if form.validate_on_submit():
            try:
                data = validate(ImpactSubmission, form.values())
                services.submit_impact(session=session, data=data, ip=request.remote_addr)
            except ValidationFailed as failed:
                show_on_form(form, failed.problems)
                status = 400
            else:
                throttle.hit(_limit(), "impact-submit", client)
                flash(_("Thank you. The secretariat will check your record before publishing it."), "success")
                return redirect(url_for("impact_public.published"))
        else:
            status = 400
    return render_template("engagement/impact_submit.html", form=form), status
