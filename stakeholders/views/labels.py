"""Template helpers for every registry page: codes shown in the reader's language."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.i18n import current_language
from core.reference.countries import country_name
from stakeholders import vocabularies as vocab

ORGANISATION_STATUS = {
    "pending": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "merged": _l("Merged"),
}


def _labels() -> dict:
    return {
        # label("category", code): a controlled-list code in the reader's language
        "label": lambda vocabulary, code: vocab.ALL[vocabulary].label(code),
        "status_label": lambda status: str(ORGANISATION_STATUS.get(status, status)),
        "country_label": lambda iso2: country_name(iso2, current_language()) if iso2 else "",
    }


def init_app(app: Flask) -> None:
    app.context_processor(_labels)
