"""Engagement activities and participation records: the data behind the "level of participation"
indicator (decision IPBES-3/4, annex II, para 20). No HTTP here; each action commits once.

What an activity or a participation record must be is in stakeholders/schemas.py (`ActivityCreate`,
`ParticipationCreate`); `participation_problems` adds the rules that need the database. Imports
(stakeholders/importing.py) validate every row with them and write only when no row has a problem.
Forms use `save_activity`, `add_participation` and `remove_participation`, which audit and commit;
problems are raised as codes (`core.problems.ValidationFailed`).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, case, extract, func, select

from core import audit
from core.accounts.models import User
from core.accounts.services import normalise_email
from core.problems import Problem, refuse
from stakeholders import vocabularies as vocab
from stakeholders.models import Activity, Organisation, OrganisationName, Participation, Stakeholder
from stakeholders.schemas import ActivityCreate, ParticipationCreate

# --- activities --------------------------------------------------------------------------


def apply_activity(session: Session, activity: Activity, data: ActivityCreate) -> Activity:
    """Write validated data onto an activity; no commit. Titles in other languages are kept unless
    given (an import file has none)."""
    values = data.model_dump(include=set(ActivityCreate.model_fields))
    if "name_translations" not in data.model_fields_set:
        values.pop("name_translations")
    for name, value in values.items():
        setattr(activity, name, value)
    session.add(activity)
    session.flush()
    return activity


def activity_values(activity: Activity) -> dict:
    """An activity's values, as `ActivityCreate` fields (to fill its form)."""
    return {name: getattr(activity, name) for name in ActivityCreate.model_fields}


def save_activity(
    *, session: Session, activity: Activity | None, data: ActivityCreate, actor_id: int | None
) -> Activity:
    """Create (activity=None) or edit an activity."""
    created = activity is None
    if created:
        activity = Activity(title="", activity_type=data.activity_type, start_date=data.start_date)
    apply_activity(session, activity, data)
    audit.record(
        session,
        "activity.created" if created else "activity.edited",
        actor_id=actor_id,
        target=f"activity:{activity.id}",
        title=activity.title,
        activity_type=activity.activity_type,
    )
    session.commit()
    return activity


class ActivityRow(NamedTuple):
    activity: Activity
    roles: dict[str, int]  # role code -> number of participation records, in vocabulary order
    total: int


SORTS = ("-date", "date")


