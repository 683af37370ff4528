import ast
import configparser
import re

import pytest
from babel.messages.pofile import read_po
from babel.util import pathmatch
from flask_babel import format_datetime, format_decimal

from app import ROOT
from core import translations
from core.config import LANGUAGES
from tests.factories import make_user

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _html_tag(client, **kwargs):
    page = client.get("/", **kwargs).get_data(as_text=True)
    return re.search(r"<html [^>]*>", page).group(0)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("zh-CN,zh;q=0.9", "zh"),
        ("de-DE,de;q=0.9,es;q=0.5", "es"),
        ("de-DE", "en"),
    ],
)
def test_accept_language_picks_a_supported_language(client, header, expected):
    assert f'lang="{expected}"' in _html_tag(client, headers={"Accept-Language": header})


def test_arabic_is_right_to_left(client):
    client.set_cookie("lang", "ar")
    assert _html_tag(client) == '<html lang="ar" dir="rtl">'
    client.set_cookie("lang", "ru")
    assert _html_tag(client) == '<html lang="ru" dir="ltr">'


def test_switcher_cookie_beats_the_browser_and_saved_preference_beats_both(client, session, auth):
    response = client.post(
        "/language", data={"lang": "fr", "next": "/account/login"}, headers={"Accept-Language": "es"}
    )
    assert response.headers["Location"] == "/account/login"
    assert 'lang="fr"' in _html_tag(client, headers={"Accept-Language": "es"})

    make_user(session, email="someone@example.org", locale="zh")
    auth.login("someone@example.org")
    assert 'lang="zh"' in _html_tag(client)
    # Switching while signed in saves the preference on the account.
    client.post("/language", data={"lang": "ru"})
    auth.logout()
    client.delete_cookie("lang")
    auth.login("someone@example.org")
    assert 'lang="ru"' in _html_tag(client)


def test_switcher_ignores_unknown_languages_and_off_site_targets(client):
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert client.get_cookie("lang") is None


def test_interface_text_is_translated(client):
    client.set_cookie("lang", "fr")
    french = client.get("/account/login").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/account/login").get_data(as_text=True)
    assert "Sign in" in english and "Sign in" not in french


def test_numbers_and_dates_are_formatted_by_babel(app):
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert format_decimal(1234567.5) == "1\u202f234\u202f567,5"
        assert "novembre" in format_datetime(moment, "long")
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert format_decimal(1234.5) in {"1,234.5", "\u0661\u066c\u0662\u0663\u0664\u066b\u0665"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_decimal(1234567.5) == "1,234,567.5"


def test_country_names_come_from_babel_in_the_readers_language():
    from core.reference.countries import country_name

    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("DE", "zh") == "德国"
    assert country_name("DE", "ar") == "ألمانيا"


# --- the catalogs ----------------------------------------------------------------------


def _catalog(language):
    with translations.catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_fuzzy(language):
    catalog = _catalog(language)
    assert not catalog.fuzzy, f"{language}: the catalog header is fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings) or (message.pluralizable and len(strings) != catalog.num_plurals):
            problems.append(f"untranslated: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {message.id!r} -> {string!r}")
    assert not problems, f"{language}: " + "; ".join(problems[:10])


# Words spelled the same in English and the target language, and strings with no words at all.
SAME_IN_TRANSLATION = {
    "Administration",
    "Organisations",
    "Participation",
    "%(role)s: %(count)s",
    "%(estimate)s; n = %(n)s",
    "%(question)s: %(choice)s",
    "Page %(number)s",  # French
}


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_translations_are_not_english_copies(language):
    catalog = _catalog(language)
    copies = [m.id for m in catalog if m.id and m.string == m.id and len(m.id) > 12 and m.id not in SAME_IN_TRANSLATION]
    assert not copies, f"{language}: untranslated copies of English: {copies[:5]}"


def test_catalogs_hold_every_message_in_the_code(tmp_path):
    extracted = translations.extract(tmp_path / "messages.pot")
    with extracted.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    for language in LANGUAGES:
        have = {m.id for m in _catalog(language) if m.id}
        missing = wanted - have
        assert not missing, f"{language} lacks {sorted(map(str, missing))[:5]}: run `flask --app app translate update`"


def _babel_patterns():
    parser = configparser.ConfigParser()
    parser.read(translations.BABEL_CFG)
    return [section.split(":", 1)[1].strip() for section in parser.sections()]


def _project_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            yield relative.as_posix()


def test_every_babel_cfg_pattern_matches_a_file():
    files = list(_project_files())
    for pattern in _babel_patterns():
        assert any(pathmatch(pattern, name) for name in files), f"babel.cfg pattern {pattern!r} matches no file"


def test_every_template_and_module_is_covered_by_babel_cfg():
    patterns = _babel_patterns()
    for name in _project_files():
        if "/templates/" in name or (
            name.endswith(".py")
            and name.split("/")[0]
            in {"core", "stakeholders", "surveys", "engagement", "dashboards", "reports", "exports", "api"}
        ):
            assert any(pathmatch(p, name) for p in patterns), f"{name} is not extracted by babel.cfg"


def _python_sources():
    for path in ROOT.rglob("*.py"):
        if not {".venv", "tests", "migrations"} & set(path.relative_to(ROOT).parts):
            yield path


def test_no_formatted_string_inside_gettext():
    """pybabel cannot extract `_(f"...")` or `_("..." % x)`: the text would never be translated."""
    offenders = []
    for path in _python_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
                and node.args
                and not isinstance(node.args[0], ast.Constant)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


@pytest.mark.parametrize(
    "language, required",
    [
        ("ar", "هذا الحقل مطلوب."),
        ("fr", "Ce champ est requis."),
        ("zh", "该字段是必填字段。"),
        ("ru", "Обязательное поле."),
        ("es", "Este campo es obligatorio."),
    ],
)
def test_validation_messages_are_in_the_readers_language(client, language, required):
    client.set_cookie("lang", language)
    assert required in client.post("/account/register", data={}).get_data(as_text=True)
