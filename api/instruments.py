"""What the API reads about instruments: those a published (not draft) wave uses, each version's
questions and choices in the six languages, read from the stored definitions (`surveys.instruments`)."""

from __future__ import annotations

from sqlmodel import Session

from api.reading import Refused
from surveys.definition import Definition, Grid, Repeat
from surveys.instruments import definition_of, published_versions


def _published(session: Session) -> dict[str, list]:
    """code -> [(instrument, version, wave ids)], oldest version first."""
    found: dict[str, list] = {}
    for instrument, version, wave_ids in published_versions(session):
        found.setdefault(instrument.code, []).append((instrument, version, wave_ids))
    return found


def _summary(code: str, versions: list) -> dict:
    instrument = versions[-1][0]
    return {
        "code": code,
        "name": instrument.name,
        "names": dict(instrument.name_translations or {}),
        "versions": [
            {
                "number": version.number,
                "titles": dict(definition_of(version).titles or {}),
                "wave_ids": list(wave_ids),
            }
            for _instrument, version, wave_ids in versions
        ],
    }


def instruments(session: Session) -> list[dict]:
    """Every instrument a published wave uses, by code, with the versions those waves use."""
    return [_summary(code, versions) for code, versions in _published(session).items()]


def instrument(session: Session, code: str, number: int | None) -> dict:
    """One instrument's published version (`number`, or the latest a wave uses): its questions in form
    order, with their page, type, labels, hints and choices in every language the version has."""
    versions = _published(session).get(code)
    if not versions:
        raise Refused(missing=True)
    chosen = versions[-1] if number is None else next((v for v in versions if v[1].number == number), None)
    if chosen is None:
        raise Refused(missing=True)
    definition = definition_of(chosen[1])
    return _summary(code, versions) | {
        "version": chosen[1].number,
        "titles": dict(definition.titles or {}),
        "questions": _questions(definition),
    }


def _questions(definition: Definition) -> list[dict]:
    found = []
    for page in definition.pages:
        for item in page.items:
            # a repeat's questions are listed too, though answered once per instance
            rows = (
                item.questions() if isinstance(item, Repeat) else item.questions if isinstance(item, Grid) else (item,)
            )
            for question in rows:
                choices = definition.choices.get(question.list_name or "", ()) if question.list_name else ()
                found.append(
                    {
                        "name": question.name,
                        "page": page.name,
                        "type": question.type,
                        "labels": dict(question.labels or {}),
                        "hints": dict(question.hints or {}),
                        "required": bool(question.required),
                        "choices": [{"name": choice.name, "labels": dict(choice.labels or {})} for choice in choices],
                        "personal_data": bool(question.pii),
                        "profile": bool(question.profile),
                        "indicator": question.indicator,
                    }
                )
    return found
