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


def filter_context(*names: str) -> dict:
    """Template variables for `registry_admin/_filters.html`; `names` picks the vocabulary filters."""
    labels = {
        "category": (_l("Category"), vocab.CATEGORY),
        "stakeholder_type": (_l("Type"), vocab.STAKEHOLDER_TYPE),
        "knowledge_system": (_l("Knowledge system"), vocab.KNOWLEDGE_SYSTEM),
        "gender": (_l("Gender"), vocab.GENDER),
    }
    return {
        "country_options": country_choices(get_session(), current_language()),
        "region_options": [(code, str(label)) for code, label in REGIONAL_GROUPS.items()],
        "vocabulary_filters": [
            (name, {"label": labels[name][0], "choices": labels[name][1].choices()}) for name in names
        ],
        "sort_options": [(code, str(label)) for code, label in SORT_LABELS.items()],
    }
