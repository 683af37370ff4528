"""The one place where problem codes (`core.problems`) become messages, at the edge.

Every code maps to a lazy gettext message built from the problem's parameters; views put them on
their form fields (`show_on_form`), importers in their row and column report (`message`). Models
and services only ever say the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from flask_babel import lazy_gettext as _l

from core.problems import Problem


def _shown(value) -> str:
    """A parameter as a message shows it: lists joined, dates as YYYY-MM-DD."""
    if isinstance(value, (list, tuple)):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _not_allowed(value="", allowed=None, **_params):
    if allowed:
        return _l(
            "%(value)s is not one of the allowed values: %(allowed)s.",
            value=_shown(value),
            allowed=", ".join(map(str, allowed)),
        )
    return _l("%(value)s is not one of the allowed values.", value=_shown(value))


MESSAGES: dict[str, Callable[..., object]] = {
    # any field
    "required": lambda **p: _l("A value is required."),
    "too_long": lambda max, **p: _l("At most %(count)s characters.", count=max),
    "not_allowed": _not_allowed,
    "invalid": _not_allowed,
    "bad_url": lambda **p: _l("A web address starts with http:// or https://."),
    "bad_email": lambda value, **p: _l("%(value)s is not a valid email address.", value=_shown(value)),
    "bad_date": lambda value, **p: _l("%(value)s is not a date written YYYY-MM-DD.", value=_shown(value)),
    "not_integer": lambda value, **p: _l("%(value)s is not a whole number.", value=_shown(value)),
    "out_of_range": lambda value, **p: _l("%(value)s is out of range.", value=_shown(value)),
    "date_before": lambda date, **p: _l("This date cannot be before %(date)s.", date=_shown(date)),
    "unknown_country": lambda value, **p: _l("%(value)s is not a recorded country.", value=_shown(value)),
    # engagement records
    "duplicate_record": lambda **p: _l("The same record is already recorded."),
    "unknown_stakeholder": lambda **p: _l("Unknown stakeholder."),
    "country_not_in_group": lambda **p: _l("The country is not in this regional group."),
    "region_or_country": lambda **p: _l("Give a regional group or a country (or both)."),
    "answer_needed": lambda **p: _l("An answered concern needs the answer given."),
    "answer_date_needed": lambda **p: _l("An answered concern needs the date of the answer."),
    "no_longer_open": lambda **p: _l("A concern with an answer date is no longer open."),
    # the registry
    "unknown_organisation": lambda **p: _l("Unknown organisation."),
    "organisation_exists": lambda **p: _l("An organisation with this name already exists in this country."),
    "unknown_activity": lambda **p: _l("Unknown activity."),
    "end_before_start": lambda **p: _l("The end date cannot be before the start date."),
    "one_party": lambda **p: _l("Give either a stakeholder or an organisation, not both."),
    "approved_organisation": lambda **p: _l("Choose an approved organisation."),
    "reviewers_only": lambda **p: _l("Only reviewers have a number of comments."),
    # focal point assignments
    "end_not_after_start": lambda **p: _l("The end date must come after the start date."),
    "end_before_assignment_start": lambda **p: _l("The end date cannot come before the start date."),
    "already_ended": lambda **p: _l("This assignment has already ended."),
    "name_for_new_account": lambda **p: _l("No account has this email address: give the person's name to create one."),
    "staff_account": lambda **p: _l("This is a secretariat or administrator account: staff cannot be focal points."),
    "account_deactivated": lambda **p: _l("This account is deactivated."),
    "focal_point_elsewhere": lambda country, **p: _l(
        "This person is already a focal point of another country (%(country)s) until that assignment ends.",
        country=country,
    ),
    "already_assigned": lambda **p: _l("This person already has an assignment for this country that has not ended."),
}


def message(problem: Problem):
    """The problem's message, as a lazy string (translated when shown)."""
    return MESSAGES.get(problem.code, MESSAGES["invalid"])(**problem.params)


def show_on_form(form, problems: Iterable[Problem], fields: Mapping[str, str | tuple[str, ...]] | None = None) -> None:
    """Put each problem on the form field(s) it concerns (`fields` maps a problem's field to form
    fields where the names differ), else above the form. What the user typed stays in the form."""
    fields = fields or {}
    for item in problems:
        text = str(message(item))
        targets = fields.get(item.field, item.field)
        targets = (targets,) if isinstance(targets, str) else targets
        placed = False
        for target in targets:
            if target in form._fields:
                form[target].errors = [*form[target].errors, text]
                placed = True
        if not placed:
            form.form_errors.append(text)
