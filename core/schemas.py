"""Building blocks of the input models (the `XBase`/`XCreate`/`XUpdate`/`XPublic` families of each
domain package's `schemas.py`): a base class and field types whose validators report problems as
codes (`core.problems`), never as text.

The field types are written like types (`title: Text(300, required=True)`): each call returns an
`Annotated` type carrying its validators. Each accepts what every edge sends: a form's typed values
(a `date`, an `int`, None for an empty field) and an import cell's or an API body's text
("2025-03-01", "143", "" for empty). Strings arrive stripped. Rules that need the database stay in
the services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints
from sqlmodel import SQLModel

from core.localized import clean_translations
from core.problems import problem

WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")


class Schema(SQLModel):
    """Base of every input and output model: text is stripped of surrounding spaces."""

    model_config = ConfigDict(str_strip_whitespace=True)


def _codes_of(vocabulary) -> tuple[str, ...]:
    """The allowed codes of a vocabulary (anything with `.codes`) or of a plain list of codes."""
    return tuple(getattr(vocabulary, "codes", vocabulary))


def _text_or_empty(value: Any) -> Any:
    return "" if value is None else value


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def Text(max_length: int | None = None, *, required: bool = False) -> Any:
    """Text of at most `max_length` characters; `required`: not empty."""
    return Annotated[
        str,
        BeforeValidator(_text_or_empty),
        StringConstraints(min_length=1 if required else None, max_length=max_length),
    ]


def Translations(max_length: int = 300) -> Any:
    """A name in the other languages, {language: text}: unknown languages and empty texts left out,
    each cut to `max_length` (see core/localized.py)."""
    return Annotated[dict, BeforeValidator(lambda value: clean_translations(value or {}, limit=max_length))]


def Code(vocabulary, *, required: bool = True) -> Any:
    """One code of `vocabulary`; empty ("") when not required and not given."""
    allowed = _codes_of(vocabulary)

    def check(value: str) -> str:
        if not value:
            if required:
                raise problem("required")
            return ""
        if value not in allowed:
            raise problem("not_allowed", value=value, allowed=list(allowed))
        return value

    return Annotated[str, BeforeValidator(_text_or_empty), AfterValidator(check)]


def Codes(vocabulary) -> Any:
    """Codes of `vocabulary`, each once; the unknown ones are reported together."""
    allowed = _codes_of(vocabulary)

    def check(values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise problem("not_allowed", value=unknown, allowed=list(allowed))
        return list(dict.fromkeys(values))

    return Annotated[list[str], BeforeValidator(_list_or_empty), AfterValidator(check)]


def Link(max_length: int) -> Any:
    """A web address (http or https), or empty."""

    def check(value: str) -> str:
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise problem("bad_url")
        if len(value) > max_length:
            raise problem("too_long", max=max_length)
        return value

    return Annotated[str, BeforeValidator(_text_or_empty), AfterValidator(check)]


def EmailAddress(max_length: int = 254, *, required: bool = False) -> Any:
    """An email address as written (not normalised), or empty when not required."""

    def check(value: str) -> str:
        if not value:
            if required:
                raise problem("required")
            return ""
        if len(value) > max_length:
            raise problem("too_long", max=max_length)
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise problem("bad_email", value=value) from None
        return value

    return Annotated[str, BeforeValidator(_text_or_empty), AfterValidator(check)]


def _day(value: Any) -> Any:
    """A date from a date, a datetime, or text written YYYY-MM-DD (a spreadsheet may add a time)."""
    value = _blank_to_none(value)
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) in (10, 19) else date.fromisoformat(text)
    except ValueError:
        raise problem("bad_date", value=text) from None


Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(_day)]


def _whole(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    text = str(value).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        raise problem("not_integer", value=text)
    return int(text)


def WholeNumber(minimum: int | None = None, maximum: int | None = None, *, required: bool = False) -> Any:
    """A whole number within [minimum, maximum]; None when not given (unless required)."""

    def check(value: int | None) -> int | None:
        if value is not None and (
            (minimum is not None and value < minimum) or (maximum is not None and value > maximum)
        ):
            raise problem("out_of_range", value=value)
        return value

    return Annotated[int if required else int | None, BeforeValidator(_whole), AfterValidator(check)]


def _upper(value: Any) -> Any:
    value = _blank_to_none(value)
    return value.strip().upper() if isinstance(value, str) else value


def _upper_or_empty(value: Any) -> Any:
    return _text_or_empty(_upper(value))


# An ISO 3166 alpha-2 code, upper case; whether it is recorded is the services' rule (it needs the database).
CountryCode = Annotated[str, BeforeValidator(_upper_or_empty), StringConstraints(min_length=1)]
OptionalCountryCode = Annotated[str | None, BeforeValidator(_upper)]


def in_order(codes: Iterable[str], vocabulary) -> list[str]:
    """The chosen codes in the vocabulary's order."""
    chosen = set(codes)
    return [code for code in _codes_of(vocabulary) if code in chosen]
