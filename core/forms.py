"""Form helpers shared by every blueprint."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import Form, FormField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.i18n import endonym, text_direction
from core.localized import OTHER_LANGUAGES, clean_translations


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _translations_form(limit: int) -> type[Form]:
    """A sub-form with one text box per language other than the source, labelled with the
    language's own name and marked with its `lang` and direction."""
    fields = {
        code: StringField(
            endonym(code),
            validators=[Optional(), Length(max=limit)],
            render_kw={"lang": code, "dir": text_direction(code)},
        )
        for code in OTHER_LANGUAGES
    }
    return type("TranslationsForm", (Form,), fields)


class TranslationsField(FormField):
    """A name in the other five languages, as {language: text} (see core/localized.py).

    `field.data` is cleaned (empty languages left out); fill it with `field.fill(record)` or
    `field.process_data(dict)`. The `translations` macro of macros/forms.html shows it.
    """

    def __init__(self, label=None, validators=None, limit: int = 300, **kwargs):
        super().__init__(_translations_form(limit), label, validators, separator="-", **kwargs)

    @property
    def data(self) -> dict[str, str]:
        return clean_translations(super().data)

    def fill(self, source) -> None:
        """From a named record, or from a {language: text} dict."""
        translations = source if isinstance(source, dict) or source is None else source.name_translations
        for code, text in (translations or {}).items():
            if code in self.form._fields:
                self.form[code].data = text
