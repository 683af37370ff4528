"""The repeat part of a survey page's post (surveys.repeat_pages does the work)."""

from __future__ import annotations

from dataclasses import dataclass

from surveys import repeat_answers, repeat_pages
from surveys.definition import Choice, Definition, Repeat
from surveys.loops import for_choice, instance_choice


def on_page(items) -> list[Repeat]:
    return [item for item in items if isinstance(item, Repeat)]


def posted(definition: Definition, items, form, raw: dict, values: dict, action: str):
    """(the repeats' instances as posted, by repeat name; their problems when the action checks them;
    whether the page must be shown again: an "Add another"/"Remove" button, or a `repeat_count` answered
    on this very page that now asks for another number of instances)."""
    found, problems, acted = {}, {}, False
    after = repeat_answers.form_values(definition, raw)  # `raw` holds this page's other answers as posted
    for repeat in on_page(items):
        instances = repeat_pages.posted_instances(definition, repeat, form, raw, values)
        changed = repeat_pages.apply_action(repeat, action, instances)  # nested repeats' buttons too
        wanted = repeat_answers.instance_count(repeat, after, instances)
        if repeat.count and wanted != len(instances):  # its count was just given or changed: show them first
            changed = (instances + [{} for _ in range(wanted)])[:wanted]
        acted = acted or changed is not None
        found[repeat.name] = instances if changed is None else changed
        if action in ("next", "review"):
            problems.update(repeat_pages.instance_problems(definition, repeat, instances, values))
    return found, ({} if acted else problems), acted


def shown(definition: Definition, items, raw: dict, values: dict) -> dict:
    """What the page template shows of each repeat, by repeat name."""
    return {repeat.name: repeat_pages.shown_instances(definition, repeat, raw, values) for repeat in on_page(items)}


@dataclass(frozen=True)
class _Walked:
    """One instance met walking a form's repeats, nested ones after the instance holding them."""

    repeat: Repeat
    number: int
    path: tuple[tuple[Repeat, int, Choice | None], ...]  # (repeat, number, loop choice) from the outermost
    prefix: str  # its parent instance's field path ("" at the top)
    instance: dict  # its raw answers
    applies: dict  # its kept answers (nested repeats' kept instances included)


def _walk(definition: Definition, repeat: Repeat, instances, kept, values, prefix: str = "", path=()):
    for number, (instance, applies) in enumerate(zip(instances, kept, strict=True), start=1):
        here = (*path, (repeat, number, instance_choice(definition, repeat, number)))
        yield _Walked(repeat, number, here, prefix, instance, applies)
        seen = repeat_answers.instance_values(repeat, instance, number, values)
        inner_prefix = repeat_answers.field_name(repeat, number, "", prefix)
        for inner in repeat_answers.nested_repeats(repeat):
            inner_instances = repeat_answers.instances_of(inner, instance, seen)
            yield from _walk(definition, inner, inner_instances, applies[inner.name], seen, inner_prefix, here)


def _kept(definition: Definition, raw: dict, values: dict):
    """(top-level repeat, every instance of it and of the repeats nested in it, walked)."""
    for repeat in repeat_answers.top_repeats(definition, values):
        instances = repeat_answers.instances_of(repeat, raw, values)
        kept = repeat_answers.kept_instances(repeat, instances, values)
        yield repeat, list(_walk(definition, repeat, instances, kept, values))


def _own(repeat: Repeat) -> dict:
    return {q.name: q for q in repeat_answers.instance_questions(repeat)}


def hidden(definition: Definition, raw: dict, values: dict) -> list[tuple[str, str]]:
    """The review form's hidden fields of the instances' answers that apply, as raw values."""
    found = []
    for _repeat, walked in _kept(definition, raw, values):
        for one in walked:
            for name in one.applies:
                if name not in _own(one.repeat):
                    continue  # a nested repeat's instances: walked on their own
                value = one.instance.get(name)
                for item in value if isinstance(value, list) else [value]:
                    found.append((repeat_answers.field_name(one.repeat, one.number, name, one.prefix), item))
    return found


def _from_form(definition: Definition, repeat: Repeat, form, prefix: str = "") -> list[dict]:
    start = f"q.{prefix}{repeat.name}."
    numbers = {key[len(start) :].split(".", 1)[0] for key in form if key.startswith(start)}
    count = max((int(n) for n in numbers if n.isdigit() and int(n) <= repeat_answers.MAX_INSTANCES), default=0)
    found = []
    for number in range(1, count + 1):
        posted = repeat_pages.posted_instance(definition, repeat, number, form, prefix)
        instance: dict = {name: value for name, value in posted.items() if value is not None}
        path = repeat_answers.field_name(repeat, number, "", prefix)
        for inner in repeat_answers.nested_repeats(repeat):
            instance[inner.name] = _from_form(definition, inner, form, path)
        found.append(instance)
    return found


def from_review_form(definition: Definition, form) -> dict[str, list[dict]]:
    """The instances posted by the review form's hidden fields, by repeat name (nested ones within theirs)."""
    return {repeat.name: _from_form(definition, repeat, form) for repeat in repeat_answers.top_repeats(definition)}


def review(definition: Definition, pages, raw: dict, values: dict, problems: dict, shown_answer) -> list:
    """Per top-level repeat: (repeat, number of the visible page it is answered on, [(path, [(question, shown
    answer, field name)])]) for the review page, one entry per instance, a nested repeat's after the
    instance holding them; `path` titles it: (repeat, number, loop choice or None) from the outermost. The
    instances' problems are added to `problems` under their field names."""
    page_of = {item.name: n for n, page in enumerate(pages, start=1) for item in on_page(page.items)}
    found_problems = repeat_answers.for_submission(definition, raw, values).problems
    problems.update(found_problems)
    found = []
    for repeat, walked in _kept(definition, raw, values):
        rows = []
        for one in walked:
            questions, choice = _own(one.repeat), one.path[-1][2]
            prefix = repeat_answers.field_name(one.repeat, one.number, "", one.prefix)
            answered = [name for name in one.applies if name in questions]
            answered += [name for name in _unanswered(prefix, found_problems) if name not in one.applies]
            rows.append(
                (
                    one.path,
                    [
                        (
                            for_choice(questions[name], choice),
                            shown_answer(questions[name], one.instance.get(name)),
                            field,
                        )
                        for name in answered
                        if name in questions
                        for field in [prefix + name]
                    ],
                )
            )
        found.append((repeat, page_of.get(repeat.name, 1), rows))
    return found


def _unanswered(prefix: str, problems: dict) -> list[str]:
    """The questions of one instance with a problem (an unanswered required one too), by name."""
    return [field.removeprefix(prefix) for field in problems if field.startswith(prefix)]
