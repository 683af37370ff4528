"""Problems with input, as codes with parameters: what the models and services report.

A `Problem` names the field it concerns ("" for the input as a whole), a stable code
(`required`, `too_long`, `not_allowed`...) and the parameters its message needs. Nothing here
translates: the edges (views, importers) turn problems into messages with
`core.problem_messages`, in the reader's language.

The input models (SQLModel non-table classes, see `core.schemas`) raise problems from their
validators with `problem(code, **params)` (one field) or `ValidationFailed` (several fields, from a
model validator); `validate` runs a model and turns pydantic's `ValidationError` into a
`ValidationFailed` whose problems use the same codes. Services raise `ValidationFailed` for the
rules that need the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    field: str  # the input field ("" for the input as a whole; "proposal.name" in a nested model)
    code: str  # stable: the key of its message in core.problem_messages
    params: dict[str, Any] = field(default_factory=dict)


class ValidationFailed(ValueError):
    """Input that cannot be used; `problems` says why, field by field. Nothing was saved."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field or '-'}: {p.code}" for p in self.problems))

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]

    def renamed(self, fields: Mapping[str, str]) -> ValidationFailed:
        return ValidationFailed(renamed(self.problems, fields))


# The message of the errors `problem` makes: it tells them from pydantic's own (some codes are also
# pydantic error types, "too_long" for one).
_OURS = "input problem"


def problem(code: str, **params) -> PydanticCustomError:
    """The error a field validator raises: `raise problem("bad_url")`."""
    return PydanticCustomError(code, _OURS, params)


def refuse(problems: Iterable[Problem]) -> None:
    """Raise `ValidationFailed` when there is any problem."""
    problems = list(problems)
    if problems:
        raise ValidationFailed(problems)


def renamed(problems: Iterable[Problem], fields: Mapping[str, str]) -> list[Problem]:
    """The problems with their fields renamed (a model's field -> a form field or a column)."""
    return [Problem(fields.get(p.field, p.field), p.code, p.params) for p in problems]


# pydantic's own error types, and the codes they become (any other: "invalid").
_PYDANTIC_CODES = {
    "missing": "required",
    "string_too_short": "required",  # the only minimum length the models set is 1
    "string_too_long": "too_long",
    "too_long": "too_long",
    "int_parsing": "not_integer",
    "int_type": "not_integer",
    "int_from_float": "not_integer",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "date_from_datetime_inexact": "bad_date",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
}


def _from_pydantic(name: str, kind: str, context: dict, value: Any) -> Problem:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Problem(name, "required")
    code = _PYDANTIC_CODES.get(kind, "invalid")
    if code == "too_long":
        return Problem(name, code, {"max": context.get("max_length")})
    if code == "required":
        return Problem(name, code)
    return Problem(name, code, {"value": value})


def problems_from(error: ValidationError) -> list[Problem]:
    """pydantic's errors as problems: its own error types mapped to stable codes, ours kept."""
    found: list[Problem] = []
    for item in error.errors(include_url=False):
        name = ".".join(part for part in item["loc"] if isinstance(part, str))  # a nested model: "proposal.name"
        kind, context, value = item["type"], dict(item.get("ctx") or {}), item.get("input")
        if isinstance(context.get("error"), ValidationFailed):  # raised by a model validator
            found.extend(context["error"].problems)
        elif item["msg"] == _OURS:  # raised with `problem(code, ...)`
            found.append(Problem(name, kind, context))
        else:
            found.append(_from_pydantic(name, kind, context, value))
    unique: list[Problem] = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def validate(model: type[M], values: Mapping[str, Any] | BaseModel, *, fields: Mapping[str, str] | None = None) -> M:
    """`model` built from `values`; raises `ValidationFailed` (fields renamed by `fields`) when it cannot be."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ValidationFailed(renamed(problems_from(error), fields or {})) from None
