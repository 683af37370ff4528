"""The questions of a wave's catalog as `analysis.survey_results` summarises them.

`questions(catalog, frame, ...)` turns `surveys.frame.question_catalog` (one row per question)
into `Question`s: which column(s) of the responses frame hold the answers, the choices, and for
a Likert item its scale (least to most favourable) and the choices kept off it. Likert lists
are recognised by their list name (`LIKERT_LISTS`: name -> +1 when the choices run from least to
most favourable, -1 when the most favourable comes first).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

LIKERT_LISTS: dict[str, int] = {
    "willing5": 1,
    "interest5": 1,
    "prefer5": 1,
    "agree5": -1,
    "useful4": -1,
    "informed4": -1,
}
OFF_SCALE = ("dont_know", "not_applicable", "no_opinion", "prefer_not_to_say")
SEPARATOR = "__"  # `<question>__<choice>` columns of select_multiple questions
# The metadata columns of a wave's tidy frame (surveys.frame builds it with these names).
META_COLUMNS = (
    "response_id",
    "wave_id",
    "wave",
    "year",
    "instrument",
    "version",
    "submitted_at",
    "language",
    "channel",
    "network",
    "regional_group",
    "country",
    "category",
    "gender",
    "stakeholder_type",
)
# The columns of a question catalog (`surveys.frame.question_catalog` builds it; `analysis.harmonise`
# builds one for recoded questions).
CATALOG_COLUMNS = (
    "name",
    "type",
    "form_type",
    "list_name",
    "labels",
    "choices",
    "pii",
    "quasi",
    "indicator",
    "profile",
    "other_of",
    "base",
    "conditional",
    "shown_recorded",
    "metadata",
    "versions",
    "waves",
    "columns",
)
_SUMMARISED = ("select_one", "select_multiple", "integer", "decimal")
# The base of a select_multiple question's shares: respondents who ticked at least one choice
# ("answered", the default) or respondents shown the question ("shown").
ANSWERED, SHOWN = "answered", "shown"
SHOWN_MARK = "@shown"  # `<question>@shown`: 1 shown, 0 not, NaN unknown (never a question's or choice's name)


def shown_column(name: str) -> str:
    """The frame column saying who was shown a conditional question (`surveys.shown`)."""
    return f"{name}{SHOWN_MARK}"


def choice_names(choices) -> list[str]:
    if choices is None or (isinstance(choices, float) and math.isnan(choices)):
        return []
    if isinstance(choices, Mapping):
        return [str(name) for name in choices]
    return [getattr(choice, "name", choice) for choice in choices]


def _columns(row: Mapping, choices: list[str]) -> tuple[str, ...]:
    columns = row.get("columns")
    if columns is not None and not (isinstance(columns, float) and math.isnan(columns)) and len(columns):
        return tuple(columns)
    if row["type"] == "select_multiple":
        return tuple(f"{row['name']}{SEPARATOR}{choice}" for choice in choices)
    return (f"{row['name']}_answer" if row["name"] in META_COLUMNS else row["name"],)


def _true(value) -> bool:
    return bool(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else False


@dataclass
class Question:
    name: str
    type: str
    list_name: str | None
    choices: list[str]
    columns: tuple[str, ...]
    scale: tuple[str, ...] | None = None  # Likert: least to most favourable
    off_scale: tuple[str, ...] = ()
    base: str | None = None  # select_multiple: ANSWERED or SHOWN, the base its shares use
    waves: tuple | None = None  # the waves that asked it (None: unknown, every row was asked)
    shown: str | None = None  # SHOWN behind a condition: the frame column saying who was shown it

    @property
    def kind(self) -> str:
        if self.type == "select_multiple":
            return "multiple"
        if self.type in ("integer", "decimal"):
            return "number"
        return "likert" if self.scale else "choice"


def questions(
    catalog: pd.DataFrame | None, frame: pd.DataFrame, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[list[Question], list[str]]:
    """The questions summarised (select_one, select_multiple, integer, decimal; not PII, not a
    profile question, with a column in the frame) and a note for each one without a column."""
    found, notes = [], []
    if catalog is None or len(catalog) == 0:
        return found, notes
    for row in catalog.to_dict("records"):
        if row["type"] not in _SUMMARISED or _true(row.get("pii")) or _true(row.get("profile")):
            continue
        list_name = row.get("list_name") if isinstance(row.get("list_name"), str) else None
        choices = choice_names(row.get("choices"))
        columns = tuple(c for c in _columns(row, choices) if c in frame)
        if not columns:
            notes.append(f"{row['name']}: no column in the frame")
            continue
        question = Question(row["name"], row["type"], list_name, choices, columns)
        if row["type"] == "select_multiple":
            prefix = f"{row['name']}{SEPARATOR}"
            question.choices = [column[len(prefix) :] for column in columns]
            stray = [c for c in frame.columns if str(c).startswith(prefix) and c not in columns]
            if stray:
                notes.append(
                    f"{row['name']}: {len(stray)} column(s) of the frame are not choices of the question, left out"
                )
            question.base, question.waves = _base(row, notes), _waves(row)
            if question.base == SHOWN and _true(row.get("conditional")):
                question.shown = _shown(row, frame, notes)
                question.base = SHOWN if question.shown else ANSWERED
        if row["type"] == "select_one":
            question.scale = likert_scale(choices, list_name, likert_lists, off_scale)
            if question.scale:
                question.off_scale = tuple(choice for choice in choices if choice in off_scale)
        found.append(question)
    return found, notes


def share_base(row: Mapping) -> str | None:
    """The base a question's shares use, from its catalog row: for a select_multiple its `base`
    (default ANSWERED); SHOWN only when who was shown it is known, that is, when no `relevant`
    condition hides it or every response recorded what it was shown (`shown_recorded`); None for
    other questions."""
    if row.get("type") != "select_multiple":
        return None
    base = row.get("base") if row.get("base") in (ANSWERED, SHOWN) else ANSWERED
    if _true(row.get("conditional")) and not _true(row.get("shown_recorded")):
        return ANSWERED
    return base


def _base(row: Mapping, notes: list[str]) -> str:
    base = share_base(row)
    if row.get("base") == SHOWN and base == ANSWERED:
        notes.append(
            f"{row['name']}: base 'shown' asked for, but the question is behind a relevant condition and who "
            "was shown it is not recorded for every response (those submitted before it was recorded); its "
            "shares are of respondents who answered"
        )
        return ANSWERED
    return base


def _shown(row: Mapping, frame: pd.DataFrame, notes: list[str]) -> str | None:
    """The frame's column of who was shown a conditional question, None (with a note) without one."""
    column = shown_column(row["name"])
    if column in frame:
        return column
    notes.append(
        f"{row['name']}: base 'shown' asked for, but the frame does not say who was shown it; its shares are of "
        "respondents who answered"
    )
    return None


