"""The repeats of the tidy frame (issue 15): one table per repeat, one row per (response, instance).

`responses_frame` has one row per response and leaves repeats out; `repeat_frames` gives, per repeat
name, `response_id` and `instance` (1, 2, ... in the order the respondent gave them) then one column per
question of the repeat, typed as in `responses_frame` (select_one -> category, select_multiple ->
`q__<choice>` 1.0/0.0, integer -> Int64, decimal -> float, date -> datetime64, text and calculate ->
string). A loop (`begin loop over LIST`) has a `choice` column after `instance`: the name of the choice
each instance stands for (a category of the newest version's list). Join a repeat's table to the
responses on `response_id`. Questions are matched across versions
by name, the newest version's type and choices winning; repeats nested in another are not answered yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from surveys.definition import Choice, Question
from surveys.frame_catalog import MULTIPLE_SEPARATOR, _versions_present
from surveys.loops import loop_choices
from surveys.models import Answer, Response
from surveys.repeat_answers import instance_questions, top_repeats

KEYS = ["response_id", "instance"]


def _repeats(
    connection, wave_ids: list[int], include_pii: bool, loops: dict[str, tuple[Choice, ...]]
) -> dict[str, dict[str, tuple[Question, tuple]]]:
    """Per repeat name, its questions by name with their choices, newest version first; `loops` gets the
    choices of each loop, by its name."""
    found: dict[str, dict[str, tuple[Question, tuple[Choice, ...]]]] = {}
    for _id, _number, definition, _waves in _versions_present(connection, wave_ids):
        for repeat in top_repeats(definition):
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
    rows = connection.execute(
        select(
            answer.c.response_id,
            answer.c.instance,
            answer.c.question,
            answer.c.value_text,
            answer.c.value_number,
            answer.c.value_date,
        ).where(answer.c.instance > 0, answer.c.question.in_(names), answer.c.response_id.in_(submitted))
    ).all()
    return pd.DataFrame(rows, columns=[*KEYS, "question", "value_text", "value_number", "value_date"])


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
    repeats = _repeats(connection, wave_ids, include_pii, loops)
    if not repeats:
        return {}
    answers = _answers(connection, wave_ids, [name for questions in repeats.values() for name in questions])
    frames = {}
    for repeat, questions in repeats.items():
        mine = answers[answers["question"].isin(list(questions))]
        keys = mine[KEYS].drop_duplicates().sort_values(KEYS).reset_index(drop=True)
        columns: dict[str, object] = {}
        for name, (question, choices) in questions.items():
            values = keys.merge(mine[mine["question"] == name], on=KEYS, how="left")
            columns.update(_columns(question, choices, values))
        keys = keys.astype("int64")
        if repeat in loops:
            names = [choice.name for choice in loops[repeat]]
            named = [names[n - 1] if n <= len(names) else None for n in keys["instance"]]
            keys["choice"] = pd.Categorical(named, categories=names)
        frames[repeat] = pd.concat([keys, pd.DataFrame(columns, index=keys.index)], axis=1)
    return frames
