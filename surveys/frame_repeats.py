"""The repeats of the tidy frame (issue 15): one table per repeat, one row per (response, instance).

`responses_frame` has one row per response and leaves repeats out; `repeat_frames` gives, per repeat
name, `response_id` and `instance` (1, 2, ... in the order the respondent gave them) then one column per
question of the repeat, typed as in `responses_frame` (select_one -> category, select_multiple ->
`q__<choice>` 1.0/0.0, integer -> Int64, decimal -> float, date -> datetime64, text and calculate ->
string). A loop (`begin loop over LIST`) has a `choice` column after `instance`: the name of the choice
each instance stands for (a category of the newest version's list). A repeat nested in another has its
own table too, keyed by `response_id`, the instance of each repeat holding it (`<parent>_instance`,
outermost first) and its own `instance`. Join a repeat's table to the responses on `response_id` (and a
nested one to its parent's on `response_id` and `<parent>_instance` = `instance`). Questions are matched
across versions by name, the newest version's type and choices winning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from surveys.definition import Choice, Question, Repeat
from surveys.frame_catalog import MULTIPLE_SEPARATOR, _versions_present
from surveys.loops import loop_choices
from surveys.models import Answer, Response
from surveys.repeat_answers import instance_questions, nested_repeats, top_repeats

KEYS = ["response_id", "instance"]


def _with_parents(definition) -> list[tuple[Repeat, tuple[str, ...]]]:
    """Every repeat of the form with the names of the repeats holding it, outermost first."""
    found, pending = [], [(repeat, ()) for repeat in top_repeats(definition)]
    while pending:
        repeat, parents = pending.pop(0)
        found.append((repeat, parents))
        pending.extend((inner, (*parents, repeat.name)) for inner in nested_repeats(repeat))
    return found


def _repeats(
    connection,
    wave_ids: list[int],
    include_pii: bool,
    loops: dict[str, tuple[Choice, ...]],
    parents: dict[str, tuple[str, ...]],
) -> dict[str, dict[str, tuple[Question, tuple]]]:
    """Per repeat name, its questions by name with their choices, newest version first; `loops` gets the
    choices of each loop and `parents` the repeats holding each repeat, by its name (the newest's)."""
    found: dict[str, dict[str, tuple[Question, tuple[Choice, ...]]]] = {}
    for _id, _number, definition, _waves in _versions_present(connection, wave_ids):
        for repeat, holding in _with_parents(definition):
            parents.setdefault(repeat.name, holding)
            if repeat.over and repeat.name not in found:
                loops[repeat.name] = loop_choices(definition, repeat)
            questions = found.setdefault(repeat.name, {})
            for question in instance_questions(repeat):
                if question.type != "note" and (include_pii or not question.pii):
                    questions.setdefault(question.name, (question, definition.choices.get(question.list_name, ())))
    return found


def _answers(connection, wave_ids: list[int], names: list[str]) -> pd.DataFrame:
    answer, response = Answer.__table__, Response.__table__
    submitted = select(response.c.id).where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
    result = connection.execute(
        select(
            answer.c.response_id,
            answer.c.instance,
            answer.c.parent_instances,
            answer.c.question,
            answer.c.value_text,
            answer.c.value_number,
            answer.c.value_date,
        ).where(answer.c.instance > 0, answer.c.question.in_(names), answer.c.response_id.in_(submitted))
    )
    # plain tuples: pandas probes each SQLAlchemy Row through an exception path, four times slower
    rows = [tuple(row) for row in result]
    columns = [*KEYS, "parent_instances", "question", "value_text", "value_number", "value_date"]
    return pd.DataFrame(rows, columns=columns)


def _within(answers: pd.DataFrame, parents: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The answers at this depth of nesting, with a column per repeat holding them (its instance number)."""
    depth = answers["parent_instances"].map(lambda path: len(path.split(".")) if path else 0)
    mine = answers[depth == len(parents)]
    columns = [f"{name}_instance" for name in parents]
    if parents:
        numbers = mine["parent_instances"].str.split(".", expand=True).astype("int64")
        mine = mine.assign(**{column: numbers[i] for i, column in enumerate(columns)})
    return mine, columns


def _columns(question: Question, choices: tuple[Choice, ...], values: pd.DataFrame) -> dict[str, object]:
    """One question's column(s), `values` being its answers aligned on the table's rows (NaN: none)."""
    names = [choice.name for choice in choices]
    if question.type == "select_one":
        return {question.name: pd.Categorical(values["value_text"], categories=names)}
    if question.type == "select_multiple":
        answered = values["value_text"].notna().to_numpy()
        chosen = values["value_text"].fillna("").str.split()
        return {
            f"{question.name}{MULTIPLE_SEPARATOR}{name}": np.where(
                answered, chosen.map(lambda c, n=name: n in c), np.nan
            ).astype(float)
            for name in names
        }
    if question.type in ("integer", "range"):
        return {question.name: pd.array(values["value_number"].round(), dtype="Int64")}
    if question.type == "decimal":
        return {question.name: values["value_number"].astype(float).to_numpy()}
    if question.type == "date":
        return {question.name: pd.to_datetime(values["value_date"]).to_numpy()}
    return {question.name: pd.array(values["value_text"].to_numpy(dtype=object), dtype="string")}


def repeat_frames(session: Session, wave_ids: Sequence[int], *, include_pii: bool = True) -> dict[str, pd.DataFrame]:
    """Per repeat of the versions these waves used, its table (see the module docstring); `include_pii=False`
    leaves out the questions marked `pii`, as anonymised exports should."""
    wave_ids = sorted({int(w) for w in wave_ids})
    connection = session.connection()
    loops: dict[str, tuple[Choice, ...]] = {}
    parents: dict[str, tuple[str, ...]] = {}
    repeats = _repeats(connection, wave_ids, include_pii, loops, parents)
    if not repeats:
        return {}
    answers = _answers(connection, wave_ids, [name for questions in repeats.values() for name in questions])
    frames = {}
    for repeat, questions in repeats.items():
        mine, holding = _within(answers[answers["question"].isin(list(questions))], parents[repeat])
        key_columns = ["response_id", *holding, "instance"]
        keys = mine[key_columns].drop_duplicates().sort_values(key_columns).reset_index(drop=True)
        columns: dict[str, object] = {}
        for name, (question, choices) in questions.items():
            values = keys.merge(mine[mine["question"] == name], on=key_columns, how="left")
            columns.update(_columns(question, choices, values))
        keys = keys.astype("int64")
        if repeat in loops:
            names = [choice.name for choice in loops[repeat]]
            named = [names[n - 1] if n <= len(names) else None for n in keys["instance"]]
            keys["choice"] = pd.Categorical(named, categories=names)
        frames[repeat] = pd.concat([keys, pd.DataFrame(columns, index=keys.index)], axis=1)
    return frames
