"""Options for the registry filter form, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from core import generations
from core.db import get_session
from core.extensions import cache
from core.i18n import current_language
from core.reference.countries import country_choices
from core.reference.models import Country
from core.reference.regions import REGIONAL_GROUPS
from stakeholders import vocabularies as vocab

SORT_LABELS = {
    "name": _l("Name, A to Z"),
    "-name": _l("Name, Z to A"),
    "country": _l("Country"),
    "category": _l("Category"),
    "organisation": _l("Organisation"),
    "newest": _l("Newest first"),
}

# Sorting the country names in the reader's collation costs more than the rest of a register page
# (about 15 ms a request), and the list changes only when a country is recorded: it is cached per
# language under a generation token that any commit writing a country replaces.
COUNTRIES = "country-options"
COUNTRY_OPTIONS_TIMEOUT = 3600  # seconds; bounds how long a country recorded outside the app stays unseen
generations.watch(COUNTRIES, (Country,))

# The vocabulary filters a registry list may offer, with their labels.
VOCABULARY_FILTERS = {
    "category": (_l("Category"), vocab.CATEGORY),
    "stakeholder_type": (_l("Type"), vocab.STAKEHOLDER_TYPE),
    "knowledge_system": (_l("Knowledge system"), vocab.KNOWLEDGE_SYSTEM),
    "gender": (_l("Gender"), vocab.GENDER),
}


def filter_context(*names: str, places: bool = True) -> dict:
    """Template variables for `registry_admin/_filters.html`; `names` picks the vocabulary filters.

    `places=False` leaves out the country and regional group filters (and the sort by country),
    for lists that cover one country only.
    """
    context = {
        "vocabulary_filters": [
            (name, {"label": VOCABULARY_FILTERS[name][0], "choices": VOCABULARY_FILTERS[name][1].choices()})
            for name in names
        ],
        "sort_options": [(code, str(label)) for code, label in SORT_LABELS.items() if places or code != "country"],
    }
    if places:
        context["country_options"] = _country_options(current_language())
        context["region_options"] = [(code, str(label)) for code, label in REGIONAL_GROUPS.items()]
    return context


def country_option_tags(selected: str) -> Markup:
    """The country `<option>`s of the public register's filter form, `selected` (an ISO code, any
    case) marked as chosen.

    Escaping and joining 195 names cost about 4 ms a request in the template; the tags are cached
    beside the options they are made of (same language, same generation), and the chosen one is
    marked in the cached text, so the result is what the template loop gave.
    """
    language = current_language()
    key = f"country-option-tags:{generations.token(COUNTRIES)}:{language}"
    tags = cache.get(key)
    if tags is None:
        tags = "".join(
            f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in _country_options(language)
        )
        cache.set(key, tags, timeout=COUNTRY_OPTIONS_TIMEOUT)
    code = selected.upper()
    if code:
        plain = f'<option value="{escape(code)}">'
        tags = tags.replace(plain, f'<option value="{escape(code)}" selected>', 1)
    return Markup(tags)


def _country_options(language: str) -> list[tuple[str, str]]:
    key = f"country-options:{generations.token(COUNTRIES)}:{language}"
    options = cache.get(key)
    if options is None:
        options = country_choices(get_session(), language)
        cache.set(key, options, timeout=COUNTRY_OPTIONS_TIMEOUT)
    return options
