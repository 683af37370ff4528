"""A repeat on a survey page, without JavaScript (issue 15): each instance's questions under field names of
their own (`q.<repeat>.<number>.<question>`), "Add another" and "Remove" as submit buttons, and the posted
fields read back into the draft's list of instances (surveys.repeat_answers). No Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from surveys.answer_values import Raw
from surveys.answering import AnswerProblem, raw_from_form
from surveys.definition import NOT_ASKED, Choice, Definition, Question, Repeat
from surveys.loops import for_choice, instance_choice
from surveys.repeat_answers import MAX_INSTANCES, field_name, instance_questions, instances_of, validate_instances

ADD, REMOVE = "add:", "remove:"  # page actions: `add:<repeat>`, `remove:<repeat>:<number>`


@dataclass(frozen=True)
class ShownInstance:
    """One instance as the page shows it: its questions renamed `<repeat>.<number>.<name>`, and their raw
    answers and error keys under those names (so the page's question macros render them as they are); in a
    loop, the choice it stands for (its title, and its label in the questions' texts)."""

    repeat: Repeat
    number: int
    questions: tuple[Question, ...]
    raw: dict[str, Raw]
    choice: Choice | None = None


def _renamed(repeat: Repeat, number: int, choice: Choice | None = None) -> tuple[Question, ...]:
    asked = [q for q in instance_questions(repeat) if q.type != "calculate"]
    return tuple(replace(for_choice(q, choice), name=field_name(repeat, number, q.name)) for q in asked)


def shown_instances(
    definition: Definition, repeat: Repeat, draft: Mapping[str, object], values: Mapping[str, object]
) -> list[ShownInstance]:
    """The instances the page shows, each with every question it asks (one whose `relevant` fails is still
    shown, as a page shows one that depends on itself, and only checked when it applies)."""
    shown = []
    for number, instance in enumerate(instances_of(repeat, draft, values), start=1):
        raw = {field_name(repeat, number, name): value for name, value in instance.items() if value is not None}
        choice = instance_choice(definition, repeat, number)
        shown.append(ShownInstance(repeat, number, _renamed(repeat, number, choice), raw, choice))
    return shown


def posted_instances(
    definition: Definition, repeat: Repeat, form, draft: Mapping[str, object], values: Mapping[str, object]
) -> list[dict]:
    """The instances as posted (as many as the page showed); a read-only question keeps what the draft had."""
    found = []
    for number, kept in enumerate(instances_of(repeat, draft, values), start=1):
        instance = {**kept, **posted_instance(definition, repeat, number, form)}
        found.append({name: value for name, value in instance.items() if value is not None})
    return found


def posted_instance(definition: Definition, repeat: Repeat, number: int, form) -> dict[str, Raw | None]:
    """One instance's raw answers as posted, by question name (None for a field left empty)."""
    questions = [q for q in _renamed(repeat, number) if q.type not in NOT_ASKED]
    prefix = field_name(repeat, number, "")
    return {name.removeprefix(prefix): value for name, value in raw_from_form(definition, questions, form).items()}


def apply_action(repeat: Repeat, action: str, instances: list[dict]) -> list[dict] | None:
    """The instances after an "Add another" or "Remove" of this repeat; None when the action is another's.
    A repeat with a `repeat_count` has as many instances as it says: neither button applies to it."""
    if repeat.count:
        return None
    if action == ADD + repeat.name:
        return instances + [{}] if len(instances) < MAX_INSTANCES else instances
    if action.startswith(f"{REMOVE}{repeat.name}:"):
        number = action.rsplit(":", 1)[1]
        if number.isdigit() and 1 <= int(number) <= len(instances):
            return instances[: int(number) - 1] + instances[int(number) :]
        return instances
    return None


def instance_problems(
    definition: Definition, repeat: Repeat, instances: list[dict], values: Mapping[str, object]
) -> dict[str, AnswerProblem]:
    """Problems under the field names the page shows them by."""
    found = validate_instances(definition, repeat, instances, values)
    return {field_name(repeat, number, name): problem for (name, number), problem in found.items()}
