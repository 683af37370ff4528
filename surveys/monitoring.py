"""How a wave is going: response rates of invitees, open-link responses, drop-off page by page.

Plain data for the views. An invitee's region, country and category are read from the registry
as they are now; an invitation whose stakeholder was erased counts under "unknown" (None).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case
from sqlmodel import Session, func, select

from core.reference.models import Country
from stakeholders.models import Stakeholder
from surveys.models import InstrumentVersion, Invitation, OpenLink, Response, Wave


@dataclass(frozen=True)
class Rate:
    key: str | None  # the group's code; None for the whole wave or an unknown group
    invited: int
    started: int  # a draft, not submitted
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass(frozen=True)
class ResponseRates:
    overall: Rate
    by_region: list[Rate]
    by_country: list[Rate]
    by_category: list[Rate]


def _rates(session: Session, wave: Wave, group=None) -> list[Rate]:
    submitted = func.sum(case((Response.status == "submitted", 1), else_=0))
    started = func.sum(case((Response.status == "draft", 1), else_=0))
    counts = [func.count(Invitation.id), started, submitted]
    query = (
        select(*([group] if group is not None else []), *counts)
        .select_from(Invitation)
        .outerjoin(Stakeholder, Stakeholder.id == Invitation.stakeholder_id)
        .outerjoin(Country, Country.iso2 == Stakeholder.country)
        .outerjoin(
            Response, and_(Response.wave_id == Invitation.wave_id, Response.stakeholder_id == Invitation.stakeholder_id)
        )
        .where(Invitation.wave_id == wave.id, Invitation.sent_at.is_not(None))
    )
    if group is not None:
        query = query.group_by(group)
    found = session.exec(query).all()
    if group is None:
        found = [(None, *row) for row in found]
    rows = [Rate(key, invited or 0, int(s or 0), int(d or 0)) for key, invited, s, d in found]
    return sorted(rows, key=lambda r: (-r.invited, r.key or "\uffff"))


def response_rates(session: Session, wave: Wave) -> ResponseRates:
    """Invited versus submitted, overall and by regional group, country and category."""
    overall = _rates(session, wave)
    return ResponseRates(
        overall=overall[0] if overall else Rate(None, 0, 0, 0),
        by_region=_rates(session, wave, Country.regional_group),
        by_country=_rates(session, wave, Stakeholder.country),
        by_category=_rates(session, wave, Stakeholder.category),
    )


@dataclass(frozen=True)
class NetworkCount:
    network: str
    is_active: bool
    started: int
    submitted: int


def open_link_responses(session: Session, wave: Wave) -> list[NetworkCount]:
    """Responses through each network's open link, links without responses included."""
    submitted = func.sum(case((Response.status == "submitted", 1), else_=0))
    started = func.sum(case((Response.status == "draft", 1), else_=0))
    rows = session.exec(
        select(OpenLink.network, OpenLink.is_active, started, submitted)
        .outerjoin(Response, Response.open_link_id == OpenLink.id)
        .where(OpenLink.wave_id == wave.id)
        .group_by(OpenLink.id, OpenLink.network, OpenLink.is_active)
    ).all()
    counts = [NetworkCount(network, bool(active), int(s or 0), int(d or 0)) for network, active, s, d in rows]
    return sorted(counts, key=lambda c: (-c.submitted, c.network))


@dataclass(frozen=True)
class PageDropoff:
    index: int  # 0-based page number; len(pages) is the review page
    name: str  # the page (group) name; "" for the review page
    labels: dict  # language code -> page title
    reached: int  # responses that got at least this far (submitted ones reached every page)
    stopped: int  # drafts whose furthest page is this one

    @property
    def stopped_share(self) -> float | None:
        return self.stopped / self.reached if self.reached else None


@dataclass(frozen=True)
class DropOff:
    pages: list[PageDropoff]
    submitted: int
    drafts: int


def drop_off(session: Session, wave: Wave) -> DropOff:
    """Where respondents stop: drafts by the furthest page they reached (`Response.last_page`)."""
    version = session.get(InstrumentVersion, wave.version_id)
    pages = (version.definition or {}).get("pages", []) if version else []
    submitted = session.exec(
        select(func.count()).select_from(Response).where(Response.wave_id == wave.id, Response.status == "submitted")
    ).one()
    by_page: dict[int, int] = {}
    for last_page, count in session.exec(
        select(Response.last_page, func.count())
        .where(Response.wave_id == wave.id, Response.status == "draft")
        .group_by(Response.last_page)
    ).all():
        index = min(max(last_page or 0, 0), len(pages))  # past the last page: on the review page
        by_page[index] = by_page.get(index, 0) + count
    drafts = sum(by_page.values())
    rows = []
    for index in range(len(pages) + (1 if by_page.get(len(pages)) else 0)):
        page = pages[index] if index < len(pages) else {"name": "", "labels": {}}
        reached = submitted + sum(count for i, count in by_page.items() if i >= index)
        rows.append(
            PageDropoff(
                index=index,
                name=page.get("name", ""),
                labels=page.get("labels") or {},
                reached=reached,
                stopped=by_page.get(index, 0),
            )
        )
    return DropOff(pages=rows, submitted=submitted, drafts=drafts)