def _waves(row: Mapping) -> tuple | None:
    waves = row.get("waves")
    if waves is None or (isinstance(waves, float) and math.isnan(waves)):
        return None
    return tuple(waves)


def likert_scale(
    choices: list[str], list_name: str | None, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The list's choices on the scale, least to most favourable, if it is a Likert list."""
    if list_name not in likert_lists:
        return None
    on = [choice for choice in choices if choice not in off_scale]
    if len(on) < 2:
        return None
    return tuple(on if likert_lists[list_name] >= 0 else reversed(on))


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def clean_value(value):
    """A text value as the platform normalises labels and codes where they enter
    (`core.text.clean_label`, which analysis may not import): Unicode NFC, no whitespace
    (non-breaking spaces included) or zero-width characters at either end. Other values as they are."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value).strip().strip(_INVISIBLE).strip()


@dataclass(frozen=True)
class Outside:
    """Answers to a question that are none of its choices: left out of its figures, and said."""

    answers: int  # respondents whose answer is not a choice
    values: int  # distinct such answers

    def note(self, question: str) -> str:
        return (
            f"{question}: {self.answers} answer(s) ({self.values} distinct value(s)) are not choices of the "
            "question and are left out of its figures"
        )


def select_one_codes(values: pd.Series, question: Question) -> tuple[np.ndarray, Outside | None]:
    """Index of each answer in the question's choices, compared normalised (`clean_value`: "male\u00a0"
    is "male"); -1 for no answer and for an answer that is none of the choices, which is never
    added as a choice: such answers are counted in the `Outside` returned (None when there are none)."""
    codes, uniques = pd.factorize(values.astype(object))  # -1: missing
    index = {}
    for position, choice in enumerate(question.choices):
        index.setdefault(clean_value(choice), position)
    mapped = np.array([index.get(clean_value(value), -1) for value in uniques], dtype=np.int64)
    if not len(mapped):
        return np.full(len(codes), -1, dtype=np.int64), None
    result = np.where(codes >= 0, mapped[np.maximum(codes, 0)], -1)
    unknown = (codes >= 0) & (result < 0)
    if not unknown.any():
        return result, None
    return result, Outside(int(unknown.sum()), int((mapped < 0).sum()))


def one_hot(codes: np.ndarray, k: int) -> np.ndarray:
    y = np.full((len(codes), k), np.nan)
    answered = codes >= 0
    y[answered] = 0.0
    y[np.flatnonzero(answered), codes[answered]] = 1.0
    return y


def with_shown_bases(frame: pd.DataFrame, catalog: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame with each select_multiple question whose base is SHOWN coded for that base: a
    respondent shown it who ticked nothing gets 0 in each choice column (not NaN), so any share over
    its columns is of the respondents shown it, as `wave_results` computes it. Returns the frame (the
    same object when nothing changes) and the base each select_multiple question's shares now use.

    Shown: in a wave of the frame that asked it (its catalog `waves`, or any wave where someone ticked
    a choice, for the earlier waves of a history); behind a `relevant` condition, also shown it as
    recorded at submission (`shown_column`), else the question keeps the ANSWERED base, since a
    respondent with no record may never have seen it."""
    bases: dict[str, str] = {}
    if catalog is None or not len(catalog) or "wave_id" not in frame:
        return frame, bases
    changed = {}
    for row in catalog.to_dict("records"):
        if row.get("type") != "select_multiple":
            continue
        columns = [column for column in _columns(row, choice_names(row.get("choices"))) if column in frame]
        asked = _asked(frame, row, columns)
        bases[row["name"]] = ANSWERED if asked is None else SHOWN
        if asked is None:
            continue
        for column in columns:
            values = frame[column].to_numpy(dtype="float64")
            changed[column] = np.where(np.isnan(values) & asked, 0.0, values)
    return (frame.assign(**changed) if changed else frame), bases


def _asked(frame: pd.DataFrame, row: Mapping, columns: list[str]) -> np.ndarray | None:
    """Who was shown the question, or None when its base is ANSWERED or who was shown it is unknown."""
    if row.get("base") != SHOWN or not columns:
        return None
    answered = np.isfinite(frame[columns].to_numpy(dtype="float64")).any(axis=1)
    waves = set(frame.loc[answered, "wave_id"]) | set(_waves(row) or ())
    asked = frame["wave_id"].isin(waves).to_numpy()
    if _true(row.get("conditional")):
        column = shown_column(row["name"])
        if column not in frame:
            return None
        shown = frame[column].to_numpy(dtype="float64")
        if np.isnan(shown[asked]).any():
            return None
        asked = asked & (shown == 1)
    return asked
