"""A repeat on a survey page, without JavaScript (issue 15): each instance's questions under field names of
their own (`q.<repeat>.<number>.<question>`; a nested repeat's after its parent instance's path,
`q.member.2.phone.1.number`), "Add another" and "Remove" as submit buttons (`add:member.2.phone` for a
nested one), and the posted fields read back into the draft's lists of instances
(surveys.repeat_answers). No Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from surveys.answer_values import Raw
from surveys.answering import AnswerProblem, raw_from_form
from surveys.definition import NOT_ASKED, Choice, Definition, Question, Repeat
from surveys.loops import for_choice, instance_choice
from surveys.repeat_answers import (
    MAX_INSTANCES,
    field_name,
    instance_questions,
    instance_values,
    instances_of,
    nested_repeats,
    validate_instances,
)

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
    prefix: str = ""  # the parent instance's path, for a nested repeat: `member.2.`
    nested: tuple[tuple[Repeat, list[ShownInstance]], ...] = ()  # its nested repeats and their instances


def _renamed(repeat: Repeat, number: int, choice: Choice | None = None, prefix: str = "") -> tuple[Question, ...]:
    asked = [q for q in instance_questions(repeat) if q.type != "calculate"]
    return tuple(replace(for_choice(q, choice), name=field_name(repeat, number, q.name, prefix)) for q in asked)


def shown_instances(
    definition: Definition,
    repeat: Repeat,
    draft: Mapping[str, object],
    values: Mapping[str, object],
    prefix: str = "",
) -> list[ShownInstance]:
    """The instances the page shows, each with every question it asks (one whose `relevant` fails is still
    shown, as a page shows one that depends on itself, and only checked when it applies) and the instances
    of its nested repeats (`draft` is the parent's instance for those)."""
    shown = []
    questions = {q.name for q in instance_questions(repeat)}
    for number, instance in enumerate(instances_of(repeat, draft, values), start=1):
        path = field_name(repeat, number, "", prefix)
        raw = {path + name: value for name, value in instance.items() if name in questions and value is not None}
        choice = instance_choice(definition, repeat, number)
        seen = instance_values(repeat, instance, number, values)
        nested = tuple(
            (inner, shown_instances(definition, inner, instance, seen, path)) for inner in nested_repeats(repeat)
        )
        shown.append(
            ShownInstance(repeat, number, _renamed(repeat, number, choice, prefix), raw, choice, prefix, nested)
        )
    return shown


def posted_instances(
    definition: Definition,
    repeat: Repeat,
    form,
    draft: Mapping[str, object],
    values: Mapping[str, object],
    prefix: str = "",
) -> list[dict]:
    """The instances as posted (as many as the page showed), nested ones within theirs; a read-only question
    keeps what the draft had."""
    found = []
    for number, kept in enumerate(instances_of(repeat, draft, values), start=1):
        instance = {**kept, **posted_instance(definition, repeat, number, form, prefix)}
        instance = {name: value for name, value in instance.items() if value is not None}
        seen = instance_values(repeat, instance, number, values)
        path = field_name(repeat, number, "", prefix)
        for inner in nested_repeats(repeat):
            instance[inner.name] = posted_instances(definition, inner, form, instance, seen, path)
        found.append(instance)
    return found


def posted_instance(
    definition: Definition, repeat: Repeat, number: int, form, prefix: str = ""
) -> dict[str, Raw | None]:
    """One instance's raw answers as posted, by question name (None for a field left empty)."""
    questions = [q for q in _renamed(repeat, number, prefix=prefix) if q.type not in NOT_ASKED]
    path = field_name(repeat, number, "", prefix)
    return {name.removeprefix(path): value for name, value in raw_from_form(definition, questions, form).items()}


def apply_action(repeat: Repeat, action: str, instances: list[dict], prefix: str = "") -> list[dict] | None:
    """The instances after an "Add another" or "Remove" of this repeat or of one nested in it (in the
    instance the action names); None when the action is another's. A repeat with a `repeat_count` (or a
    loop) has as many instances as it says: neither button applies to it."""
    if not repeat.count:
        if action == ADD + prefix + repeat.name:
            return instances + [{}] if len(instances) < MAX_INSTANCES else instances
        if action.startswith(f"{REMOVE}{prefix}{repeat.name}:"):
            number = action.rsplit(":", 1)[1]
            if number.isdigit() and 1 <= int(number) <= len(instances):
                return instances[: int(number) - 1] + instances[int(number) :]
            return instances
    for number, instance in enumerate(instances, start=1):
        path = field_name(repeat, number, "", prefix)
        if not action.removeprefix(ADD).removeprefix(REMOVE).startswith(path):
            continue
        for inner in nested_repeats(repeat):
            changed = apply_action(inner, action, instance.get(inner.name, []), path)
            if changed is not None:
                return [*instances[: number - 1], {**instance, inner.name: changed}, *instances[number:]]
    return None


def instance_problems(
    definition: Definition, repeat: Repeat, instances: list[dict], values: Mapping[str, object]
) -> dict[str, AnswerProblem]:
    """Problems under the field names the page shows them by."""
    found = validate_instances(definition, repeat, instances, values)
    return {field_name(repeat, number, name): problem for (name, number), problem in found.items()}
