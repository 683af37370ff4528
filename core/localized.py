"""Names the secretariat types (waves, networks, instruments, activities) in the six languages.

A named record keeps its name as typed, in the secretariat's working language (`SOURCE_LANGUAGE`),
and a JSON column `name_translations` ({language: text}) with the names given in other languages.
`localized_name(record, locale)` is the name in the reader's language, else the typed name; it is
a `LocalizedText`, a string that knows its language, so that a page can mark the fallback with a
`lang` attribute (assistive technology then reads it with the right voice).

A model names the column that holds its typed name in `TRANSLATED_FIELD` ("name" by default).
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from core.config import LANGUAGES
from core.i18n import current_language, text_direction

SOURCE_LANGUAGE = "en"
OTHER_LANGUAGES = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


class LocalizedText(str):
    """A text and the language it is in."""

    lang: str

    def __new__(cls, text: str, lang: str):
        value = super().__new__(cls, text)
        value.lang = lang
        return value


def clean_translations(values: Mapping | None, limit: int = 300) -> dict[str, str]:
    """Only the other languages, with spaces collapsed; empty ones left out."""
    cleaned = {}
    for code in OTHER_LANGUAGES:
        text = " ".join(str((values or {}).get(code) or "").split())[:limit]
        if text:
            cleaned[code] = text
    return cleaned


def localized(text: str, translations: Mapping | None, locale: str | None = None) -> LocalizedText:
    """`text` (in the source language) in `locale` when it has been given, else `text` itself."""
    locale = locale or current_language()
    translated = (translations or {}).get(locale)
    if translated and locale != SOURCE_LANGUAGE:
        return LocalizedText(translated, locale)
    return LocalizedText(text or "", SOURCE_LANGUAGE)


def translated_field(record) -> str:
    return getattr(type(record), "TRANSLATED_FIELD", "name")


def localized_name(record, locale: str | None = None) -> LocalizedText:
    """A named record's name in `locale` (the request's language by default), else as typed."""
    return localized(getattr(record, translated_field(record)), getattr(record, "name_translations", None), locale)


def localized_html(value, locale: str | None = None) -> Markup:
    """For templates (`{{ wave|localized }}`): the name, wrapped with its `lang` (and direction)
    when it is not in the page's language. Takes a named record or a `LocalizedText`."""
    text = value if isinstance(value, LocalizedText) else localized_name(value, locale)
    page = locale or current_language()
    if text.lang == page:
        return escape(text)
    direction = text_direction(text.lang)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(text.lang, direction, text)


def renamed(names: Mapping[str, Mapping], locale: str | None = None) -> dict[str, str]:
    """For relabelling a frame's column of typed names: {typed name: name in `locale`}, only for
    those translated, and never two typed names to the same text (a legend keeps them apart)."""
    mapping: dict[str, str] = {}
    taken = set(names)
    for name, translations in names.items():
        text = localized(name, translations, locale)
        if text != name and text not in taken:
            mapping[name] = str(text)
            taken.add(str(text))
    return mapping
