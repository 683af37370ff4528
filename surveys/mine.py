"""A stakeholder's own surveys: the "My surveys" home page and their part of the data download.

The registry (a lower layer) knows nothing of surveys; `register_hooks` adds this module's section
to `stakeholders.self_service.PERSONAL_DATA_SECTIONS` (app.py calls it, like the erasure hooks), so
the right-of-access download and the participation history include invitations and responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.localized import localized_name
from stakeholders import self_service
from surveys import waves
from surveys.definition import label
from surveys.models import Answer, InstrumentVersion, Invitation, Response, Wave


@dataclass(frozen=True)
class MySurvey:
    """One wave a stakeholder was invited to or answered, and what they may do now."""

    wave: Wave
    title: str  # the survey's title in the reader's language, else the wave's name
    state: str  # the wave's: scheduled, open or closed
    status: str  # the response's: "" (not started), draft or submitted
    submitted_at: datetime | None
    token: str | None  # the personal invitation link's token, when there is one

    @property
    def can_answer(self) -> bool:
        """Open now and still theirs to fill in or change (until the wave closes, if it allows)."""
        if self.state != "open" or self.token is None:
            return False
        return self.status != "submitted" or self.wave.allow_editing

    @property
    def group(self) -> str:
        """Where the home page lists it: invited (not started), draft, or submitted; closed otherwise."""
        if self.status == "submitted":
            return "submitted"
        if self.state != "open":
            return "closed" if self.state == "closed" else "scheduled"
        return self.status or "invited"


def stakeholder_surveys(session: Session, stakeholder_id: int, locale: str = "en") -> list[MySurvey]:
    """Every wave the stakeholder was invited to or answered, the newest first."""
    invitations = {
        i.wave_id: i for i in session.exec(select(Invitation).where(Invitation.stakeholder_id == stakeholder_id))
    }
    responses = {r.wave_id: r for r in session.exec(select(Response).where(Response.stakeholder_id == stakeholder_id))}
    wave_ids = set(invitations) | set(responses)
    if not wave_ids:
        return []
    rows = session.exec(
        select(Wave, InstrumentVersion)
        .join(InstrumentVersion, InstrumentVersion.id == Wave.version_id)
        .where(Wave.id.in_(wave_ids), Wave.status != "draft")
        .order_by(Wave.closes_at.desc(), Wave.id.desc())
    ).all()
    found = []
    for wave, version in rows:
        response, invitation = responses.get(wave.id), invitations.get(wave.id)
        found.append(
            MySurvey(
                wave=wave,
                title=label(version.definition.get("titles") or {}, locale) or localized_name(wave, locale),
                state=waves.state(wave),
                status=response.status if response else "",
                submitted_at=response.submitted_at if response else None,
                token=invitation.token if invitation else None,
            )
        )
    return found


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _answer_value(answer: Answer):
    if answer.value_date is not None:
        return answer.value_date.isoformat()
    return answer.value_number if answer.value_number is not None else answer.value_text


def _answer_key(answer: Answer) -> str:
    """The question's name; inside a repeat, with its instance's path, so that no instance hides another:
    `name[2]` for the second instance, `number[2.1]` for the first nested instance within it."""
    if not answer.instance:
        return answer.question
    return f"{answer.question}[{'.'.join(p for p in (answer.parent_instances, str(answer.instance)) if p)}]"


def personal_data(session: Session, stakeholder_id: int) -> list[dict]:
    """Invitations (wave, dates) and responses (wave, state, submitted time, answers), for download."""
    found = []
    for wave in session.exec(
        select(Wave)
        .where(
            Wave.id.in_(select(Invitation.wave_id).where(Invitation.stakeholder_id == stakeholder_id))
            | Wave.id.in_(select(Response.wave_id).where(Response.stakeholder_id == stakeholder_id))
        )
        .order_by(Wave.opens_at, Wave.id)
    ):
        invitation = session.exec(
            select(Invitation).where(Invitation.wave_id == wave.id, Invitation.stakeholder_id == stakeholder_id)
        ).first()
        response = session.exec(
            select(Response).where(Response.wave_id == wave.id, Response.stakeholder_id == stakeholder_id)
        ).first()
        found.append(
            {
                "wave": wave.name,
                "opens_at": _iso(wave.opens_at),
                "closes_at": _iso(wave.closes_at),
                "invitation": _invitation_data(invitation),
                "response": _response_data(session, response),
            }
        )
    return found


def _invitation_data(invitation: Invitation | None) -> dict | None:
    if invitation is None:
        return None
    return {
        "language": invitation.language,
        "created_at": _iso(invitation.created_at),
        "sent_at": _iso(invitation.sent_at),
        "reminders_sent": invitation.reminders_sent,
        "last_reminded_at": _iso(invitation.last_reminded_at),
    }


def _response_data(session: Session, response: Response | None) -> dict | None:
    if response is None:
        return None
    if response.status == "submitted":
        stored = session.exec(select(Answer).where(Answer.response_id == response.id))
        answers = {_answer_key(a): _answer_value(a) for a in stored}
    else:
        answers = dict(response.draft or {})  # a draft's answers are kept as typed
    return {
        "state": response.status,
        "language": response.language,
        "started_at": _iso(response.started_at),
        "updated_at": _iso(response.updated_at),
        "submitted_at": _iso(response.submitted_at),
        "answers": answers,
    }


SECTION = self_service.PersonalDataSection(
    key="surveys",
    data=personal_data,
    history_template="my_surveys/_history.html",
    history=stakeholder_surveys,
)


def register_hooks() -> None:
    """Have the registry include a stakeholder's surveys in their data (app.py does, once per app)."""
    self_service.register_personal_data_section(SECTION)
