"""`begin loop over LIST` (issue 15): a repeat with one instance per choice of a list, as pyxform builds it.

pyxform makes one group per choice of the list (skipping a choice named `none`), each holding the loop's
questions with `%(name)s` and `%(label)s` in their texts replaced by the choice's name and its label in
the same language. Here the loop is a `Repeat` whose `over` names the list: instance 1 is the first
choice asked, 2 the second..., and a question's texts are those of its instance's choice. Plain
functions: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import fields, replace

from surveys.definition import Choice, Definition, Labels, Question, Repeat

SKIPPED = "none"  # pyxform asks no group for this choice of a loop's list


def looped(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """The choices a loop over this list asks, in order."""
    return tuple(choice for choice in choices if choice.name != SKIPPED)


def loop_choices(definition: Definition, repeat: Repeat) -> tuple[Choice, ...]:
    """The choice of each instance of a loop, in instance order (none for a `begin repeat`)."""
    return looped(definition.choices.get(repeat.over, ())) if repeat.over else ()


def instance_choice(definition: Definition, repeat: Repeat, number: int) -> Choice | None:
    """The choice instance `number` (from 1) of a loop stands for; None for a `begin repeat`."""
    choices = loop_choices(definition, repeat)
    return choices[number - 1] if 1 <= number <= len(choices) else None


def _substituted(texts: Labels, choice: Choice) -> Labels:
    return {
        language: text.replace("%(name)s", choice.name).replace("%(label)s", choice.labels.get(language, choice.name))
        for language, text in texts.items()
    }


def for_choice(question: Question, choice: Choice | None) -> Question:
    """The question as the instance of `choice` asks it: `%(name)s` and `%(label)s` in every text replaced
    (unchanged outside a loop)."""
    if choice is None:
        return question
    texts = {f.name: getattr(question, f.name) for f in fields(question) if isinstance(getattr(question, f.name), dict)}
    return replace(question, **{name: _substituted(value, choice) for name, value in texts.items()})
