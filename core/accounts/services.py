"""Account actions. Each function does one whole action and commits once.

Nothing here reads the request: the caller passes the client address and anything else
it knows about the HTTP side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, or_, select

from core import audit, mail
from core.accounts import api_tokens, passwords, tokens
from core.accounts.models import Role, User, new_session_epoch
from core.links import absolute_url
from core.ratelimit import Throttle
from core.reference.models import Country
from core.timeutil import utcnow


class AccountError(ValueError):
    """An action that cannot be done, with a message fit to show the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def get_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def _mail_locale(user: User) -> str:
    return user.locale or current_app.config["DEFAULT_LANGUAGE"]


def _mail_user(session: Session, user: User, template: str, subject, **context) -> None:
    """Send `emails/<template>.txt` to `user`, in the user's language."""
    mail.send(
        session,
        mail.render_mail(template, to=user.email, locale=_mail_locale(user), subject=subject, user=user, **context),
    )


def _send_verification(session: Session, user: User) -> None:
    token = tokens.make_token("verify", user.id, user.email)
    _mail_user(
        session,
        user,
        "verify_email",
        _l("Confirm your email address"),
        link=absolute_url("accounts.verify_email", token=token),
    )


# --- registration and verification -------------------------------------------------------


def register(
    *,
    session: Session,
    email: str,
    password: str,
    name: str,
    locale: str,
    ip: str | None,
    on_created: Callable[[Session, User], None] | None = None,
) -> None:
    """Create an unverified account, or tell the existing owner someone tried.

    Either way the caller shows the same page, so registration reveals nothing about
    which addresses have accounts. `on_created` adds what a domain keeps about a new
    account (the stakeholder profile) inside the same transaction.
    """
    existing = get_by_email(session, email)
    if existing is not None:
        # Hash (and throw away) the password anyway: both paths take the same time, so the
        # answer's timing does not tell whether the address has an account.
        passwords.hash_password(password)
        _mail_user(
            session,
            existing,
            "already_registered",
            _l("Someone tried to register with your email address"),
            reset_link=absolute_url("accounts.forgot_password"),
        )
        audit.record(session, "account.register_existing", actor_id=existing.id, ip=ip)
        session.commit()
        return
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=passwords.hash_password(password),
        locale=locale,
    )
    session.add(user)
    session.flush()
    if on_created is not None:
        on_created(session, user)
    _send_verification(session, user)
    audit.record(session, "account.registered", actor_id=user.id, target=user.email, ip=ip)
    session.commit()


def resend_verification(*, session: Session, email: str) -> None:
    user = get_by_email(session, email)
    if user is not None and user.email_verified_at is None and user.is_active:
        _send_verification(session, user)
        session.commit()


def verify_email(*, session: Session, token: str, ip: str | None) -> User | None:
    parsed = tokens.read_token("verify", token, tokens.VERIFY_MAX_AGE)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or user.email_verified_at is not None or tokens.fingerprint(user.email) != parsed[1]:
        return None
    user.email_verified_at = utcnow()
    audit.record(session, "account.email_verified", actor_id=user.id, ip=ip)
    session.commit()
    return user


# --- signing in and out ------------------------------------------------------------------


