"""The answers of a repeat's instances (issue 15): how many instances, each one's typed values and
problems, what submission stores, and what the rest of the form sees of them.

A draft keeps a repeat's answers under the repeat's name as a list, one `{question: raw}` per instance.
Inside an instance `${name}` is that instance's answer (and `position(..)` its number, from 1); outside
the repeat a name of the repeat is an `Instances` of every instance's value, so `count(${member})`,
`sum(${age})` and `indexed-repeat(${age}, ${member}, 2)` read them. Stored answers carry the instance
number beside the question (`Answer.instance`, 0 outside any repeat).

A repeat nested in another is answered within each instance of its parent: the parent's instance keeps
the nested repeat's instances as a list under its name, inside one `${name}` is the nested instance's
answer, else its parent instance's; its stored answers carry the parent instances' numbers too
(`Answer.parent_instances`, "2" inside the parent's instance 2, "2.1" a level deeper). Its problems and
fields are named by path: `member.2.phone.1.number`. Plain functions over a Definition: no Flask, no
database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from surveys.answer_values import Raw, clean_raw, to_typed
from surveys.answering import AnswerProblem, answer_columns, calculated, check_question, is_relevant, typed_values
from surveys.definition import NOT_ASKED, Definition, Grid, Question, Repeat
from surveys.expression_values import Instances, to_number
from surveys.expressions import POSITION, ExpressionError, parse
from surveys.loops import for_choice, instance_choice

MAX_INSTANCES = 50  # instances one repeat takes at most, whatever its `repeat_count` says

Instance = Mapping[str, Raw | None]


def nested_repeats(repeat: Repeat) -> list[Repeat]:
    """The repeats answered within each instance of this one."""
    return [item for item in repeat.items if isinstance(item, Repeat)]


def instance_questions(repeat: Repeat) -> list[Question]:
    """The questions answered in each instance (grid rows included; nested repeats left out)."""
    found: list[Question] = []
    for item in repeat.items:
        if isinstance(item, Grid):
            found.extend(item.questions)
        elif isinstance(item, Question):
            found.append(item)
    return found


def instance_count(repeat: Repeat, values: Mapping[str, object], instances: list[Instance]) -> int:
    """How many instances are answered: `repeat_count` evaluated on the answers outside the repeat
    (0 when it is not a whole number), or as many as the respondent added; none when it is not relevant."""
    if not is_relevant(repeat.relevant, values):
        return 0
    if not repeat.count:
        return min(len(instances), MAX_INSTANCES)
    try:
        number = to_number(parse(repeat.count).evaluate(values))
    except (ExpressionError, ArithmeticError, ValueError, TypeError):
        return 0
    if number != number or number < 0:  # NaN: unanswered or not a number
        return 0
    return min(int(number), MAX_INSTANCES)


def instances_of(repeat: Repeat, draft: Mapping[str, object], values: Mapping[str, object]) -> list[dict]:
    """The draft's instances of the repeat, cleaned, as many as `instance_count` says (missing ones empty);
    each keeps its nested repeats' instances as lists, cleaned when they are read (`draft` is then the
    parent's instance)."""
    kept = draft.get(repeat.name)
    given = [item for item in kept if isinstance(item, dict)] if isinstance(kept, list) else []
    questions = {q.name: q for q in instance_questions(repeat)}
    nested = {inner.name for inner in nested_repeats(repeat)}
    cleaned = [
        {
            **{name: clean_raw(questions[name], raw) for name, raw in instance.items() if name in questions},
            **{name: raw for name, raw in instance.items() if name in nested and isinstance(raw, list)},
        }
        for instance in given
    ]
    wanted = instance_count(repeat, values, cleaned)
    return (cleaned + [{} for _ in range(wanted)])[:wanted]


def instance_values(repeat: Repeat, instance: Instance, number: int, values: Mapping[str, object]) -> dict:
    """What expressions inside one instance see: the answers outside the repeat, this instance's own
    answers over them (calculates computed), its nested repeats' instances (`count(${phone})`), and its
    number for `position(..)`."""
    questions = [q for q in instance_questions(repeat) if q.type != "note"]
    seen = {**values, POSITION: number}
    seen.update({q.name: None if q.type == "calculate" else to_typed(q, instance.get(q.name)) for q in questions})
    for inner in nested_repeats(repeat):
        seen.update(seen_from_outside(inner, kept_instances(inner, instances_of(inner, instance, seen), seen)))
    calculates = [q for q in questions if q.type == "calculate"]
    for question in calculates * min(2, len(calculates)):
        seen[question.name] = calculated(question, seen)
    return seen


def _applicable(repeat: Repeat, seen: Mapping[str, object]) -> list[Question]:
    found: list[Question] = []
    for item in repeat.items:
        if isinstance(item, Grid) and is_relevant(item.relevant, seen):
            found.extend(q for q in item.questions if is_relevant(q.relevant, seen))
        elif isinstance(item, Question) and is_relevant(item.relevant, seen):
            found.append(item)
    return found


def validate_instances(
    definition: Definition, repeat: Repeat, instances: list[Instance], values: Mapping[str, object]
) -> dict[tuple[str, int], AnswerProblem]:
    """Problems per (question, instance number), each instance checked against its own answers."""
    problems = {}
    for number, instance in enumerate(instances, start=1):
        seen = instance_values(repeat, instance, number, values)
        for question in _applicable(repeat, seen):
            if question.type in NOT_ASKED or question.read_only:
                continue
            asked = for_choice(question, instance_choice(definition, repeat, number))  # a loop's texts
            problem = check_question(definition, asked, instance.get(question.name), seen)
            if problem:
                problems[(question.name, number)] = problem
        for inner in nested_repeats(repeat):  # named by their path within this instance
            found = validate_instances(definition, inner, instances_of(inner, instance, seen), seen)
            problems.update({(field_name(inner, n, name), number): problem for (name, n), problem in found.items()})
    return problems


