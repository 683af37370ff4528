"""Engagement activities and participation records: the data behind the "level of participation"
indicator (decision IPBES-3/4, annex II, para 20). No HTTP here; each action commits once.

For imports (stakeholders/importing.py): validate every row with `activity_problems` /
`participation_problems`, and only when no row has a problem write them with `apply_activity` /
`upsert_participation` (no commit, no audit) and commit once. Forms use `save_activity`,
`add_participation` and `remove_participation`, which validate, audit and commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, case, extract, func, select

from core import audit
from core.accounts.models import User
from core.accounts.services import normalise_email
from stakeholders import vocabularies as vocab
from stakeholders.models import Activity, Organisation, OrganisationName, Participation, Stakeholder
from stakeholders.services import RegistryError

COMMENTED_ROLE = "reviewer"  # the only role that carries a number of review comments


class ParticipationError(RegistryError):
    """Input that cannot be saved; `problems` lists (field, message) pairs fit to show the user."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ParticipationError(problems)


# --- activities --------------------------------------------------------------------------


@dataclass
class ActivityData:
    """An activity as a form or an import provides it (a type code, not a label)."""

    title: str
    activity_type: str
    start_date: date | None
    end_date: date | None = None
    deliverable: str = ""
    description: str = ""


def activity_problems(data: ActivityData) -> list[tuple[str, str]]:
    """(field, message) for every value an activity may not hold; empty when valid."""
    problems = []
    title = (data.title or "").strip()
    if not title:
        problems.append(("title", str(_l("A title is required."))))
    elif len(title) > 300:
        problems.append(("title", str(_l("At most %(max)d characters.", max=300))))
    if data.activity_type not in vocab.ACTIVITY_TYPE.codes:
        problems.append(
            ("activity_type", str(_l("%(value)s is not one of the allowed values.", value=data.activity_type or "")))
        )
    if data.start_date is None:
        problems.append(("start_date", str(_l("A start date is required."))))
    elif data.end_date is not None and data.end_date < data.start_date:
        problems.append(("end_date", str(_l("The end date cannot be before the start date."))))
    if len((data.deliverable or "").strip()) > 200:
        problems.append(("deliverable", str(_l("At most %(max)d characters.", max=200))))
    return problems


def apply_activity(session: Session, activity: Activity, data: ActivityData) -> Activity:
    """Write validated data onto an activity; no commit."""
    activity.title = data.title.strip()
    activity.activity_type = data.activity_type
    activity.start_date = data.start_date
    activity.end_date = data.end_date
    activity.deliverable = (data.deliverable or "").strip()
    activity.description = (data.description or "").strip()
    session.add(activity)
    session.flush()
    return activity


def activity_data(activity: Activity) -> ActivityData:
    return ActivityData(
        title=activity.title,
        activity_type=activity.activity_type,
        start_date=activity.start_date,
        end_date=activity.end_date,
        deliverable=activity.deliverable,
        description=activity.description,
    )


def save_activity(*, session: Session, activity: Activity | None, data: ActivityData, actor_id: int | None) -> Activity:
    """Create (activity=None) or edit an activity; raises ParticipationError, saving nothing, on bad input."""
    _refuse(activity_problems(data))
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


