"""The secretariat's pages for a survey's history: recording a wave run before the platform, and the
concordance that says how questions of two instrument versions compare."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from core.i18n import current_language
from surveys import concordance, concordance_pages, waves
from surveys.concordance_models import QuestionMatch
from surveys.definition import label
from surveys.forms_history import PastWaveForm
from surveys.models import Wave

bp = Blueprint("survey_history", __name__, template_folder="../templates", url_prefix="/staff/surveys")
secretariat = roles_required(Role.SECRETARIAT)
NO_EQUIVALENT = "__none__"


@bp.context_processor
def _helpers() -> dict:
    return {"text_in": lambda labels, fallback="": label(labels or {}, current_language()) or fallback}


# --- past waves --------------------------------------------------------------------------------


def _past_data(form: PastWaveForm) -> waves.WaveData:
    """Dates as whole UTC days: the wave opened at the start of its first day, closed at the end of its last."""
    opens = datetime.combine(form.opens_on.data, time(), tzinfo=UTC)
    closes = datetime.combine(form.closes_on.data, time(), tzinfo=UTC) + timedelta(days=1)
    return waves.WaveData(
        version_id=form.version_id.data,
        name=form.name.data,
        name_translations=form.name_translations.data,
        year=form.year.data,
        opens_at=opens,
        closes_at=min(closes, datetime.now(UTC)),
        allow_editing=False,
    )


def _past_form(session, wave: Wave | None) -> PastWaveForm:
    form = PastWaveForm()
    form.fill_choices(waves.version_choices(session))
    if request.method == "GET" and wave is not None:
        form.version_id.data, form.name.data, form.year.data = wave.version_id, wave.name, wave.year
        form.name_translations.fill(wave)
        form.opens_on.data = wave.opens_at.date()
        form.closes_on.data = (wave.closes_at - timedelta(seconds=1)).date()
    return form


@bp.route("/waves/past/new", methods=["GET", "POST"])
@secretariat
def new_past_wave():
    session = get_session()
    form = _past_form(session, None)
    if not form.version_id.choices:
        flash(_("Upload an instrument first."), "info")
        return redirect(url_for("survey_admin.upload"))
    if form.validate_on_submit():
        try:
            wave = waves.record_past_wave(session, data=_past_data(form), actor_id=current_user.id)
        except waves.WaveError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The past wave is recorded, closed. Import its responses to see it beside the others."), "success")
            return redirect(url_for("survey_admin.wave", wave_id=wave.id))
    return render_template("survey_admin/past_wave_form.html", form=form, wave=None)


@bp.route("/waves/past/<int:wave_id>/edit", methods=["GET", "POST"])
@secretariat
def edit_past_wave(wave_id: int):
    session = get_session()
    record = session.get(Wave, wave_id) or abort(404)
    if not record.past:
        return redirect(url_for("survey_admin.edit_wave", wave_id=wave_id))
    form = _past_form(session, record)
    if form.validate_on_submit():
        try:
            waves.update_wave(session, wave=record, data=_past_data(form), actor_id=current_user.id)
        except waves.WaveError as error:
            session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The wave is saved."), "success")
            return redirect(url_for("survey_admin.wave", wave_id=record.id))
    return render_template("survey_admin/past_wave_form.html", form=form, wave=record)


# --- the concordance -----------------------------------------------------------------------------


@bp.route("/concordance")
@secretariat
def concordance_index():
    session = get_session()
    names = concordance_pages.version_names(session)
    earlier, later = request.args.get("earlier", type=int), request.args.get("later", type=int)
    if earlier in names and later in names and earlier != later:
        return redirect(url_for("survey_history.concordance_pair", earlier_id=earlier, later_id=later))
    pairs = [pair for pair in concordance_pages.wave_pairs(session) if set(pair) <= set(names)]
    return render_template("survey_admin/concordance.html", names=names, pairs=pairs)


def _versions_or_404(earlier_id: int, later_id: int) -> dict:
    names = concordance_pages.version_names(get_session())
    if earlier_id not in names or later_id not in names or earlier_id == later_id:
        abort(404)
    return names


@bp.route("/concordance/<int:earlier_id>/<int:later_id>")
@secretariat
def concordance_pair(earlier_id: int, later_id: int):
    names = _versions_or_404(earlier_id, later_id)
    session = get_session()
    return render_template(
        "survey_admin/concordance_pair.html",
        earlier=names[earlier_id],
        later=names[later_id],
        earlier_id=earlier_id,
        later_id=later_id,
        rows=concordance_pages.pair_rows(session, earlier_id, later_id),
        proposals=concordance_pages.proposals(session, earlier_id, later_id),
    )


@bp.route("/concordance/<int:earlier_id>/<int:later_id>/proposals", methods=["POST"])
@secretariat
def accept_proposals(earlier_id: int, later_id: int):
    _versions_or_404(earlier_id, later_id)
    session = get_session()
    wanted = set(request.form.getlist("question"))
    accepted = 0
    for proposal in concordance_pages.proposals(session, earlier_id, later_id):
        if proposal.later_question in wanted:
            concordance.save_match(session, data=proposal, actor_id=current_user.id)
            accepted += 1
    flash(_("Proposals accepted: %(count)s.", count=accepted), "success")
    return redirect(url_for("survey_history.concordance_pair", earlier_id=earlier_id, later_id=later_id))


@bp.route("/concordance/<int:earlier_id>/<int:later_id>/questions/<question>", methods=["GET", "POST"])
@secretariat
def concordance_match(earlier_id: int, later_id: int, question: str):
    names = _versions_or_404(earlier_id, later_id)
    session = get_session()
    earlier = concordance_pages.version_shapes(session, earlier_id)
    later = concordance_pages.version_shapes(session, later_id).get(question) or abort(404)
    existing, links = concordance.matches_between(session, earlier_id, later_id).get(question, (None, []))
    chosen = request.values.get("earlier_question") or (existing.earlier_question if existing else None)
    if chosen is None:
        chosen = NO_EQUIVALENT if existing and existing.relation == concordance.NONE else question
    old = earlier.get(chosen)
    if request.method == "POST":
        data = concordance.MatchData(
            earlier_id,
            later_id,
            chosen if old else "",
            question,
            concordance.MAPPED if old else concordance.NONE,
            tuple((request.form.get(f"link-{c}"), c) for c in later.choices if request.form.get(f"link-{c}")),
        )
        try:
            concordance.save_match(session, data=data, actor_id=current_user.id)
        except concordance.ConcordanceError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            flash(_("The concordance entry is saved."), "success")
            return redirect(url_for("survey_history.concordance_pair", earlier_id=earlier_id, later_id=later_id))
    if old is not None and not (existing and existing.earlier_question == chosen):
        links = list(concordance_pages.choice_links(old, later))
    return render_template(
        "survey_admin/concordance_match.html",
        earlier=names[earlier_id],
        later=names[later_id],
        earlier_id=earlier_id,
        later_id=later_id,
        question=later,
        questions=earlier,
        chosen=chosen,
        old=old,
        linked={new: previous for previous, new in links},
        existing=existing,
        no_equivalent=NO_EQUIVALENT,
    )


@bp.route("/concordance/matches/<int:match_id>/delete", methods=["POST"])
@secretariat
def delete_match(match_id: int):
    session = get_session()
    match = session.get(QuestionMatch, match_id) or abort(404)
    earlier_id, later_id = match.earlier_version_id, match.later_version_id
    concordance.delete_match(session, match=match, actor_id=current_user.id)
    flash(_("The concordance entry is removed."), "success")
    return redirect(url_for("survey_history.concordance_pair", earlier_id=earlier_id, later_id=later_id))
