"""Language selection, text direction and language names.

The locale is the signed-in user's saved preference, else the language switcher's cookie,
else the browser's Accept-Language, else DEFAULT_LANGUAGE.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from babel import Locale
from babel.dates import get_timezone_location, get_timezone_name
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from core.collation import sort_key
from core.config import LANGUAGES

LANGUAGE_COOKIE = "lang"


def is_supported(code: str | None) -> bool:
    return code in LANGUAGES


def select_locale() -> str:
    if not has_request_context():  # CLI and mail rendering: the default, or force_locale
        return current_app.config["DEFAULT_LANGUAGE"]
    if current_user and current_user.is_authenticated and is_supported(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if is_supported(cookie):
        return cookie
    return accepted_language(request.accept_languages) or current_app.config["DEFAULT_LANGUAGE"]


def accepted_language(accept) -> str | None:
    """The browser's most preferred supported language; `zh-CN` counts as `zh`.

    Werkzeug's `best_match` matches only exact tags, and browsers send regional ones.
    """
    for value, _quality in accept:  # already sorted by quality
        primary = value.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


def select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


@cache
def endonym(code: str) -> str:
    """A language's name in itself, as a switcher shows it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def language_name(code: str, in_locale: str) -> str:
    return Locale.parse(code).get_display_name(in_locale) or code


def current_language() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def text_direction(code: str | None = None) -> str:
    return Locale.parse(code or current_language()).text_direction


def language_choices(in_locale: str | None = None) -> list[tuple[str, str]]:
    """The six languages named in the reader's language, in the reader's order."""
    locale = in_locale or current_language()
    key = sort_key(locale)
    return sorted(((code, language_name(code, locale)) for code in LANGUAGES), key=lambda pair: key(pair[1]))


def endonym_choices() -> list[tuple[str, str]]:
    """The interface languages named in themselves, as the header switcher names them."""
    return [(code, endonym(code)) for code in LANGUAGES]


@cache
def current_time_zones() -> tuple[str, ...]:
    """The IANA zones in use today (tzdata's zone.tab: no deprecated links such as "US/Eastern"), and UTC."""
    table = (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    zones = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return tuple(sorted(zones | {"UTC"}))


@cache
def _time_zone_labels(locale: str) -> tuple[tuple[str, str], ...]:
    # Babel's locale data is fixed, so the labels are built once per language.
    labelled = [
        (
            zone,
            zone
            if zone == "UTC"
            else f"{get_timezone_location(zone, locale=locale, return_city=True)} — "
            f"{get_timezone_name(zone, 'long', locale=locale)}",
        )
        for zone in current_time_zones()
    ]
    key = sort_key(locale)
    return tuple(sorted(labelled, key=lambda pair: key(pair[1])))


def time_zone_choices(locale: str, keep: str | None = None) -> list[tuple[str, str]]:
    """Current time zones named in the reader's language (city — zone name), in the reader's order;
    `keep` is a zone already saved, offered even if it is no longer current."""
    labels = list(_time_zone_labels(locale))
    if keep and keep not in current_time_zones():
        labels.insert(0, (keep, keep))
    return labels


def template_globals() -> dict:
    return {
        "current_language": current_language,
        "text_direction": text_direction,
        "endonym": endonym,
        "LANGUAGES": LANGUAGES,
    }
