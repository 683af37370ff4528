"""Answering a survey: thin views over surveys.respondents, answering and submission.

The link is the credential, so every route is public. Pages are rendered in the response's
survey language (chosen on the page, kept on the response) whatever the interface language.
Plain HTML forms: everything works without JavaScript.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from babel.dates import format_date
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import force_locale, format_datetime, format_decimal
from flask_babel import gettext as _

from core.accounts.access import public
from core.config import LANGUAGES
from core.db import get_session
from core.i18n import current_language
from core.links import absolute_url
from core.localized import localized_name
from core.ratelimit import get_throttle
from surveys import answer_values, answering, repeat_answers, respondents, submission, waves
from surveys.definition import Page, label
from surveys.respondents import LinkInvalid, Respondent, TooManyStarts, WaveNotOpen
from surveys.views import respond_repeats

bp = Blueprint("survey_respond", __name__, url_prefix="/survey", template_folder="../templates")

KINDS = "any(i, r)"  # i: personal invitation token; r: an open-link respondent's private resume token
DATE_EXAMPLE = date(2026, 3, 31)  # shown in words beside date questions: no day and month to mix up


@bp.after_request
def _no_store(response):
    # Answers, resume links and submission keys must not stay in shared or back/forward caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _problem_text(problem: answering.AnswerProblem, language: str) -> str:
    own = label(problem.messages, language) if problem.messages else ""
    if own:
        return own
    return {
        "required": _("This question needs an answer."),
        "integer": _("Enter a whole number, for example 12."),
        "decimal": _("Enter a number, for example 2.5."),
        "date": _("Enter a date as year-month-day, for example 2026-03-31."),
        "email": _("Enter an email address, for example name@example.org."),
        "choice": _("Choose one of the options listed."),
        "time": _("Enter a time as hours:minutes, for example 14:30."),
        "datetime": _("Enter a date and a time, for example 2026-03-31 14:30."),
        "range": _("Enter a number within the range shown, in its steps."),
        "geopoint": _("Enter a latitude from -90 to 90 and a longitude from -180 to 180, in decimal degrees."),
        "rank": _("Give each choice a different place, from 1 to the number of choices."),
        "geotrace": _("Enter at least two points, one a line, each as latitude and longitude in decimal degrees."),
        "geoshape": _("Enter at least three points, one a line, each as latitude and longitude in decimal degrees."),
        "too_long": _(
            "This answer is too long: at most %(count)s characters.",
            count=format_decimal(answering.MAX_ANSWER_LENGTH),
        ),
    }.get(problem.kind, _("This answer is not accepted."))


def _render(respondent_or_language, template: str, status: int = 200, **context):
    """Render in the survey language: the response's, or the one given."""
    language = (
        respondent_or_language.response.language
        if isinstance(respondent_or_language, Respondent)
        else respondent_or_language
    )
    with force_locale(language):
        definition = context.get("definition")
        title = label(definition.titles, language) if definition else _("IPBES stakeholder survey")
        return (
            render_template(
                template,
                language=language,
                label=label,
                survey_title=title,
                is_email=answering.is_email,
                date_example=DATE_EXAMPLE,
                max_answer_length=answering.MAX_ANSWER_LENGTH,
                range_bounds=answer_values.range_bounds,
                rank_positions=answer_values.rank_positions,
                # a read-only question's value as shown: its default, choice labels in the reader's language
                read_only_value=lambda q: _shown_answer(definition, q, answering.default_raw(q), language),
                **context,
            ),
            status,
        )


def _message(language: str, status: int, heading: str, text: str = "", **context):
    return _render(language, "respond/message.html", status, heading=heading, text=text, **context)


def _closed(error: WaveNotOpen, language: str):
    wave = error.wave
    with force_locale(language):
        if error.state == "closed":
            return _message(
                language,
                403,
                _("This survey is closed"),
                _(
                    "The survey closed on %(date)s. Answers can no longer be given or changed.",
                    date=_format_date(wave.closes_at),
                ),
            )
        if error.state == "scheduled":
            return _message(
                language,
                403,
                _("This survey is not open yet"),
                _("The survey opens on %(date)s. Please come back then.", date=_format_date(wave.opens_at)),
            )
        return _message(language, 403, _("This survey is not open"), _("The survey has not been published yet."))


def _format_date(moment) -> str:
    return format_datetime(moment, "long")


