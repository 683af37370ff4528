"""The repeat part of a survey page's post (surveys.repeat_pages does the work)."""

from __future__ import annotations

from surveys import repeat_pages
from surveys.definition import Definition, Repeat


def on_page(items) -> list[Repeat]:
    return [item for item in items if isinstance(item, Repeat)]


def posted(definition: Definition, items, form, raw: dict, values: dict, action: str):
    """(the repeats' instances as posted, by repeat name; their problems when the action checks them;
    whether the action was one of their "Add another"/"Remove" buttons)."""
    found, problems, acted = {}, {}, False
    for repeat in on_page(items):
        instances = repeat_pages.posted_instances(definition, repeat, form, raw, values)
        changed = repeat_pages.apply_action(repeat, action, instances)
        acted = acted or changed is not None
        found[repeat.name] = instances if changed is None else changed
        if action in ("next", "review"):
            problems.update(repeat_pages.instance_problems(definition, repeat, instances, values))
    return found, problems, acted


def shown(items, raw: dict, values: dict) -> dict:
    """What the page template shows of each repeat, by repeat name."""
    return {repeat.name: repeat_pages.shown_instances(repeat, raw, values) for repeat in on_page(items)}
