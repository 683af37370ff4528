"""Which texts of an instrument version still lack a translation: per language, cells missing by sheet.

A form may arrive in fewer than the six UN languages; it is stored all the same and translated in
the platform (`surveys.translation_workbook`). A text counts once it exists in at least one
language: a question without a hint has no hint to translate. Plain data: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.config import LANGUAGES
from surveys.definition import Definition, Grid, Labels, Repeat

SHEETS = ("survey", "choices", "settings")


@dataclass(frozen=True)
class Text:
    """One translatable text of a form: where it is (sheet, kind, item name) and its languages."""

    sheet: str
    kind: str  # label, hint, constraint_message, required_message, form_title
    name: str  # the question, group or choice ("list/choice") it belongs to
    texts: Labels


def texts(definition: Definition) -> list[Text]:
    """Every text of the form that exists in at least one language, in form order."""
    found = [Text("settings", "form_title", definition.form_id, definition.titles)]
    for page in definition.pages:
        found.append(Text("survey", "label", page.name, page.labels))
        found.extend(_item_texts(page.items))
    for list_name, items in definition.choices.items():
        found.extend(Text("choices", "label", f"{list_name}/{choice.name}", choice.labels) for choice in items)
    return [text for text in found if any(text.texts.get(code) for code in LANGUAGES)]


def _item_texts(items) -> list[Text]:
    """The texts of a page's items: grids' and repeats' labels, then their questions' (nested repeats too)."""
    found = []
    for item in items:
        if isinstance(item, Repeat):
            found.append(Text("survey", "label", item.name, item.labels))
            found.extend(_item_texts(item.items))
            continue
        if isinstance(item, Grid):
            found.append(Text("survey", "label", item.name, item.labels))
        for question in item.questions if isinstance(item, Grid) else (item,):
            found.extend(
                Text("survey", kind, question.name, labels)
                for kind, labels in (
                    ("label", question.labels),
                    ("hint", question.hints),
                    ("constraint_message", question.constraint_messages),
                    ("required_message", question.required_messages),
                )
            )
    return found


def missing_cells(definition: Definition) -> dict[str, dict[str, int]]:
    """language -> sheet -> cells to translate, for the languages that lack any; empty when complete."""
    status: dict[str, dict[str, int]] = {}
    for text in texts(definition):
        for code in LANGUAGES:
            if not text.texts.get(code):
                by_sheet = status.setdefault(code, dict.fromkeys(SHEETS, 0))
                by_sheet[text.sheet] += 1
    return {code: status[code] for code in LANGUAGES if code in status}


def missing_totals(definition: Definition) -> dict[str, int]:
    """language -> cells to translate, for the languages that lack any."""
    return {code: sum(by_sheet.values()) for code, by_sheet in missing_cells(definition).items()}


def is_complete(definition: Definition) -> bool:
    return not missing_cells(definition)
