"""Submitting a response: atomic and idempotent.

Each response carries a submission key made when it starts (and renewed when a submitted
response is opened for changes). The first submission with the current key wins a
conditional UPDATE (`... WHERE submission_key = :key AND content_digest IS NULL`), which
both databases serialise on the row; the answers are written in the same transaction. A
retry, a double click or twenty parallel posts with that key and the same content find the
digest already set and get the same confirmation; the same key with other content is refused.
Anything that fails rolls back: nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders.models import Stakeholder
from surveys import answering, repeat_answers, shown, waves
from surveys.definition import PROFILE_FIELDS, Definition, Question
from surveys.models import Answer, Response
from surveys.respondents import Respondent, WaveNotOpen, can_change


class SubmissionConflict(Exception):
    """The key was already used for different answers, or is no longer the response's key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "changed" | "stale"


class SubmissionInvalid(Exception):
    def __init__(self, problems: dict[str, answering.AnswerProblem]):
        super().__init__(", ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Submitted:
    response_id: int
    duplicate: bool  # an earlier post with this key already stored these answers


def submit(
    session: Session, respondent: Respondent, definition: Definition, *, key: str, raw: Mapping[str, answering.Raw]
) -> Submitted:
    """Store the answers in `raw` as the response's submission, exactly once per key. Values are
    normalised first (`answering.clean_answers`), so what is stored is what analysis matches."""
    response = respondent.response
    raw = answering.clean_answers(definition, raw)
    # Typed values and the questions that apply, worked out once for what is kept, checked and recorded
    # (the same as `answering.kept_answers`, `answering.validate_all` and `shown.shown_at_submission`).
    values = repeat_answers.form_values(definition, raw)  # typed_values, and repeats' instances if any
    applicable = answering.relevant_questions(definition, values, registry=respondent.registry)
    answers = {q.name: values[q.name] for q in applicable if values.get(q.name) is not None and values[q.name] != []}
    repeated = repeat_answers.for_submission(definition, raw, values)
    digest = answering.content_digest({**answers, **repeated.digest_part()})
    already = _outcome_of_used_key(response, key, digest)
    if already is not None:
        return already
    if not can_change(respondent):
        raise WaveNotOpen(respondent.wave, waves.state(respondent.wave))
    problems = {**answering.validate_questions(definition, applicable, raw, values), **repeated.problems}
    if problems:
        raise SubmissionInvalid(problems)
    profile = (
        _registry_profile(session, response.stakeholder_id)
        if respondent.registry
        else _answered_profile(session, definition, answers)
    )
    conditional = shown.conditional_names(definition)
    profile["shown"] = [q.name for q in applicable if q.name in conditional]
    now = utcnow()
    rows = _answer_rows(response.id, definition, answers) + repeated.rows(response.id)
    # recorded beside the answers, out of the digest: a retry later is still the same submission
    rows += _metadata_rows(response.id, answering.metadata_rows(definition, response.started_at, now))
    won = _store(session, response, key, digest, profile, rows, raw, now)
    if won:
        return Submitted(response.id, duplicate=False)
    session.refresh(response)
    outcome = _outcome_of_used_key(response, key, digest)
    if outcome is None:  # the key is current and unused, yet the update matched nothing
        raise SubmissionConflict("stale")
    return outcome


def _answer_rows(response_id: int, definition: Definition, answers: Mapping[str, object]) -> list[dict]:
    return answer_rows(response_id, {q.name: q for q in definition.questions()}, answers)


def answer_rows(response_id: int, questions: Mapping[str, Question], answers: Mapping[str, object]) -> list[dict]:
    """The Answer rows of one response's typed answers, for a Core insert (imports write them too)."""
    return [
        {
            "response_id": response_id,
            "question": name,
            "instance": 0,
            "parent_instances": "",
            "value_text": None,
            "value_number": None,
            "value_date": None,
            **answering.answer_columns(questions[name], value),
        }
        for name, value in answers.items()
    ]


def _metadata_rows(response_id: int, found: Mapping[str, dict]) -> list[dict]:
    empty = {"instance": 0, "parent_instances": "", "value_text": None, "value_number": None, "value_date": None}
    return [{"response_id": response_id, "question": name, **empty, **columns} for name, columns in found.items()]


# Built once, the values bound at each execution: composing the statements costs more than
# running them. The UPDATE's SET clause is the parameters' other keys (the stored values).
_RESPONSES, _ANSWERS = Response.__table__, Answer.__table__
_CLAIM = update(_RESPONSES).where(
    _RESPONSES.c.id == bindparam("b_id"),
    _RESPONSES.c.submission_key == bindparam("b_key"),
    _RESPONSES.c.content_digest.is_(None),
)
_CLEAR_ANSWERS = delete(_ANSWERS).where(_ANSWERS.c.response_id == bindparam("b_id"))
_INSERT_ANSWERS = insert(_ANSWERS)


def _store(
    session: Session,
    response: Response,
    key: str,
    digest: str,
    profile: dict,
    rows: list[dict],
    raw: Mapping[str, answering.Raw],
    now,
) -> bool:
    """The conditional UPDATE and the answers, in one transaction; False when another post won.
    When it won, the response in the session is given the values it now has in the database."""
    # End the reading transaction so the conditional UPDATE opens the writing one: SQLite
    # cannot upgrade a read snapshot another writer has moved past.
    session.commit()
    stored = {
        "status": "submitted",
        "content_digest": digest,
        "submitted_at": now,
        "updated_at": now,
        "draft": {name: value for name, value in raw.items() if value is not None},
        **profile,
    }
    try:
        # Core statements on the session's connection: the ORM's bulk UPDATE and INSERT paths add
        # nothing here but their cost (the response in the session is brought up to date below).
        connection = session.connection()
        won = connection.execute(_CLAIM, {"b_id": response.id, "b_key": key, **stored}).rowcount == 1
        if won:
            connection.execute(_CLEAR_ANSWERS, {"b_id": response.id})
            if rows:  # one Core executemany (the ORM's bulk insert splits it by the columns each row sets)
                connection.execute(_INSERT_ANSWERS, rows)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if won:
        for name, value in stored.items():
            set_committed_value(response, name, value)
    return won


def _outcome_of_used_key(response: Response, key: str, digest: str) -> Submitted | None:
    """What a post with `key` means if that key has been used or replaced; None if it is fresh."""
    if key != response.submission_key:
        raise SubmissionConflict("stale")
    if response.content_digest is None:
        return None
    if response.content_digest == digest:
        return Submitted(response.id, duplicate=True)
    raise SubmissionConflict("changed")


_REGISTRY_PROFILE = (
    select(
        Stakeholder.country,
        Country.regional_group,
        Stakeholder.category,
        Stakeholder.gender,
        Stakeholder.stakeholder_type,
    )
    .join(Country, Country.iso2 == Stakeholder.country, isouter=True)
    .where(Stakeholder.id == bindparam("id"))
)


def _registry_profile(session: Session, stakeholder_id: int | None) -> dict:
    """Profile columns frozen from the registry at submission."""
    # plain columns: on the session's connection (same transaction), without the ORM's result handling
    found = session.connection().execute(_REGISTRY_PROFILE, {"id": stakeholder_id}).first()
    if found is None:
        return {}
    return dict(zip(("country", "regional_group", "category", "gender", "stakeholder_type"), found, strict=True))


def _answered_profile(session: Session, definition: Definition, answers: Mapping[str, object]) -> dict:
    """Profile columns from the profile questions an open-link respondent answered."""
    profile: dict = {name: None for name in (*PROFILE_FIELDS, "regional_group")}
    for question in definition.questions():
        if question.profile in PROFILE_FIELDS and isinstance(answers.get(question.name), str):
            profile[question.profile] = answers[question.name]
    if profile["country"]:
        country = session.get(Country, profile["country"])
        if country is None:
            profile["country"] = None
        else:
            profile["regional_group"] = country.regional_group
    return profile


def submitted_answers(session: Session, response_id: int) -> dict[str, Answer]:
    return {a.question: a for a in session.exec(select(Answer).where(Answer.response_id == response_id))}


def is_submitted_with(response: Response, key: str) -> bool:
    return response.status == "submitted" and response.submission_key == key and response.content_digest is not None


__all__ = ["SubmissionConflict", "SubmissionInvalid", "Submitted", "answer_rows", "submit", "submitted_answers"]