def participation_problems(
    session: Session,
    *,
    activity: Activity | None,
    stakeholder_id: int | None = None,
    organisation_id: int | None = None,
    role: str,
    comments: int | None = None,
) -> list[tuple[str, str]]:
    """(field, message) for every reason this record cannot be saved; empty when valid.
    Fields: activity, party (neither or both parties given), stakeholder, organisation, role, comments."""
    problems = []
    if activity is None:
        problems.append(("activity", str(_l("Unknown activity."))))
    if (stakeholder_id is None) == (organisation_id is None):
        problems.append(("party", str(_l("Give either a stakeholder or an organisation, not both."))))
    if stakeholder_id is not None:
        stakeholder = session.get(Stakeholder, stakeholder_id)
        if stakeholder is None or stakeholder.erased_at is not None:
            problems.append(("stakeholder", str(_l("Unknown stakeholder."))))
    if organisation_id is not None:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or organisation.status != "approved":
            problems.append(("organisation", str(_l("Choose an approved organisation."))))
    if role not in vocab.PARTICIPATION_ROLE.codes:
        problems.append(("role", str(_l("%(value)s is not one of the allowed values.", value=role or ""))))
    if comments is not None:
        if role != COMMENTED_ROLE:
            problems.append(("comments", str(_l("Only reviewers have a number of comments."))))
        elif isinstance(comments, bool) or not isinstance(comments, int) or comments < 0:
            problems.append(("comments", str(_l("The number of comments is a whole number, 0 or more."))))
    return problems


def _existing(
    session: Session, activity_id: int, stakeholder_id: int | None, organisation_id: int | None, role: str
) -> Participation | None:
    party = (
        Participation.stakeholder_id == stakeholder_id
        if stakeholder_id is not None
        else Participation.organisation_id == organisation_id
    )
    return session.exec(
        select(Participation).where(Participation.activity_id == activity_id, party, Participation.role == role)
    ).first()


def upsert_participation(
    session: Session,
    *,
    activity: Activity,
    stakeholder_id: int | None = None,
    organisation_id: int | None = None,
    role: str,
    comments: int | None = None,
) -> tuple[Participation, bool]:
    """Write one validated record, no commit: (record, True) when new; when the same party already
    has this role in this activity, (that record, False) with its comments replaced by `comments`
    (None keeps the recorded number)."""
    existing = _existing(session, activity.id, stakeholder_id, organisation_id, role)
    if existing is not None:
        if comments is not None:
            existing.comments = comments
        session.add(existing)
        return existing, False
    record = Participation(
        activity_id=activity.id,
        stakeholder_id=stakeholder_id,
        organisation_id=organisation_id,
        role=role,
        comments=comments,
    )
    session.add(record)
    session.flush()
    return record, True


def _party_target(stakeholder_id: int | None, organisation_id: int | None) -> str:
    return f"stakeholder:{stakeholder_id}" if stakeholder_id is not None else f"organisation:{organisation_id}"


def add_participation(
    *,
    session: Session,
    activity: Activity | None,
    stakeholder_id: int | None = None,
    organisation_id: int | None = None,
    role: str,
    comments: int | None = None,
    actor_id: int | None,
) -> tuple[Participation, bool]:
    """Link a stakeholder or an organisation to an activity with a role; (record, created).
    The same (activity, party, role) again updates the comments instead of adding a record.
    Raises ParticipationError, saving nothing, on bad input."""
    _refuse(
        participation_problems(
            session,
            activity=activity,
            stakeholder_id=stakeholder_id,
            organisation_id=organisation_id,
            role=role,
            comments=comments,
        )
    )
    party = dict(stakeholder_id=stakeholder_id, organisation_id=organisation_id)
    try:
        record, created = _record(session, activity, party, role, comments, actor_id, updating=False)
    except IntegrityError:
        # Another request added the same record between our look-up and our insert: update it instead.
        session.rollback()
        record, created = _record(session, activity, party, role, comments, actor_id, updating=True)
    return record, created


def _record(
    session: Session,
    activity: Activity,
    party: dict,
    role: str,
    comments: int | None,
    actor_id: int | None,
    *,
    updating: bool,
) -> tuple[Participation, bool]:
    """Add or update the record and audit it, in one commit."""
    record, created = upsert_participation(session, activity=activity, role=role, comments=comments, **party)
    audit.record(
        session,
        "participation.added" if created and not updating else "participation.updated",
        actor_id=actor_id,
        target=_party_target(party["stakeholder_id"], party["organisation_id"]),
        participation_id=record.id,
        activity_id=activity.id,
        role=role,
        comments=comments,
    )
    session.commit()
    return record, created


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
