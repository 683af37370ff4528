"""National focal points: assignments by the secretariat and who may see a roster. No HTTP here;
each action commits once. What a focal point sees is in stakeholders/focal_roster.py.

An assignment is *active* from its start date until the day before its end date (the end date is
the first day without it), *upcoming* before its start date and *ended* from its end date on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlmodel import Session, func, select

from core import audit, mail
from core.accounts import services as accounts
from core.accounts.models import STAFF_ROLES, Role, User
from core.config import LANGUAGES
from core.problems import Problem, ValidationFailed, refuse
from core.reference.countries import country_name
from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders import schemas
from stakeholders import vocabularies as vocab
from stakeholders.models import FocalPointAssignment

FOCAL_POINT_KIND = vocab.FOCAL_POINT_KIND  # the kinds of assignment
ASSIGNMENT_STATUS = {"active": _l("Active"), "upcoming": _l("Upcoming"), "ended": _l("Ended")}
# Password hash of an account created for a new focal point: no password matches it, so the
# person claims the account with "Forgot your password?", which also confirms the address.
UNUSABLE_PASSWORD = "!"


# --- assignment status ---------------------------------------------------------------------


def status_of(assignment: FocalPointAssignment, today: date) -> str:
    if assignment.end_date is not None and assignment.end_date <= today:
        return "ended"
    if assignment.start_date > today:
        return "upcoming"
    return "active"


def _not_ended(today: date):
    return or_(FocalPointAssignment.end_date.is_(None), FocalPointAssignment.end_date > today)


def _active(today: date):
    return and_(FocalPointAssignment.start_date <= today, _not_ended(today))


def current_assignments(session: Session, user_id: int, today: date) -> list[FocalPointAssignment]:
    """The user's assignments that have not ended (active or upcoming)."""
    return list(
        session.exec(
            select(FocalPointAssignment)
            .where(FocalPointAssignment.user_id == user_id, _not_ended(today))
            .order_by(FocalPointAssignment.start_date)
        )
    )


def active_assignments(session: Session, user_id: int, today: date) -> list[FocalPointAssignment]:
    return list(
        session.exec(
            select(FocalPointAssignment)
            .where(FocalPointAssignment.user_id == user_id, _active(today))
            .order_by(FocalPointAssignment.start_date)
        )
    )


def may_see_roster(session: Session, user: User, today: date) -> bool:
    """A focal point bound to a country, within an active assignment for it.

    Accounts made focal points without any assignment record (`flask create-user --role
    focal_point`, demo data) keep their access; once the secretariat records assignments for
    someone, access follows their dates.
    """
    if user.role != Role.FOCAL_POINT or not user.focal_country:
        return False
    has_records = session.exec(
        select(func.count()).select_from(FocalPointAssignment).where(FocalPointAssignment.user_id == user.id)
    ).one()
    if not has_records:
        return True
    return any(a.country == user.focal_country for a in active_assignments(session, user.id, today))


# --- the secretariat's list and actions ----------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    assignment: FocalPointAssignment
    email: str
    name: str
    status: str


