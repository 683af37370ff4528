"""Codes to words and numbers to text in one language (the report's, or the dashboard reader's).

Every label comes from a translated controlled list, the regional groups, Babel's locale data
(countries, languages) or the survey catalog's own six-language labels; numbers are formatted
by Babel for the reader's locale. Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import math

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import language_name
from core.reference.countries import country_name
from core.reference.regions import REGIONAL_GROUPS
from engagement import vocabularies as engagement_vocab
from stakeholders import vocabularies as registry_vocab

UNKNOWN = "unknown"
ALL = "all"

VOCABULARIES = {
    "gender": registry_vocab.GENDER,
    "category": registry_vocab.CATEGORY,
    "sector": registry_vocab.SECTOR,
    "stakeholder_type": registry_vocab.STAKEHOLDER_TYPE,
    "discipline": registry_vocab.DISCIPLINE,
    "knowledge_system": registry_vocab.KNOWLEDGE_SYSTEM,
    "activity_type": registry_vocab.ACTIVITY_TYPE,
    "role": registry_vocab.PARTICIPATION_ROLE,
    "kind": engagement_vocab.EVIDENCE_KIND,
    "barrier": engagement_vocab.BARRIER,
    "status": engagement_vocab.ACTION_STATUS,
    "type": engagement_vocab.IMPACT_TYPE,
    "scale": engagement_vocab.IMPACT_SCALE,
    "deliverable": engagement_vocab.DELIVERABLE,
    "channel": engagement_vocab.CONCERN_CHANNEL,
}

DIMENSIONS = {
    "regional_group": _l("UN regional group"),
    "country": _l("Country"),
    "gender": _l("Gender"),
    "category": _l("Category"),
    "stakeholder_type": _l("Type of stakeholder"),
    "sector": _l("Sector"),
    "discipline": _l("Discipline"),
    "knowledge_system": _l("Knowledge system"),
    "language": _l("Language"),
    "type": _l("Type of impact"),
    "scale": _l("Scale"),
    "deliverable": _l("Deliverable"),
}

POPULATIONS = {
    "registered": _l("Registered stakeholders"),
    "participants": _l("Participants"),
    "respondents": _l("Survey respondents"),
}

# What a multiple-choice question's shares are of (`base` of `analysis.survey_results`).
BASES = {
    "answered": _l("Shares of respondents who ticked at least one choice."),
    "shown": _l("Shares of respondents shown the question."),
}


class Labeller:
    """Labels and numbers for one language."""

    def __init__(self, lang: str):
        self.lang = lang

    # --- words ---------------------------------------------------------------------------
    def code(self, dimension: str, code) -> str:
        if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
            return _("Unknown")
        code = str(code)
        if code == UNKNOWN:
            return _("Unknown")
        if code == ALL:
            return _("All")
        if dimension in ("regional_group", "region", "raised_by_region"):
            return str(REGIONAL_GROUPS[code]) if code in REGIONAL_GROUPS else code
        if dimension == "country":
            return country_name(code, self.lang)
        if dimension == "language":
            return language_name(code, self.lang)
        vocabulary = VOCABULARIES.get(dimension)
        return vocabulary.label(code) if vocabulary is not None else code

    def dimension(self, name: str) -> str:
        return str(DIMENSIONS.get(name, name))

    def dimension_in_sentence(self, name: str) -> str:
        """The dimension's name inside a title: lower case first letter, unless it starts an acronym."""
        text = self.dimension(name)
        if len(text) > 1 and text[1].isupper():
            return text
        return text[:1].lower() + text[1:]

    def base(self, base) -> str:
        """The phrase printed beside a multiple-choice figure: what its shares are of ("" for none)."""
        return str(BASES[base]) if base in BASES else ""

    def note_base(self, section, base) -> None:
        """What a multiple-choice question's shares are of, added to the note of every table of
        `section` (its figures' included), so that it is printed beside them and downloaded with them."""
        for table in [*(figure.table for figure in section.figures if figure.table), *section.tables]:
            table.note = " ".join(filter(None, (table.note, self.base(base))))

    def bases(self, bases) -> str:
        """The phrases of several figures' bases (one per wave, say), each once."""
        return " ".join(dict.fromkeys(self.base(base) for base in bases if base in BASES))

    def population(self, name: str) -> str:
        return str(POPULATIONS.get(name, name))

    def text(self, labels: dict | None, fallback: str = "") -> str:
        """A survey label in the report's language (English, then any, when it lacks one)."""
        labels = labels or {}
        return labels.get(self.lang) or labels.get("en") or next(iter(labels.values()), fallback) or fallback

    # --- numbers -------------------------------------------------------------------------

    @property
    def level(self) -> str:
        """The confidence level, as the locale writes 95 percent (filled into headers)."""
        return self.percent(0.95)

    def percent(self, value) -> str:
        """A share as a whole percentage in the locale's own pattern ("45 %" in French)."""
        if value is None or _missing(value):
            return "–"
        return format_percent(value, locale=self.lang)

    def number(self, value, digits: int = 0) -> str:
        if value is None or _missing(value):
            return "–"
        pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
        return format_decimal(value, pattern, locale=self.lang)

    def interval(self, low, high) -> str:
        if _missing(low) or _missing(high):
            return "–"
        return _("%(low)s to %(high)s", low=self.percent(low), high=self.percent(high))

    def share_with_interval(self, value, low, high) -> str:
        if _missing(value):
            return "–"
        if _missing(low) or _missing(high):
            return self.percent(value)
        return _(
            "%(share)s (%(low)s–%(high)s)", share=self.percent(value), low=self.percent(low), high=self.percent(high)
        )

    def ratio_with_interval(self, value, low, high) -> str:
        return self.number_with_interval(value, low, high, 2)

    def number_with_interval(self, value, low, high, digits: int = 1) -> str:
        if _missing(value):
            return "–"
        if _missing(low) or _missing(high):
            return self.number(value, digits)
        return _(
            "%(share)s (%(low)s–%(high)s)",
            share=self.number(value, digits),
            low=self.number(low, digits),
            high=self.number(high, digits),
        )

    def separators(self) -> str:
        """Plotly's `separators`: the decimal then the thousands symbol of the locale."""
        return get_decimal_symbol(self.lang) + get_group_symbol(self.lang)

    def date(self, value) -> str:
        return format_date(value, format="long", locale=self.lang) if value is not None else ""


def _missing(value) -> bool:
    try:
        return value is None or bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return value is None
