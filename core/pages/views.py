"""The home page and the language switcher."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from core.accounts import services as accounts
from core.accounts.access import public
from core.db import get_session
from core.i18n import LANGUAGE_COOKIE, is_supported
from core.safe_redirect import safe_next_url

bp = Blueprint("pages", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@public
def home():
    return render_template("pages/home.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/language", methods=["POST"])
@public
def switch_language():
    code = request.form.get("lang", "")
    target = safe_next_url(request.form.get("next")) or url_for("pages.home")
    response = redirect(target)
    if is_supported(code):
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            accounts.set_locale(session=get_session(), user=current_user, locale=code)
    return response
