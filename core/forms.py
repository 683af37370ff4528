"""Form helpers shared by every blueprint."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