def list_assignments(
    session: Session, *, today: date, country: str = "", status: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[AssignmentRow], int]:
    """Assignments, newest start first, optionally for one country and one status."""
    conditions = []
    if country:
        conditions.append(FocalPointAssignment.country == country.upper())
    if status == "active":
        conditions.append(_active(today))
    elif status == "upcoming":
        conditions.append(FocalPointAssignment.start_date > today)
        conditions.append(_not_ended(today))
    elif status == "ended":
        conditions.append(and_(FocalPointAssignment.end_date.is_not(None), FocalPointAssignment.end_date <= today))
    total = session.exec(select(func.count()).select_from(FocalPointAssignment).where(*conditions)).one()
    rows = session.exec(
        select(FocalPointAssignment, User.email, User.name)
        .join(User, User.id == FocalPointAssignment.user_id)
        .where(*conditions)
        .order_by(FocalPointAssignment.country, FocalPointAssignment.start_date.desc(), FocalPointAssignment.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [AssignmentRow(a, email, name, status_of(a, today)) for a, email, name in rows], total


@dataclass(frozen=True)
class Invitation:
    """What the message to a newly assigned focal point needs from the web side."""

    sign_in_link: str
    reset_link: str
    default_locale: str


def assignment_problems(
    session: Session, data: schemas.AssignmentCreate, user: User | None, today: date
) -> list[Problem]:
    """What an assignment valid by its model may still not be: for a country not recorded; for
    nobody (no account has the address and no name is given to open one); for a staff or a
    deactivated account; for someone with an assignment that has not ended."""
    problems = []
    if session.get(Country, data.country) is None:
        problems.append(Problem("country", "unknown_country", {"value": data.country}))
    if user is None:
        if not data.name:
            problems.append(Problem("name", "name_for_new_account"))
        return problems
    if user.role in STAFF_ROLES:
        problems.append(Problem("email", "staff_account"))
    elif not user.is_active:
        problems.append(Problem("email", "account_deactivated"))
    for other in current_assignments(session, user.id, today)[:1]:
        if other.country != data.country:
            problems.append(Problem("country", "focal_point_elsewhere", {"country": other.country}))
        else:
            problems.append(Problem("country", "already_assigned"))
    return problems


def _new_account(session: Session, data: schemas.AssignmentCreate) -> User:
    user = User(
        email=accounts.normalise_email(data.email),
        name=data.name,
        password_hash=UNUSABLE_PASSWORD,
        role=Role.STAKEHOLDER,
        locale=data.locale if data.locale in LANGUAGES else None,
    )
    session.add(user)
    session.flush()
    return user


def assign(
    *,
    session: Session,
    data: schemas.AssignmentCreate,
    actor_id: int | None,
    ip: str | None = None,
    today: date | None = None,
    invitation: Invitation | None = None,
) -> FocalPointAssignment:
    """Record an assignment; the person becomes the focal point of that country (role and binding).

    Refuses (ValidationFailed) what `assignment_problems` names. Creates an account with an unusable
    password when none has the address and a name is given; the person is told by email.
    """
    today = today or utcnow().date()
    user = accounts.get_by_email(session, data.email)
    refuse(assignment_problems(session, data, user, today))
    created = user is None
    if user is None:
        user = _new_account(session, data)
    fields = ("country", "kind", "ministry", "start_date", "end_date")
    assignment = FocalPointAssignment(user_id=user.id, **data.model_dump(include=set(fields)))
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        "focal_point.assigned",
        actor_id=actor_id,
        target=user.email,
        ip=ip,
        assignment_id=assignment.id,
        country=data.country,
        kind=data.kind,
        ministry=assignment.ministry,
        start_date=data.start_date.isoformat(),
        end_date=data.end_date.isoformat() if data.end_date else None,
        account_created=created,
    )
    ended = status_of(assignment, today) == "ended"
    if not ended and invitation is not None:
        _tell_the_focal_point(session, user, data.country, created, invitation)
    if ended or (user.role == Role.FOCAL_POINT and user.focal_country == data.country):
        session.commit()
    else:
        # set_role records the change in the audit log, ends the person's sessions and commits
        # everything above with it.
        _set_role(session, user, Role.FOCAL_POINT, data.country, actor_id, ip)
    return assignment


def _set_role(session: Session, user: User, role: str, country: str | None, actor_id, ip) -> None:
    try:
        accounts.set_role(session=session, user=user, role=role, country=country, actor_id=actor_id, ip=ip)
    except accounts.AccountError as error:  # a focal point needs a recorded country
        session.rollback()
        raise ValidationFailed([Problem("country", "unknown_country", {"value": country or ""})]) from error


def _tell_the_focal_point(session, user: User, country: str, created: bool, invitation: Invitation) -> None:
    locale = user.locale or invitation.default_locale
    mail.send(
        session,
        mail.render_mail(
            "focal_point_assigned",
            to=user.email,
            locale=locale,
            subject=_l("You are a national focal point on the IPBES stakeholder engagement platform"),
            user=user,
            country=country_name(country, locale),
            created=created,
            sign_in_link=invitation.sign_in_link,
            reset_link=invitation.reset_link,
        ),
    )


def end_assignment(
    *,
    session: Session,
    assignment: FocalPointAssignment,
    end_date: date,
    actor_id: int | None,
    ip: str | None = None,
    today: date | None = None,
) -> None:
    """Set the end date. When the assignment has ended and the person has no other one that has
    not, their role returns to stakeholder."""
    today = today or utcnow().date()
    if status_of(assignment, today) == "ended":
        raise ValidationFailed([Problem("end_date", "already_ended")])
    if end_date < assignment.start_date:
        raise ValidationFailed([Problem("end_date", "end_before_assignment_start")])
    before = assignment.end_date
    assignment.end_date = end_date
    user = session.get(User, assignment.user_id)
    audit.record(
        session,
        "focal_point.assignment_ended",
        actor_id=actor_id,
        target=user.email if user else None,
        ip=ip,
        assignment_id=assignment.id,
        country=assignment.country,
        end_date=end_date.isoformat(),
        previous_end_date=before.isoformat() if before else None,
    )
    session.flush()
    if user is not None and _should_lose_role(session, user, today):
        _set_role(session, user, Role.STAKEHOLDER, None, actor_id, ip)
    else:
        session.commit()


def _should_lose_role(session: Session, user: User, today: date) -> bool:
    return user.role == Role.FOCAL_POINT and not current_assignments(session, user.id, today)


def expire_ended_assignments(*, session: Session, today: date | None = None) -> list[str]:
    """Return to stakeholder every focal point whose recorded assignments have all ended (their end
    dates have passed). Accounts with no assignment record are left alone. The emails changed."""
    today = today or utcnow().date()
    with_records = select(FocalPointAssignment.user_id).distinct()
    candidates = session.exec(select(User).where(User.role == Role.FOCAL_POINT, User.id.in_(with_records))).all()
    changed = []
    for user in candidates:
        if _should_lose_role(session, user, today):
            _set_role(session, user, Role.STAKEHOLDER, None, None, None)
            changed.append(user.email)
    return changed


def set_digest_opt_in(*, session: Session, user: User, opt_in: bool, today: date | None = None) -> int:
    """Opt the focal point's active assignments in or out of the weekly digest; how many changed."""
    today = today or utcnow().date()
    assignments = [a for a in active_assignments(session, user.id, today) if a.country == user.focal_country]
    for assignment in assignments:
        assignment.digest_opt_in = opt_in
    if assignments:
        audit.record(
            session,
            "focal_point.digest_opt_in" if opt_in else "focal_point.digest_opt_out",
            actor_id=user.id,
            target=user.email,
            country=user.focal_country,
        )
        session.commit()
    return len(assignments)
