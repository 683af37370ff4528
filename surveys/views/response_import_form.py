"""The mapping editor of an import of past responses: what it shows, and the mapping read back from it.

Each column of the file is a select named `c<i>` (its target: a question, a choice of a multiple-choice
question, the "other" text of a question, a profile field, the language, an email, or nothing). Each
distinct value of a column whose target has values is a hidden `k<i>_<j>` (the value as the file has it)
and a select `v<i>_<j>` (a choice, "other" keeping the text, missing, or no decision: then the check
refuses the cells that hold it). A date column has a select `d<i>`: the order of day and month, found
from its values ("") or chosen ("dmy", "mdy"). Targets and values are encoded as short keys ("question:roles",
"choice:roles:author", "profile:country"; "choice:author", "other", "missing").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import language_choices
from core.reference.countries import country_name, member_state_rows
from core.reference.regions import REGIONAL_GROUPS
from stakeholders import vocabularies as vocab
from surveys.definition import Definition, Question, label
from surveys.response_import import dates
from surveys.response_import.plan import PROFILE_TARGETS, Mapping, SourceFile, Target, ValueTarget
from surveys.response_import.summary import FileSummary
from surveys.response_import.values import OTHER, choice_index, split_items

MAX_VALUES = 200  # distinct values shown per column
PROFILE_LABELS = {
    "country": _l("Country"),
    "regional_group": _l("Regional group"),
    "gender": _l("Gender"),
    "category": _l("Category"),
    "stakeholder_type": _l("Type of stakeholder"),
}


@dataclass(frozen=True)
class ValueRow:
    index: int
    value: str
    selected: str
    options: list[tuple[str, str]]


@dataclass(frozen=True)
class ColumnRow:
    index: int
    key: str
    header: str
    selected: str
    samples: list[str]
    values: list[ValueRow] = field(default_factory=list)
    more_values: int = 0
    date_order: str | None = None  # a date column: "" (found from the values), "dmy" or "mdy"; else None


@dataclass(frozen=True)
class Editor:
    groups: list[tuple[str, list[tuple[str, str]]]]  # the target select's option groups
    columns: list[ColumnRow]


# --- keys -----------------------------------------------------------------------------------------


def target_key(target: Target) -> str:
    if target.kind in ("question", "other_text"):
        return f"{target.kind}:{target.question}"
    if target.kind == "choice":
        return f"choice:{target.question}:{target.choice}"
    if target.kind == "profile":
        return f"profile:{target.field}"
    return target.kind


def parse_target(key: str) -> Target:
    kind, _sep, rest = key.partition(":")
    if kind in ("question", "other_text"):
        return Target(kind, question=rest)
    if kind == "choice":
        question, _sep, choice = rest.partition(":")
        return Target("choice", question=question, choice=choice)
    if kind == "profile":
        return Target("profile", field=rest)
    return Target(kind)


def value_key(target: ValueTarget) -> str:
    return f"choice:{target.choice}" if target.kind == "choice" else target.kind


def parse_value(key: str) -> ValueTarget:
    kind, _sep, choice = key.partition(":")
    return ValueTarget("choice", choice) if kind == "choice" else ValueTarget(kind)


# --- what the editor offers -----------------------------------------------------------------------


def _has_other(definition: Definition, question: Question) -> bool:
    return bool(question.list_name) and OTHER in definition.choice_names(question.list_name)


def target_groups(definition: Definition, language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    questions, choices, others = [], [], []
    for question in definition.questions():
        if question.type == "note":
            continue
        text = f"{question.name}: {label(question.labels, language)}"
        questions.append((f"question:{question.name}", text))
        if question.type == "select_multiple":
            for choice in definition.choices.get(question.list_name, ()):
                choices.append(
                    (f"choice:{question.name}:{choice.name}", f"{question.name}: {label(choice.labels, language)}")
                )
        if _has_other(definition, question):
            others.append((f"other_text:{question.name}", text))
    other = [(f"profile:{name}", str(PROFILE_LABELS[name])) for name in PROFILE_TARGETS]
    other += [
        ("submitted_at", _("Time of the response")),
        ("language", _("Language of the response")),
        ("email", _("Email (linked to the registry)")),
    ]
    return [
        (_("Nothing"), [("ignore", _("Nothing: leave the column out"))]),
        (_("Questions"), questions),
        (_("Choices of multiple-choice questions"), choices),
        (_("“Other” texts"), others),
        (_("Profile, language and email"), other),
    ]


def _profile_codes(name: str, language: str) -> list[tuple[str, str]]:
    if name == "country":
        rows = [(row["iso2"], country_name(row["iso2"], language)) for row in member_state_rows()]
        return sorted(rows, key=lambda item: item[1])
    if name == "regional_group":
        return [(code, str(text)) for code, text in REGIONAL_GROUPS.items()]
    vocabulary = {"gender": vocab.GENDER, "category": vocab.CATEGORY, "stakeholder_type": vocab.STAKEHOLDER_TYPE}
    return vocabulary[name].choices()


def value_options(definition: Definition, target: Target, language: str) -> list[tuple[str, str]] | None:
    """The choices a value of a column with this target may go to; None when its values are not mapped."""
    missing = [("missing", _("Missing"))]
    if target.kind == "choice":
        other = [("other", _("Other, keeping the text"))] if target.choice == OTHER else []
        return [(f"choice:{target.choice}", _("Chosen")), ("missing", _("Not chosen")), *other]
    if target.kind == "language":
        return missing + [(f"choice:{code}", text) for code, text in language_choices(language)]
    if target.kind == "profile" and target.field in PROFILE_TARGETS:
        return missing + [(f"choice:{code}", text) for code, text in _profile_codes(target.field, language)]
    if target.kind != "question" or not target.question:
        return None
    question = definition.question(target.question)
    if question.type not in ("select_one", "select_multiple"):
        return None
    other = [("other", _("Other, keeping the text"))] if _has_other(definition, question) else []
    listed = [(f"choice:{c.name}", label(c.labels, language)) for c in definition.choices.get(question.list_name, ())]
    return missing + other + listed


def _distinct(counts: dict[str, int], definition: Definition, target: Target) -> list[str]:
    """A column's distinct values (a multiple-choice question's items one by one), most frequent first."""
    if not (target.kind == "question" and target.question):
        return list(counts)
    question = definition.question(target.question)
    if question.type != "select_multiple":
        return list(counts)
    index = choice_index(definition, question.list_name or "")
    items: dict[str, int] = {}
    for cell, count in counts.items():
        for item in split_items(cell, index):
            items[item] = items.get(item, 0) + count
    return sorted(items, key=lambda value: -items[value])


def editor(found: FileSummary, mapping: Mapping, definition: Definition, language: str) -> Editor:
    """The editor of `mapping` for the file `found` summarises (the read job's result)."""
    columns = []
    source = found.source
    date_columns = dates.date_columns(mapping, definition)
    for index, (key, header) in enumerate(zip(source.columns, source.headers)):
        target = mapping.columns.get(key, Target("ignore"))
        options = _valid_options(definition, target, language)
        values: list[ValueRow] = []
        counts = found.counts.get(key, {})
        distinct = _distinct(counts, definition, target) if options is not None else []
        chosen = mapping.values.get(key, {})
        keys = {option for option, _text in options or ()}
        for number, value in enumerate(distinct[:MAX_VALUES]):
            selected = value_key(chosen[value]) if value in chosen else ""
            shown = options
            if selected and selected not in keys and selected.startswith("choice:"):  # a code not listed (a territory)
                shown = [*options, (selected, selected.partition(":")[2])]
            values.append(ValueRow(number, value, selected, shown))
        more = max(0, len(distinct) - MAX_VALUES) + max(0, found.distinct.get(key, 0) - len(counts))
        samples = found.samples.get(key, [])
        order = mapping.dates.get(key, "") if key in date_columns else None
        columns.append(ColumnRow(index, key, header, target_key(target), samples, values, more if values else 0, order))
    return Editor(target_groups(definition, language), columns)


def _valid_options(definition: Definition, target: Target, language: str):
    try:
        return value_options(definition, target, language)
    except KeyError:  # a question the instrument does not have (a mapping kept from another version)
        return None


# --- reading the form back ------------------------------------------------------------------------


def parse(form, source: SourceFile, definition: Definition) -> tuple[Mapping, dict[str, str]]:
    """The mapping posted, and an error by column key for a target the instrument does not offer."""
    allowed = {key for _group, options in target_groups(definition, "en") for key, _text in options}
    mapping, errors = Mapping(), {}
    for index, key in enumerate(source.columns):
        posted = form.get(f"c{index}", "ignore")
        if posted not in allowed:
            errors[key] = _("Choose one of the listed targets.")
            posted = "ignore"
        mapping.columns[key] = parse_target(posted)
        values, number = {}, 0
        keys = {option for option, _text in _valid_options(definition, mapping.columns[key], "en") or ()}
        while f"k{index}_{number}" in form:
            chosen = form.get(f"v{index}_{number}", "")
            # A value kept for the column's former target is dropped: the new target's proposal replaces it.
            if chosen in keys or (chosen.startswith("choice:") and mapping.columns[key].kind == "profile"):
                values[form[f"k{index}_{number}"]] = parse_value(chosen)
            number += 1
        if values:
            mapping.values[key] = values
        if (order := form.get(f"d{index}", "")) in dates.ORDERS:
            mapping.dates[key] = order
    return mapping, errors


def date_order_options() -> list[tuple[str, str]]:
    return [
        ("", _("Found from the values")),
        ("dmy", _("Day first: 07/12/2026 is 7 December")),
        ("mdy", _("Month first: 07/12/2026 is 12 July")),
    ]