def _invalid_link(language: str):
    with force_locale(language):
        return _message(
            language,
            404,
            _("This survey link is not valid"),
            _(
                "Check that you copied the whole link from your invitation or from the page that "
                "shared it. Links of a closed or withdrawn survey no longer work."
            ),
        )


def with_respondent(view):
    """Resolve `kind`/`token` to the respondent, or answer with a clear page."""

    @wraps(view)
    def wrapped(kind: str, token: str, **kwargs):
        session = get_session()
        try:
            respondent = respondents.resume(session, kind=kind, token=token)
        except LinkInvalid:
            return _invalid_link(current_language())
        return view(respondent, **kwargs)

    return wrapped


def _urls(respondent: Respondent) -> dict:
    return {"kind": respondent.kind, "token": respondent.token}


def _resume_url(respondent: Respondent) -> str | None:
    if respondent.kind != "r":
        return None
    # From BASE_URL, never from the request's Host header (which a client chooses).
    return absolute_url("survey_respond.page", number=1, **_urls(respondent))


def _context(session, respondent: Respondent):
    definition = respondents.definition_of(session, respondent)
    fixed = {name: value for name, value in answering.read_only_answers(definition).items() if value is not None}
    raw = {**(respondent.response.draft or {}), **fixed}
    values = repeat_answers.form_values(definition, raw)  # typed_values, and the repeats' instances if any
    pages = answering.visible_pages(definition, values, registry=respondent.registry)
    return definition, raw, values, pages


# --- entry points -----------------------------------------------------------------------------


@bp.route("/i/<token>")
@public
def invitation(token: str):
    """A stakeholder's personal link: start, or come back to, their response."""
    session = get_session()
    try:
        respondent = respondents.start_from_invitation(session, token=token)
    except LinkInvalid:
        return _invalid_link(current_language())
    except WaveNotOpen as error:
        return _closed(error, current_language())
    return _continue(session, respondent)


def _continue(session, respondent: Respondent):
    response = respondent.response
    if response.status == "submitted" and not respondents.is_editing(response):
        return redirect(url_for("survey_respond.done", **_urls(respondent)))
    if not respondents.can_change(respondent):
        return _closed(WaveNotOpen(respondent.wave, waves.state(respondent.wave)), response.language)
    definition, _raw, _values, pages = _context(session, respondent)
    # Back to the furthest page reached (`last_page` indexes the definition's pages).
    reached = [n for n, page in enumerate(pages, start=1) if definition.pages.index(page) <= response.last_page]
    if response.last_page >= len(definition.pages):
        return redirect(url_for("survey_respond.review", **_urls(respondent)))
    return redirect(url_for("survey_respond.page", number=reached[-1] if reached else 1, **_urls(respondent)))


