"""Names of the released variables and their values, in the release's language.

Call inside `flask_babel.force_locale(lang)`: interface text comes from the gettext catalogs,
survey text from the catalog's own six-language labels (`presentation.labels.Labeller`), countries and
languages from Babel's locale data.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import language_name
from core.reference.regions import REGIONAL_GROUPS
from exports.geography import OTHER, Geography
from presentation.labels import Labeller
from stakeholders import vocabularies

META_LABELS = {
    "respondent": _l("Respondent: a pseudonym made with a keyed hash whose key was thrown away"),
    "wave_id": _l("Survey wave (number)"),
    "wave": _l("Survey wave"),
    "year": _l("Year of the wave"),
    "instrument": _l("Questionnaire"),
    "version": _l("Version of the questionnaire answered"),
    "submitted_on": _l("Date of submission (UTC), to the day"),
    "language": _l("Language the survey was answered in"),
    "channel": _l("How the respondent was reached"),
    "network": _l("Network whose open link was used"),
    "regional_group": _l("UN regional group"),
    "country": _l("Country of work"),
    "category": _l("Category of stakeholder"),
    "gender": _l("Gender"),
    "stakeholder_type": _l("Type of stakeholder (contributor, end user or both)"),
}
VOCABULARIES = {
    "gender": vocabularies.GENDER,
    "category": vocabularies.CATEGORY,
    "stakeholder_type": vocabularies.STAKEHOLDER_TYPE,
}
CHANNELS = {
    "invitation": _l("Personal invitation"),
    "open_link": _l("Open link of a network"),
    "import": _l("Imported from a file of past responses"),
}


class ValueLabels:
    """Labels of the values a released variable holds."""

    def __init__(self, lang: str, geography: Geography):
        self.lang = lang
        self.geography = geography
        self.labeller = Labeller(lang)

    def variable(self, name: str) -> str:
        return str(META_LABELS[name])

    def question(self, labels: dict, name: str) -> str:
        return self.labeller.text(labels, name)

    def choice_column(self, question: str, choice: str) -> str:
        return _("%(question)s: %(choice)s", question=question, choice=choice)

    def value(self, variable: str, value: str, choices: dict | None = None) -> str:
        """The label of `value` in `variable`; `choices` ({name: labels}) for a question's own list."""
        if value == OTHER and (choices is None or OTHER not in choices):
            return _("Other (values too rare to show on their own)")
        if choices is not None:
            return self.labeller.text(choices.get(value), value)
        if variable == "country":
            return self.geography.label(value, self.lang)
        if variable == "regional_group":
            return str(REGIONAL_GROUPS[value]) if value in REGIONAL_GROUPS else value
        if variable == "language":
            return language_name(value, self.lang)
        if variable == "channel":
            return str(CHANNELS.get(value, value))
        vocabulary = VOCABULARIES.get(variable)
        return vocabulary.label(value) if vocabulary is not None else value

    def order(self, variable: str, values, choices: dict | None = None) -> list[str]:
        """Values in the order of their list (a question's choices, a controlled list), others after."""
        present = set(values)
        listed = (
            list(choices)
            if choices is not None
            else (
                list(VOCABULARIES[variable].codes)
                if variable in VOCABULARIES
                else list(REGIONAL_GROUPS)
                if variable == "regional_group"
                else list(CHANNELS)
                if variable == "channel"
                else []
            )
        )
        ordered = [value for value in listed if value in present]
        rest = sorted(present - set(ordered) - {OTHER})
        return ordered + rest + ([OTHER] if OTHER in present and OTHER not in ordered else [])

    @staticmethod
    def missing() -> dict[str, str]:
        return {
            "suppressed": _("Suppressed to protect respondents (matches any value)"),
            "not_answered": _("Not answered, not asked or not applicable"),
        }

    @staticmethod
    def selected() -> dict[str, str]:
        return {"1": _("Selected"), "0": _("Not selected")}


def joined_labels(*labels: dict | None) -> dict[str, str]:
    """{language: text} of a question (or "question: choice") in every language all parts have."""
    parts = [label if isinstance(label, dict) else {} for label in labels]
    common = set(parts[0]).intersection(*parts[1:])
    return {
        lang: ": ".join(str(part[lang]) for part in parts) for lang in sorted(common) if all(p[lang] for p in parts)
    }