class LoginStatus(Enum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    user: User | None = None
    retry_after: int = 0


def authenticate(*, session: Session, throttle: Throttle, email: str, password: str, ip: str | None) -> LoginResult:
    """Check credentials, throttling repeated failures per address and per client.

    A throttled attempt is refused even with the right password, so guessing cannot go on
    behind the limit; the answer is the same whether or not the address has an account.
    """
    address = normalise_email(email)
    per_email = current_app.config["LOGIN_MAX_FAILURES"]
    per_ip = current_app.config["LOGIN_MAX_FAILURES_PER_IP"]
    keys = [(per_email, "login-email", address), (per_ip, "login-ip", ip or "-")]
    blocked = [(limit, key) for limit, *key in keys if not throttle.allowed(limit, *key)]
    if blocked:
        audit.record(session, "login.throttled", target=address, ip=ip)
        session.commit()
        wait = max(throttle.retry_after(limit, *key) for limit, key in blocked)
        return LoginResult(LoginStatus.THROTTLED, retry_after=wait)

    user = get_by_email(session, address)
    if not passwords.verify_password(user.password_hash if user else None, password) or not (user and user.is_active):
        for limit, *key in keys:
            throttle.hit(limit, *key)
        audit.record(session, "login.failed", actor_id=user.id if user else None, target=address, ip=ip)
        session.commit()
        return LoginResult(LoginStatus.INVALID)

    if user.email_verified_at is None:
        return LoginResult(LoginStatus.UNVERIFIED, user=user)

    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    throttle.clear(per_email, "login-email", address)
    user.last_login_at = utcnow()
    audit.record(session, "login.succeeded", actor_id=user.id, ip=ip)
    session.commit()
    return LoginResult(LoginStatus.OK, user=user)


def end_all_sessions(*, session: Session, user: User, ip: str | None, reason: str = "logout") -> None:
    """Rotate the session epoch: every cookie issued so far, anywhere, stops working."""
    user.session_epoch = new_session_epoch()
    audit.record(session, f"account.{reason}", actor_id=user.id, ip=ip)
    session.commit()


def load_user_for_session(session: Session, session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_epoch != epoch:
        return None
    return user


# --- passwords ---------------------------------------------------------------------------


def request_password_reset(*, session: Session, email: str, ip: str | None) -> None:
    user = get_by_email(session, email)
    if user is None or not user.is_active:
        return
    token = tokens.make_token("reset", user.id, user.password_hash)
    _mail_user(
        session,
        user,
        "reset_password",
        _l("Reset your password"),
        link=absolute_url("accounts.reset_password", token=token),
        minutes=tokens.RESET_MAX_AGE // 60,
    )
    audit.record(session, "account.password_reset_requested", actor_id=user.id, ip=ip)
    session.commit()


def user_for_reset_token(session: Session, token: str) -> User | None:
    parsed = tokens.read_token("reset", token, tokens.RESET_MAX_AGE)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or not user.is_active or tokens.fingerprint(user.password_hash) != parsed[1]:
        return None
    return user


def reset_password(*, session: Session, token: str, new_password: str, ip: str | None) -> User | None:
    user = user_for_reset_token(session, token)
    if user is None:
        return None
    user.password_hash = passwords.hash_password(new_password)
    # Following the emailed link proves the address, as verification would.
    user.email_verified_at = user.email_verified_at or utcnow()
    user.session_epoch = new_session_epoch()
    audit.record(session, "account.password_reset", actor_id=user.id, ip=ip)
    session.commit()
    return user


def change_password(*, session: Session, user: User, current_password: str, new_password: str, ip: str | None) -> None:
    if not passwords.verify_password(user.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct."))
    user.password_hash = passwords.hash_password(new_password)
    user.session_epoch = new_session_epoch()
    audit.record(session, "account.password_changed", actor_id=user.id, ip=ip)
    session.commit()


# --- preferences and staff -----------------------------------------------------------------


def update_preferences(*, session: Session, user: User, name: str, locale: str, timezone: str) -> None:
    user.name = name.strip()
    user.locale = locale
    user.timezone = timezone
    session.commit()


def set_locale(*, session: Session, user: User, locale: str) -> None:
    user.locale = locale
    session.commit()


def _check_role(session: Session, role: str, country: str | None) -> str | None:
    if role not in {r.value for r in Role}:
        raise AccountError(_l("Unknown role."))
    if role != Role.FOCAL_POINT:
        return None
    if not country or session.get(Country, country.upper()) is None:
        raise AccountError(_l("A national focal point must be bound to a recorded country."))
    return country.upper()


def create_user(
    *,
    session: Session,
    email: str,
    password: str,
    role: str,
    name: str = "",
    country: str | None = None,
    locale: str | None = None,
    actor_id: int | None = None,
) -> User:
    """Create a verified account (staff accounts and demo data)."""
    if get_by_email(session, email) is not None:
        raise AccountError(_l("An account with this email address already exists."))
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=passwords.hash_password(password),
        role=role,
        focal_country=_check_role(session, role, country),
        locale=locale,
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, "account.created", actor_id=actor_id, target=user.email, role=role)
    session.commit()
    return user


def set_role(
    *, session: Session, user: User, role: str, country: str | None, actor_id: int | None, ip: str | None = None
) -> None:
    focal_country = _check_role(session, role, country)
    before = {"role": user.role, "country": user.focal_country}
    user.role, user.focal_country = role, focal_country
    # New powers or fewer: sessions opened under the old role end, and so do its API tokens.
    user.session_epoch = new_session_epoch()
    api_tokens.revoke_all(session, user, reason="role_changed")
    audit.record(
        session,
        "account.role_changed",
        actor_id=actor_id,
        target=user.email,
        ip=ip,
        before=before,
        after={"role": role, "country": focal_country},
    )
    session.commit()


def list_users(session: Session, *, query: str = "", role: str = "", page: int = 1, per_page: int = 50):
    stmt = select(User)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(User.email.like(like), func.lower(User.name).like(like)))
    if role:
        stmt = stmt.where(User.role == role)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(User.email).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def actor_emails(session: Session, ids: set[int]) -> dict[int, str]:
    """Email address by account id, for lists that name who did something (audit log, jobs, releases)."""
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.email).where(User.id.in_(ids))).all())