@bp.route("/o/<token>", methods=["GET", "POST"])
@public
def open_link(token: str):
    """A network's open link: a short welcome, then a new anonymous response."""
    session = get_session()
    language = request.values.get("language") or request.values.get("current_language")
    language = language if language in LANGUAGES else current_language()
    try:
        link, wave = respondents.find_open_link(session, token)
        respondents.require_open(wave)
    except LinkInvalid:
        return _invalid_link(language)
    except WaveNotOpen as error:
        return _closed(error, language)
    if request.method == "POST" and request.form.get("action") == "start":
        try:
            respondent, _resume = respondents.start_from_open_link(
                session, throttle=get_throttle(), token=token, client=request.remote_addr or "", language=language
            )
        except TooManyStarts as error:
            with force_locale(language):
                minutes = max(1, -(-error.retry_after // 60))
                return _message(
                    language,
                    429,
                    _("Too many new responses from your connection"),
                    _("Please try again in %(minutes)d minutes.", minutes=minutes),
                )
        except WaveNotOpen as error:
            return _closed(error, language)
        return redirect(url_for("survey_respond.page", number=1, **_urls(respondent)), 303)
    definition = respondents.definition_for(session, wave.version_id)
    return _render(
        language,
        "respond/welcome.html",
        definition=definition,
        wave=wave,
        network=localized_name(link, language),
        token=token,
    )


# --- pages ------------------------------------------------------------------------------------


@bp.route(f"/<{KINDS}:kind>/<token>/page/<int:number>", methods=["GET", "POST"])
@public
@with_respondent
def page(respondent: Respondent, number: int):
    session = get_session()
    response = respondent.response
    if response.status == "submitted" and not respondents.is_editing(response):
        return redirect(url_for("survey_respond.done", **_urls(respondent)))
    if not respondents.can_change(respondent):
        return _closed(WaveNotOpen(respondent.wave, waves.state(respondent.wave)), response.language)
    definition, raw, values, pages = _context(session, respondent)
    if not 1 <= number <= len(pages):
        return redirect(url_for("survey_respond.page", number=min(max(number, 1), len(pages)), **_urls(respondent)))
    current = pages[number - 1]
    items = answering.page_items(current, values, registry=respondent.registry)
    problems, status = {}, 200
    if request.method == "POST":
        shown = answering.page_questions(Page(current.name, {}, tuple(items)))
        form = request.form
        posted = answering.raw_from_form(definition, shown, form)
        action = "language" if (language := form.get("language")) else form.get("action", "next")
        in_repeats, problems, acted = respond_repeats.posted(definition, items, form, {**raw, **posted}, values, action)
        posted.update(in_repeats)
        raw.update(posted)
        action = "refresh" if acted else action  # "Add another", "Remove", a new count: the same page again
        overlong = answering.overlong_answers(shown, posted)
        if action in ("next", "review"):
            problems.update(answering.validate_page(definition, current, raw, registry=respondent.registry))
        problems = {**problems, **overlong}
        values = answering.typed_values(definition, raw)
        pages = answering.visible_pages(definition, values, registry=respondent.registry)
        position = pages.index(current) + 1 if current in pages else number
        reached = definition.pages.index(current)
        if action in ("next", "review") and not problems:
            going_on = position < len(pages) and action == "next"
            reached = definition.pages.index(pages[position]) if going_on else len(definition.pages)
        if not overlong:  # too long to keep: shown back for shortening, not saved
            respondents.save_draft(session, response, posted, page_number=reached, language=language)
        if not problems:
            return redirect(_after_post(respondent, action, position, len(pages)), 303)
        status = 422
        items = answering.page_items(current, values, registry=respondent.registry)
    with force_locale(response.language):
        errors = {name: _problem_text(problem, response.language) for name, problem in problems.items()}
    return _render(
        respondent,
        "respond/page.html",
        status,
        definition=definition,
        wave=respondent.wave,
        page=current,
        items=items,
        number=number,
        total=len(pages),
        raw=raw,
        errors=errors,
        urls=_urls(respondent),
        resume_url=_resume_url(respondent),
        editing=respondents.is_editing(response),
        choices_of=lambda q: answering.choices_for(definition, q, values),
        filtered_here=lambda q: answering.filtered_on_page(q, current),
        repeats=respond_repeats.shown(definition, items, raw, values),
    )


def _after_post(respondent: Respondent, action: str, position: int, total: int) -> str:
    """Where a page's accepted post leads: the action's page, counted among the pages now visible."""
    urls = _urls(respondent)
    if action == "language":
        return url_for("survey_respond.page", number=position, **urls) + "#survey-language"
    if action == "refresh":  # cascading choices: the same page, its choices narrowed by the answers given
        return url_for("survey_respond.page", number=position, **urls)
    if action == "previous":
        return url_for("survey_respond.page", number=max(1, position - 1), **urls)
    if action == "save":
        return url_for("survey_respond.saved", **urls)
    if action == "next" and position < total:
        return url_for("survey_respond.page", number=position + 1, **urls)
    return url_for("survey_respond.review", **urls)


@bp.route(f"/<{KINDS}:kind>/<token>/saved")
@public
@with_respondent
def saved(respondent: Respondent):
    return _render(
        respondent,
        "respond/saved.html",
        wave=respondent.wave,
        urls=_urls(respondent),
        resume_url=_resume_url(respondent),
        definition=respondents.definition_of(get_session(), respondent),
    )


@bp.route(f"/<{KINDS}:kind>/<token>/language", methods=["POST"])
@public
@with_respondent
def language(respondent: Respondent):
    """Change the survey language from a page without answers on it (review, confirmation)."""
    respondents.set_language(get_session(), respondent.response, request.form.get("language", ""))
    target = request.form.get("back") if request.form.get("back") in ("review", "done", "saved") else "review"
    return redirect(url_for(f"survey_respond.{target}", **_urls(respondent)), 303)


# --- review, submission, confirmation ---------------------------------------------------------


def _review_rows(definition, pages, raw, values, registry: bool, language: str):
    """Per page: (number, page, [(question, shown answer)]) for the questions that apply."""
    applicable = {q.name for q in answering.relevant_questions(definition, values, registry=registry)}
    rows = []
    for number, current in enumerate(pages, start=1):
        answered = []
        for question in answering.page_questions(current):
            if question.name in applicable and question.type != "calculate":
                answered.append((question, _shown_answer(definition, question, raw.get(question.name), language)))
        rows.append((number, current, answered))
    return rows


def _shown_answer(definition, question, raw_value, language: str) -> str:
    if raw_value is None:
        return ""
    if question.type in ("select_one", "select_multiple", "rank") and question.list_name:
        labels = {c.name: label(c.labels, language) for c in definition.choices.get(question.list_name, ())}
        chosen = raw_value if isinstance(raw_value, list) else [raw_value]
        if question.type == "rank":  # in order: "1. first; 2. second"
            order = answer_values.ranked(raw_value) or []
            return "; ".join(f"{number}. {labels.get(item, item)}" for number, item in enumerate(order, start=1))
        return "; ".join(labels.get(item, item) for item in chosen)
    typed = answering.to_typed(question, raw_value) if question.type == "date" else None
    if typed is not None:
        return format_date(typed, "medium", locale=language)  # in the reader's language, not ISO
    return raw_value if isinstance(raw_value, str) else " ".join(raw_value)


@bp.route(f"/<{KINDS}:kind>/<token>/review", methods=["GET", "POST"])
@public
@with_respondent
def review(respondent: Respondent):
    session = get_session()
    response = respondent.response
    if request.method == "GET" and response.status == "submitted" and not respondents.is_editing(response):
        return redirect(url_for("survey_respond.done", **_urls(respondent)))
    definition = respondents.definition_of(session, respondent)
    status = 200
    conflict = None
    if request.method == "POST":
        raw = answering.raw_from_form(definition, definition.questions(), request.form)
        raw.update(respond_repeats.from_review_form(definition, request.form))
        try:
            submission.submit(session, respondent, definition, key=request.form.get("submission_key", ""), raw=raw)
        except WaveNotOpen as error:
            return _closed(error, response.language)
        except submission.SubmissionConflict as error:
            conflict = error.reason
            status = 409
        except submission.SubmissionInvalid:
            status = 422
        else:
            return redirect(url_for("survey_respond.done", **_urls(respondent)), 303)
        session.refresh(response)
    elif not respondents.can_change(respondent):
        return _closed(WaveNotOpen(respondent.wave, waves.state(respondent.wave)), response.language)
    definition, raw, values, pages = _context(session, respondent)
    problems = answering.validate_all(definition, raw, registry=respondent.registry)
    shown = lambda q, value: _shown_answer(definition, q, value, response.language)  # noqa: E731
    repeats = respond_repeats.review(definition, pages, raw, values, problems, shown)
    with force_locale(response.language):
        errors = {name: _problem_text(problem, response.language) for name, problem in problems.items()}
    kept = {q.name for q in answering.relevant_questions(definition, values, registry=respondent.registry)}
    hidden = [
        (name, item)
        for name, value in raw.items()
        if name in kept and value is not None
        for item in (value if isinstance(value, list) else [value])
    ] + respond_repeats.hidden(definition, raw, values)
    return _render(
        respondent,
        "respond/review.html",
        status,
        definition=definition,
        wave=respondent.wave,
        rows=_review_rows(definition, pages, raw, values, respondent.registry, response.language),
        repeats=repeats,
        errors=errors,
        hidden=hidden,
        submission_key=response.submission_key,
        conflict=conflict,
        urls=_urls(respondent),
        resume_url=_resume_url(respondent),
        editing=respondents.is_editing(response),
        already_submitted=response.status == "submitted" and not respondents.is_editing(response),
    )


@bp.route(f"/<{KINDS}:kind>/<token>/done")
@public
@with_respondent
def done(respondent: Respondent):
    response = respondent.response
    if response.status != "submitted":
        return redirect(url_for("survey_respond.page", number=1, **_urls(respondent)))
    definition = respondents.definition_of(get_session(), respondent)
    return _render(
        respondent,
        "respond/done.html",
        definition=definition,
        wave=respondent.wave,
        response=response,
        urls=_urls(respondent),
        can_edit=respondents.can_change(respondent) and respondent.wave.allow_editing,
        editing=respondents.is_editing(response),
        resume_url=_resume_url(respondent),
    )


@bp.route(f"/<{KINDS}:kind>/<token>/edit", methods=["POST"])
@public
@with_respondent
def edit(respondent: Respondent):
    try:
        respondents.start_editing(get_session(), respondent)
    except WaveNotOpen as error:
        return _closed(error, respondent.response.language)
    return redirect(url_for("survey_respond.page", number=1, **_urls(respondent)), 303)
