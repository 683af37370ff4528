"""National focal points: assignments by the secretariat, the roster of their own country and
the overview of their region. No HTTP here; each action commits once.

Who sees what:
- the roster counts every active stakeholder working in the focal point's country, and names
  (with contact details) only those who consented to share them with their focal point;
- the regional overview gives counts per country, never a name.

An assignment is *active* from its start date until the day before its end date (the end date is
the first day without it), *upcoming* before its start date and *ended* from its end date on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlmodel import Session, func, select

from core import audit, mail
from core.accounts import services as accounts
from core.accounts.models import STAFF_ROLES, Role, User
from core.config import LANGUAGES
from core.reference.countries import country_name
from core.reference.models import Country
from core.timeutil import utcnow
from core.vocabulary import Vocabulary
from stakeholders import registry_query, services
from stakeholders import vocabularies as vocab
from stakeholders.models import FocalPointAssignment, Stakeholder, StakeholderAttribute
from stakeholders.registry_query import RegistryFilters, RegistryRow, Scope

# The kinds of assignment (a Vocabulary so labels are translated in one place, like the registry's lists).
FOCAL_POINT_KIND = Vocabulary(
    "focal_point_kind",
    {
        "primary": _l("Primary focal point"),
        "alternate": _l("Alternate focal point"),
    },
)
ASSIGNMENT_STATUS = {
    "active": _l("Active"),
    "upcoming": _l("Upcoming"),
    "ended": _l("Ended"),
}
# Password hash of an account created for a new focal point: no password matches it, so the
# person claims the account with "Forgot your password?", which also confirms the address.
UNUSABLE_PASSWORD = "!"
# Breakdowns shown on the roster, over the whole country.
ROSTER_BREAKDOWNS = {
    "category": vocab.CATEGORY,
    "gender": vocab.GENDER,
    "knowledge_system": vocab.KNOWLEDGE_SYSTEM,
}
# Filters a roster may never take from the request: the country is the focal point's own.
ROSTER_FIXED = {"country": "", "region": "", "organisation_id": None, "status": ""}


class FocalPointError(ValueError):
    """An assignment that cannot be made, with the form field it concerns and a message for the user."""

    def __init__(self, field_name: str, message) -> None:
        super().__init__(str(message))
        self.field = field_name


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


@dataclass
class AssignmentData:
    """An assignment as the secretariat's form gives it. `name` and `locale` serve only to
    create an account when no account has `email`."""

    email: str
    country: str
    kind: str = "primary"
    ministry: str = ""
    start_date: date | None = None
    end_date: date | None = None
    name: str = ""
    locale: str | None = None


@dataclass(frozen=True)
class Invitation:
    """What the message to a newly assigned focal point needs from the web side."""

    sign_in_link: str
    reset_link: str
    default_locale: str


def assign(
    *,
    session: Session,
    data: AssignmentData,
    actor_id: int | None,
    ip: str | None = None,
    today: date | None = None,
    invitation: Invitation | None = None,
) -> FocalPointAssignment:
    """Record an assignment; the person becomes the focal point of that country (role and binding).

    Refuses staff accounts, deactivated accounts, and anyone with an assignment that has not
    ended for another country (or already for this one). Creates an account with an unusable
    password when none has the address and a name is given; the person is told by email.
    """
    today = today or utcnow().date()
    country = (data.country or "").upper()
    if data.kind not in FOCAL_POINT_KIND.codes:
        raise FocalPointError("kind", _l("Choose primary or alternate."))
    if not country or session.get(Country, country) is None:
        raise FocalPointError("country", _l("Choose a recorded country."))
    if data.start_date is None:
        raise FocalPointError("start_date", _l("Give the start date."))
    if data.end_date is not None and data.end_date <= data.start_date:
        raise FocalPointError("end_date", _l("The end date must come after the start date."))

    user = accounts.get_by_email(session, data.email)
    created = user is None
    if user is None:
        if not data.name.strip():
            raise FocalPointError(
                "name", _l("No account has this email address: give the person's name to create one.")
            )
        user = User(
            email=accounts.normalise_email(data.email),
            name=data.name.strip()[:200],
            password_hash=UNUSABLE_PASSWORD,
            role=Role.STAKEHOLDER,
            locale=data.locale if data.locale in LANGUAGES else None,
        )
        session.add(user)
        session.flush()
    else:
        if user.role in STAFF_ROLES:
            raise FocalPointError(
                "email", _l("This is a secretariat or administrator account: staff cannot be focal points.")
            )
        if not user.is_active:
            raise FocalPointError("email", _l("This account is deactivated."))
        for other in current_assignments(session, user.id, today):
            if other.country != country:
                raise FocalPointError(
                    "country",
                    _l(
                        "This person is already a focal point of another country (%(country)s) until that assignment ends.",
                        country=other.country,
                    ),
                )
            raise FocalPointError(
                "country", _l("This person already has an assignment for this country that has not ended.")
            )

    assignment = FocalPointAssignment(
        user_id=user.id,
        country=country,
        kind=data.kind,
        ministry=data.ministry.strip()[:300],
        start_date=data.start_date,
        end_date=data.end_date,
    )
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        "focal_point.assigned",
        actor_id=actor_id,
        target=user.email,
        ip=ip,
        assignment_id=assignment.id,
        country=country,
        kind=data.kind,
        ministry=assignment.ministry,
        start_date=data.start_date.isoformat(),
        end_date=data.end_date.isoformat() if data.end_date else None,
        account_created=created,
    )
    ended = status_of(assignment, today) == "ended"
    if not ended and invitation is not None:
        _tell_the_focal_point(session, user, country, created, invitation)
    if ended or (user.role == Role.FOCAL_POINT and user.focal_country == country):
        session.commit()
    else:
        # set_role records the change in the audit log, ends the person's sessions and commits
        # everything above with it.
        _set_role(session, user, Role.FOCAL_POINT, country, actor_id, ip)
    return assignment


def _set_role(session: Session, user: User, role: str, country: str | None, actor_id, ip) -> None:
    try:
        accounts.set_role(session=session, user=user, role=role, country=country, actor_id=actor_id, ip=ip)
    except accounts.AccountError as error:
        session.rollback()
        raise FocalPointError("country", str(error)) from error


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
        raise FocalPointError("end_date", _l("This assignment has already ended."))
    if end_date < assignment.start_date:
        raise FocalPointError("end_date", _l("The end date cannot come before the start date."))
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


# --- the roster ----------------------------------------------------------------------------


def roster_filters(args) -> RegistryFilters:
    """Filters from a query string; whatever it says about countries, regions or organisations is ignored."""
    return RegistryFilters.from_args(args, **ROSTER_FIXED)


@dataclass(frozen=True)
class RosterEntry:
    """A stakeholder who consented to share their details with their focal point."""

    stakeholder_id: int
    name: str
    organisation_name: str
    job_title: str
    category: str
    stakeholder_type: str
    gender: str
    email: str
    phone: str
    preferred_language: str
    communication: tuple[str, ...]


@dataclass
class Roster:
    country: str
    entries: list[RosterEntry]
    listed: int  # consenting stakeholders matching the filters
    withheld: int  # stakeholders matching the filters (except the name search) who did not consent
    country_total: int  # every active stakeholder working in the country
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)  # whole country


def _entries(session: Session, rows: list[RegistryRow], country: str) -> list[RosterEntry]:
    """Contact details of the rows, read again with the consent and the country as conditions."""
    ids = [r.stakeholder_id for r in rows]
    if not ids:
        return []
    details = {
        s.id: s
        for s in session.exec(
            select(Stakeholder).where(
                Stakeholder.id.in_(ids), Stakeholder.country == country, Stakeholder.share_with_focal_point.is_(True)
            )
        )
    }
    emails = services.account_emails(session, {r.user_id for r in rows if r.user_id})
    means: dict[int, list[str]] = {}
    for stakeholder_id, code in session.exec(
        select(StakeholderAttribute.stakeholder_id, StakeholderAttribute.code).where(
            StakeholderAttribute.stakeholder_id.in_(ids), StakeholderAttribute.field == "communication"
        )
    ):
        means.setdefault(stakeholder_id, []).append(code)
    order = vocab.COMMUNICATION.codes
    entries = []
    for row in rows:
        record = details.get(row.stakeholder_id)
        if record is None:
            continue
        codes = sorted(means.get(row.stakeholder_id, []), key=lambda c: order.index(c) if c in order else len(order))
        entries.append(
            RosterEntry(
                stakeholder_id=row.stakeholder_id,
                name=row.name or "",
                organisation_name=row.organisation_name or "",
                job_title=record.job_title,
                category=row.category,
                stakeholder_type=row.stakeholder_type,
                gender=row.gender,
                email=emails.get(row.user_id, ""),
                phone=record.phone,
                preferred_language=record.preferred_language,
                communication=tuple(codes),
            )
        )
    return entries


def roster(session: Session, *, country: str, filters: RegistryFilters) -> Roster:
    """One page of the roster of `country` (always the focal point's own: the caller passes
    `current_user.focal_country`, never a value from the request)."""
    if not country:
        raise ValueError("a roster needs the focal point's country")
    filters = replace(filters, **ROSTER_FIXED)
    rows, listed = registry_query.search(session, filters, Scope.COUNTRY_SHARED, country)
    # The name search covers only those who consented: counting the others by name would tell
    # whether someone who did not consent is registered.
    unnamed = replace(filters, q="", page=1)
    everyone = RegistryFilters()
    country_total = registry_query.count(session, everyone, Scope.COUNTRY, country)
    narrowed = replace(unnamed, sort=everyone.sort, per_page=everyone.per_page) != everyone
    matching = registry_query.count(session, unnamed, Scope.COUNTRY, country) if narrowed else country_total
    shared_matching = listed if not filters.q else registry_query.count(session, unnamed, Scope.COUNTRY_SHARED, country)
    return Roster(
        country=country,
        entries=_entries(session, rows, country),
        listed=listed,
        withheld=matching - shared_matching,
        country_total=country_total,
        breakdowns={
            name: registry_query.breakdown(session, name, everyone, Scope.COUNTRY, country)
            for name in ROSTER_BREAKDOWNS
        },
    )


def roster_download(session: Session, *, country: str, filters: RegistryFilters, batch: int = 500):
    """Every consenting stakeholder matching the filters, as RosterEntry, in batches."""
    for rows in registry_query.pages(session, replace(filters, **ROSTER_FIXED), Scope.COUNTRY_SHARED, country, batch):
        yield from _entries(session, rows, country)


def registered_between(session: Session, *, country: str, since, until) -> tuple[list[RegistryRow], int]:
    """Stakeholders of the country's roster registered in (since, until]: the rows of those who
    consented to share their details with the focal point, oldest first, and how many did not."""
    window = RegistryFilters(registered_after=since, registered_until=until, sort="oldest")
    rows = list(registry_query.iterate(session, window, Scope.COUNTRY_SHARED, country))
    all_new = registry_query.count(session, window, Scope.COUNTRY, country)
    return rows, all_new - len(rows)


# --- the regional overview -----------------------------------------------------------------


@dataclass
class RegionOverview:
    country: str
    regional_group: str | None
    counts: dict[str, int]  # iso2 -> active stakeholders, every country of the group
    by_category: dict[str, int]  # over the whole group (or the country alone)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def region_overview(session: Session, *, country: str) -> RegionOverview:
    """Counts per country of the focal point's regional group; a territory without a group sees
    only itself. No names: nothing here identifies a person."""
    record = session.get(Country, country)
    group = record.regional_group if record is not None else None
    if not group:
        everyone = RegistryFilters()
        return RegionOverview(
            country=country,
            regional_group=None,
            counts={country: registry_query.count(session, everyone, Scope.COUNTRY, country)},
            by_category=registry_query.breakdown(session, "category", everyone, Scope.COUNTRY, country),
        )
    members = session.exec(select(Country.iso2).where(Country.regional_group == group)).all()
    active_in_group = RegistryFilters(region=group, status="active")
    per_country = registry_query.breakdown(session, "country", active_in_group, Scope.SECRETARIAT)
    return RegionOverview(
        country=country,
        regional_group=group,
        counts={iso2: per_country.get(iso2, 0) for iso2 in members},
        by_category=registry_query.breakdown(session, "category", active_in_group, Scope.SECRETARIAT),
    )