def list_activities(
    session: Session,
    *,
    activity_type: str = "",
    year: int | None = None,
    sort: str = "-date",
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[ActivityRow], int]:
    """Activities of a type and a year, newest first (sort="-date") or oldest first ("date"),
    each with its number of participation records by role; and the total number of activities."""
    conditions = []
    if activity_type:
        conditions.append(Activity.activity_type == activity_type)
    if year:
        conditions.append(Activity.start_date >= date(year, 1, 1))
        conditions.append(Activity.start_date < date(year + 1, 1, 1))
    total = session.exec(select(func.count()).select_from(Activity).where(*conditions)).one()
    if sort == "date":
        order = (Activity.start_date, Activity.id)
    else:
        order = (Activity.start_date.desc(), Activity.id.desc())
    activities = session.exec(
        select(Activity).where(*conditions).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    counts: dict[int, dict[str, int]] = {a.id: {} for a in activities}
    if activities:
        for activity_id, role, number in session.exec(
            select(Participation.activity_id, Participation.role, func.count())
            .where(Participation.activity_id.in_(list(counts)))
            .group_by(Participation.activity_id, Participation.role)
        ):
            counts[activity_id][role] = number
    rows = [ActivityRow(a, _in_role_order(counts[a.id]), sum(counts[a.id].values())) for a in activities]
    return rows, total


def activity_years(session: Session) -> list[int]:
    """Years in which some activity starts, newest first (for the year filter)."""
    year = extract("year", Activity.start_date)
    return [int(y) for y in session.exec(select(year).distinct().order_by(year.desc())) if y is not None]


def _in_role_order(counts: dict[str, int]) -> dict[str, int]:
    order = vocab.PARTICIPATION_ROLE.codes
    return dict(sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


# --- participation -----------------------------------------------------------------------


def stakeholder_by_email(session: Session, email: str) -> Stakeholder | None:
    """The (not erased) stakeholder profile of the account with this email, any case."""
    return session.exec(
        select(Stakeholder)
        .join(User, User.id == Stakeholder.user_id)
        .where(User.email == normalise_email(email or ""), Stakeholder.erased_at.is_(None))
    ).first()


def participation_problems(session: Session, data: ParticipationCreate) -> list[Problem]:
    """What a record valid by its model may still not hold: an activity, a stakeholder or an approved
    organisation that is not recorded. Fields: activity, stakeholder, organisation."""
    problems = []
    if session.get(Activity, data.activity_id) is None:
        problems.append(Problem("activity", "unknown_activity"))
    if data.stakeholder_id is not None:
        stakeholder = session.get(Stakeholder, data.stakeholder_id)
        if stakeholder is None or stakeholder.erased_at is not None:
            problems.append(Problem("stakeholder", "unknown_stakeholder"))
    if data.organisation_id is not None:
        organisation = session.get(Organisation, data.organisation_id)
        if organisation is None or organisation.status != "approved":
            problems.append(Problem("organisation", "approved_organisation"))
    return problems


def _existing(session: Session, data: ParticipationCreate) -> Participation | None:
    party = (
        Participation.stakeholder_id == data.stakeholder_id
        if data.stakeholder_id is not None
        else Participation.organisation_id == data.organisation_id
    )
    return session.exec(
        select(Participation).where(
            Participation.activity_id == data.activity_id, party, Participation.role == data.role
        )
    ).first()


def upsert_participation(session: Session, data: ParticipationCreate) -> tuple[Participation, bool]:
    """Write one validated record, no commit: (record, True) when new; when the same party already
    has this role in this activity, (that record, False) with its comments replaced by `comments`
    (None keeps the recorded number)."""
    existing = _existing(session, data)
    if existing is not None:
        if data.comments is not None:
            existing.comments = data.comments
        session.add(existing)
        return existing, False
    record = Participation(**data.model_dump(include=set(ParticipationCreate.model_fields)))
    session.add(record)
    session.flush()
    return record, True


def _party_target(stakeholder_id: int | None, organisation_id: int | None) -> str:
    return f"stakeholder:{stakeholder_id}" if stakeholder_id is not None else f"organisation:{organisation_id}"


def _upsert_and_audit(
    session: Session, data: ParticipationCreate, actor_id: int | None, *, again: bool = False
) -> tuple[Participation, bool]:
    record, created = upsert_participation(session, data)
    audit.record(
        session,
        "participation.added" if created and not again else "participation.updated",
        actor_id=actor_id,
        target=_party_target(data.stakeholder_id, data.organisation_id),
        participation_id=record.id,
        activity_id=data.activity_id,
        role=data.role,
        comments=data.comments,
    )
    session.commit()
    return record, created


def add_participation(
    *, session: Session, data: ParticipationCreate, actor_id: int | None
) -> tuple[Participation, bool]:
    """Link a stakeholder or an organisation to an activity with a role; (record, created).
    The same (activity, party, role) again updates the comments instead of adding a record.
    Raises ValidationFailed, saving nothing, on bad input."""
    refuse(participation_problems(session, data))
    try:
        return _upsert_and_audit(session, data, actor_id)
    except IntegrityError:
        # Another request added the same record between our look-up and our insert: update it instead.
        session.rollback()
        return _upsert_and_audit(session, data, actor_id, again=True)


def remove_participation(*, session: Session, record: Participation, actor_id: int | None) -> None:
    audit.record(
        session,
        "participation.removed",
        actor_id=actor_id,
        target=_party_target(record.stakeholder_id, record.organisation_id),
        participation_id=record.id,
        activity_id=record.activity_id,
        role=record.role,
        comments=record.comments,
    )
    session.delete(record)
    session.commit()


class ParticipationRow(NamedTuple):
    record: Participation
    party_kind: str  # "stakeholder" or "organisation"
    party_name: str  # empty for a stakeholder whose personal data was erased
    party_id: int


def activity_participation(
    session: Session, activity_id: int, *, language: str = "en", role: str = "", page: int = 1, per_page: int = 100
) -> tuple[list[ParticipationRow], int]:
    """An activity's records, by role then party name, with the party's name (organisations in
    `language` when they have a name in it); and their total."""
    conditions = [Participation.activity_id == activity_id]
    if role:
        conditions.append(Participation.role == role)
    total = session.exec(select(func.count()).select_from(Participation).where(*conditions)).one()
    role_order = {code: index for index, code in enumerate(vocab.PARTICIPATION_ROLE.codes)}
    local_name = (
        select(OrganisationName.name)
        .where(OrganisationName.organisation_id == Organisation.id, OrganisationName.language == language)
        .correlate(Organisation)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Participation, User.name, func.coalesce(local_name, Organisation.name))
        .outerjoin(Stakeholder, Stakeholder.id == Participation.stakeholder_id)
        .outerjoin(User, User.id == Stakeholder.user_id)
        .outerjoin(Organisation, Organisation.id == Participation.organisation_id)
        .where(*conditions)
        .order_by(
            case(role_order, value=Participation.role, else_=len(role_order)),
            func.coalesce(Stakeholder.search_name, Organisation.search_name),
            Participation.id,
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    result = []
    for record, person, organisation in rows:
        if record.stakeholder_id is not None:
            result.append(ParticipationRow(record, "stakeholder", person or "", record.stakeholder_id))
        else:
            result.append(ParticipationRow(record, "organisation", organisation or "", record.organisation_id))
    return result, total


class RoleTotal(NamedTuple):
    role: str
    count: int
    comments: int


def role_totals(session: Session, activity_id: int) -> list[RoleTotal]:
    """Number of records and of review comments per role in one activity, in vocabulary order."""
    rows = session.exec(
        select(Participation.role, func.count(), func.coalesce(func.sum(Participation.comments), 0))
        .where(Participation.activity_id == activity_id)
        .group_by(Participation.role)
    ).all()
    found = {role: RoleTotal(role, count, int(comments)) for role, count, comments in rows}
    return list(_in_role_order(found).values())


class HistoryRow(NamedTuple):
    activity: Activity
    role: str
    comments: int | None


def history(session: Session, stakeholder_id: int) -> list[HistoryRow]:
    """One stakeholder's own participation, newest activity first."""
    rows = session.exec(
        select(Activity, Participation.role, Participation.comments)
        .join(Participation, Participation.activity_id == Activity.id)
        .where(Participation.stakeholder_id == stakeholder_id)
        .order_by(Activity.start_date.desc(), Activity.id.desc(), Participation.id)
    ).all()
    return [HistoryRow(activity, role, comments) for activity, role, comments in rows]


# --- summaries for the indicators --------------------------------------------------------


class SummaryRow(NamedTuple):
    year: int
    activity_type: str
    role: str
    count: int  # participation records
    comments: int  # review comments, summed (0 when none recorded)


def participation_summary(session: Session, *, year: int | None = None, activity_type: str = "") -> list[SummaryRow]:
    """The decision's "summary table of participation": records and review comments per year of the
    activity's start, activity type and role, ordered by year, then type and role in vocabulary order.
    Records of stakeholders whose personal data was erased still count."""
    start_year = extract("year", Activity.start_date)
    statement = (
        select(
            start_year,
            Activity.activity_type,
            Participation.role,
            func.count(),
            func.coalesce(func.sum(Participation.comments), 0),
        )
        .join(Activity, Activity.id == Participation.activity_id)
        .group_by(start_year, Activity.activity_type, Participation.role)
    )
    if year:
        statement = statement.where(Activity.start_date >= date(year, 1, 1), Activity.start_date < date(year + 1, 1, 1))
    if activity_type:
        statement = statement.where(Activity.activity_type == activity_type)
    types = {code: index for index, code in enumerate(vocab.ACTIVITY_TYPE.codes)}
    roles = {code: index for index, code in enumerate(vocab.PARTICIPATION_ROLE.codes)}
    rows = [SummaryRow(int(y), t, r, int(n), int(c)) for y, t, r, n, c in session.exec(statement)]
    return sorted(
        rows, key=lambda row: (row.year, types.get(row.activity_type, len(types)), roles.get(row.role, len(roles)))
    )
