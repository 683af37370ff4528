"""The repeat part of a survey page's post (surveys.repeat_pages does the work)."""

from __future__ import annotations

from surveys import repeat_answers, repeat_pages
from surveys.definition import Definition, Repeat
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
        changed = repeat_pages.apply_action(repeat, action, instances)
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


def _kept(definition: Definition, raw: dict, values: dict):
    for repeat in repeat_answers.top_repeats(definition, values):
        instances = repeat_answers.instances_of(repeat, raw, values)
        yield repeat, instances, repeat_answers.kept_instances(repeat, instances, values)


def hidden(definition: Definition, raw: dict, values: dict) -> list[tuple[str, str]]:
    """The review form's hidden fields of the instances' answers that apply, as raw values."""
    found = []
    for repeat, instances, kept in _kept(definition, raw, values):
        for number, (instance, applies) in enumerate(zip(instances, kept, strict=True), start=1):
            for name in applies:
                value = instance.get(name)
                for item in value if isinstance(value, list) else [value]:
                    found.append((repeat_answers.field_name(repeat, number, name), item))
    return found


def from_review_form(definition: Definition, form) -> dict[str, list[dict]]:
    """The instances posted by the review form's hidden fields, by repeat name."""
    found = {}
    for repeat in repeat_answers.top_repeats(definition):
        numbers = {key.split(".")[2] for key in form if key.startswith(f"q.{repeat.name}.") and key.count(".") >= 3}
        count = max((int(n) for n in numbers if n.isdigit() and int(n) <= repeat_answers.MAX_INSTANCES), default=0)
        found[repeat.name] = [
            {k: v for k, v in repeat_pages.posted_instance(definition, repeat, number, form).items() if v is not None}
            for number in range(1, count + 1)
        ]
    return found


def review(definition: Definition, pages, raw: dict, values: dict, problems: dict, shown_answer) -> list:
    """Per repeat: (repeat, number of the visible page it is answered on, [(number, its loop choice or None,
    [(question, shown answer, field name)])]) for the review page; the instances' problems are added to `problems` under their field
    names."""
    page_of = {item.name: n for n, page in enumerate(pages, start=1) for item in on_page(page.items)}
    found_problems = repeat_answers.for_submission(definition, raw, values).problems
    problems.update(found_problems)
    found = []
    for repeat, instances, kept in _kept(definition, raw, values):
        kept = [_with_problems(repeat, number, applies, found_problems) for number, applies in enumerate(kept, 1)]
        questions = {q.name: q for q in repeat_answers.instance_questions(repeat)}
        rows = [
            (
                number,
                choice,
                [
                    (for_choice(questions[name], choice), shown_answer(questions[name], instance.get(name)), field)
                    for name in applies
                    for field in [repeat_answers.field_name(repeat, number, name)]
                ],
            )
            for number, (instance, applies) in enumerate(zip(instances, kept, strict=True), start=1)
            for choice in [instance_choice(definition, repeat, number)]
        ]
        found.append((repeat, page_of.get(repeat.name, 1), rows))
    return found


def _with_problems(repeat, number: int, applies: dict, problems: dict) -> dict:
    """An instance's answers that apply, and its questions with a problem (an unanswered required one too)."""
    prefix = repeat_answers.field_name(repeat, number, "")
    missing = {field.removeprefix(prefix): None for field in problems if field.startswith(prefix)}
    return {**applies, **{name: None for name in missing if name not in applies}}
