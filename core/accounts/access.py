"""The access policy: every endpoint refuses anonymous users unless marked public.

Deny by default means a new view cannot be left open by forgetting a decorator; the
access test walks `app.url_map` against an explicit public list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import Flask, abort, current_app, request, url_for
from flask_login import current_user
from sqlmodel import Session

from core.accounts.models import Role, User
from core.db import get_session
from core.extensions import login_manager
from core.timeutil import utcnow

PUBLIC_ATTRIBUTE = "is_public"
FOCAL_POINT_CHECK = "access.focal_point_check"  # key in app.extensions
HOME_PAGES = "access.home_pages"  # key in app.extensions: role -> endpoint of its home page


def public(view):
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def is_public_view(view) -> bool:
    return getattr(view, PUBLIC_ATTRIBUTE, False)


def is_secretariat(user) -> bool:
    """Whether the account sees everything the secretariat sees (administrators do too)."""
    return user.has_role(Role.SECRETARIAT)


def roles_required(*roles: str):
    """Signed-in users holding one of `roles` (an admin counts as secretariat)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def set_focal_point_check(app: Flask, check: Callable[[Session, User, date], bool]) -> None:
    """The rule `focal_point_only` applies: whether an account is a focal point within an active
    assignment on a day. The registry owns assignments and sets it when the app is built."""
    app.extensions[FOCAL_POINT_CHECK] = check


def set_home_page(app: Flask, role: str, endpoint: str) -> None:
    """Where an account of this role lands after signing in (without a `next` address). The
    packages that own those pages are above core, so app.py names them when it builds the app."""
    app.extensions.setdefault(HOME_PAGES, {})[str(role)] = endpoint


def home_url(user: User) -> str:
    """The signed-in person's home page: their role's, else the site's front page."""
    return url_for(current_app.extensions.get(HOME_PAGES, {}).get(str(user.role), "pages.home"))


def focal_point_only(view):
    """Focal points within an active assignment; everyone else (staff included) gets 403.

    With no rule set (`set_focal_point_check`), nobody passes: access stays denied by default.
    """

    @roles_required(Role.FOCAL_POINT)
    @wraps(view)
    def wrapped(*args, **kwargs):
        check = current_app.extensions.get(FOCAL_POINT_CHECK)
        if check is None or not check(get_session(), current_user, utcnow().date()):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def protect_view(view):
    """Wrap a view function that is registered outside our blueprints (e.g. Dash routes)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def _require_login_unless_public():
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or is_public_view(view) or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()


def init_app(app: Flask) -> None:
    app.before_request(_require_login_unless_public)
