"""Options for the registry filter form, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.db import get_session
from core.i18n import current_language
from core.reference.countries import country_choices
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
        context["country_options"] = country_choices(get_session(), current_language())
        context["region_options"] = [(code, str(label)) for code, label in REGIONAL_GROUPS.items()]
    return context