def kept_instances(repeat: Repeat, instances: list[Instance], values: Mapping[str, object]) -> list[dict]:
    """Each instance's typed answers to the questions that apply in it (unanswered ones dropped), and its
    nested repeats' kept instances as lists under their names."""
    kept = []
    for number, instance in enumerate(instances, start=1):
        seen = instance_values(repeat, instance, number, values)
        answers = {q.name: seen.get(q.name) for q in _applicable(repeat, seen)}
        found: dict = {name: value for name, value in answers.items() if value is not None and value != []}
        for inner in nested_repeats(repeat):
            found[inner.name] = kept_instances(inner, instances_of(inner, instance, seen), seen)
        kept.append(found)
    return kept


def seen_from_outside(repeat: Repeat, kept: list[Mapping[str, object]]) -> dict[str, Instances]:
    """What the rest of the form sees of the repeat: each question's values across instances (None
    where an instance has no answer) and, under the repeat's name, the instance numbers."""
    seen = {q.name: Instances(instance.get(q.name) for instance in kept) for q in instance_questions(repeat)}
    seen[repeat.name] = Instances(range(1, len(kept) + 1))
    return seen


def instance_answer_rows(
    response_id: int, repeat: Repeat, kept: list[Mapping[str, object]], parents: tuple[int, ...] = ()
) -> list[dict]:
    """The Answer rows of a repeat's kept instances, numbered from 1, for a Core insert; a nested repeat's
    carry the numbers of the instances holding them (`parents`, outermost first)."""
    questions = {q.name: q for q in instance_questions(repeat)}
    empty = {"value_text": None, "value_number": None, "value_date": None}
    rows = []
    for number, instance in enumerate(kept, start=1):
        rows.extend(
            {
                "response_id": response_id,
                "question": name,
                "instance": number,
                "parent_instances": ".".join(str(n) for n in parents),
                **empty,
                **answer_columns(questions[name], value),
            }
            for name, value in instance.items()
            if name in questions
        )
        for inner in nested_repeats(repeat):
            rows.extend(instance_answer_rows(response_id, inner, instance.get(inner.name, []), (*parents, number)))
    return rows


def top_repeats(definition: Definition, values: Mapping[str, object] | None = None) -> list[Repeat]:
    """The repeats answered on the web: those not inside another repeat (given `values`, only those on a
    page whose `relevant` holds: a skipped page's instances are not kept)."""
    pages = [page for page in definition.pages if values is None or is_relevant(page.relevant, values)]
    return [item for page in pages for item in page.items if isinstance(item, Repeat)]


def form_values(definition: Definition, draft: Mapping[str, object]) -> dict[str, object]:
    """The typed values of the whole form: the answers outside repeats, each repeat's values across its
    instances (`seen_from_outside`), and the calculates outside repeats computed again over them."""
    if not definition.repeats():  # most forms: nothing more than typed_values
        return typed_values(definition, draft)
    raw = {name: value for name, value in draft.items() if not isinstance(value, list) or _is_raw(value)}
    values = typed_values(definition, raw)
    repeats = top_repeats(definition, values)
    for repeat in repeats:
        values.update(seen_from_outside(repeat, kept_instances(repeat, instances_of(repeat, draft, values), values)))
    calculates = [q for q in definition.questions() if q.type == "calculate"]
    for question in calculates * min(2, len(calculates)):
        values[question.name] = calculated(question, values)
    return values


def _is_raw(value: list) -> bool:
    return all(isinstance(item, str) for item in value)  # a select_multiple's choices, not instances


def field_name(repeat: Repeat, number: int, name: str, prefix: str = "") -> str:
    """How a page names a question of one instance (and its problem): `<repeat>.<number>.<question>`, after
    the path of the parent instance for a nested repeat (`prefix`: `member.2.`)."""
    return f"{prefix}{repeat.name}.{number}.{name}"


def _as_text(value):
    """A kept value as the content digest reads it: dates as text, nested instances likewise."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [{name: _as_text(v) for name, v in instance.items()} for instance in value]
    return value


@dataclass(frozen=True)
class Repeated:
    """What submission needs of a response's repeats: the kept instances by repeat, and their problems."""

    kept: dict[str, list[dict]]
    problems: dict[str, AnswerProblem]
    repeats: tuple[Repeat, ...] = ()

    def digest_part(self) -> dict:
        """The instances as the content digest reads them (dates as text)."""
        return {name: _as_text(instances) for name, instances in self.kept.items() if instances}

    def rows(self, response_id: int) -> list[dict]:
        return [row for r in self.repeats for row in instance_answer_rows(response_id, r, self.kept[r.name])]


def for_submission(definition: Definition, raw: Mapping[str, object], values: Mapping[str, object]) -> Repeated:
    """Every top-level repeat's kept instances and problems, given the form's values (`form_values`)."""
    if not definition.repeats():
        return Repeated({}, {})
    kept, problems, repeats = {}, {}, tuple(top_repeats(definition, values))
    for repeat in repeats:
        instances = instances_of(repeat, raw, values)
        kept[repeat.name] = kept_instances(repeat, instances, values)
        found = validate_instances(definition, repeat, instances, values)
        problems.update({field_name(repeat, n, name): problem for (name, n), problem in found.items()})
    return Repeated(kept, problems, repeats)
