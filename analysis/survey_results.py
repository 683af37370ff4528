"""Every question of one wave, summarised: the survey-results part of the dashboard and the report.

`wave_results(frame, catalog, weights=...)` takes `surveys.frame.responses_frame` (one row per
submitted response) and `surveys.frame.question_catalog` (one row per question) and returns a
`WaveResults` of tidy DataFrames. Values are codes (question names, choice names, group codes),
never labels: labels come from the catalog when a table or chart is drawn.

Estimates are design-based (`analysis.design.Design`, R's survey package): each respondent is a
unit, variances by linearisation with the n/(n-1) factor, logit intervals for shares
(`svyciprop`), t intervals for means, on the design's degrees of freedom. Pass the wave's
raked design as `weights` (`RakedWeights.design`, or `raked_design(frame)`) and every variance,
interval and test removes the raking margins as R does for a raked design; a column of weights
is taken as fixed weights. Breakdowns are domain estimates: the whole sample stays in the design
and a group's estimate gives no estimating function to anyone outside it, so estimates and
standard errors agree with R's `svyby` (intervals keep the design's degrees of freedom); a frame that is a subset (by index) of the design's frame is itself such a
domain (the explorer's filters). The same formulas are applied to all groups at once with numpy
(`analysis.domains`; the test suite checks them against `analysis.estimates` call by call).
Without weights every respondent weighs 1 and the results are the unweighted ones.

Which questions: every question in the catalog that is not `pii`, not a profile question (those
feed the breakdown columns) and has a column in the frame. `text` and `date` questions are not
summarised. A question asked in the wave but answered by nobody still gets its rows, with
n = 0 and NaN estimates. An empty frame gives empty tables with the columns below.

WaveResults fields (every table has `by` and `group`: `by` is "all" and `group` is "all" for the
whole sample, else `by` is a breakdown column such as "regional_group" and `group` its code):

- `n` (int): respondents in the frame. `weighted` (bool). `by` (tuple): the breakdowns used
  (those present in the frame).
- `questions`: one row per question summarised — `question`, `type` (select_one,
  select_multiple, integer, decimal), `list_name`, `kind` ("choice", "likert", "multiple",
  "number"), `n` (respondents who answered), `scale` (Likert only: tuple of the levels on the
  scale, least to most favourable; None otherwise), `off_scale` (Likert only: tuple of the
  list's choices kept outside the scale, such as "dont_know"), `base` (select_multiple only,
  None otherwise: "answered" when its shares are of respondents who ticked at least one choice,
  "shown" when of every respondent shown the question; set per question by the instrument's
  `base` column, "answered" by default; for a question behind a `relevant` condition, "shown" uses
  who was shown it as recorded at submission (`surveys.shown`), and falls back to "answered", with a
  note, when a response of its waves has no such record).
- `shares`: select_one (Likert items included, all choices, off-scale ones too) and
  select_multiple — `question`, `kind`, `choice`, `by`, `group`, `estimate` (share of those in
  the group who answered the question choosing `choice`, or for a select_multiple with base
  "shown" of those shown it; several choices per respondent, so shares need not sum to 1),
  `se`, `low`, `high` (95 %), `n` (respondents in the group in the base: the denominator), `count` (respondents who chose it, unweighted),
  `n_effective`, `small` (n < 10: show with a warning, don't hide).
- `likert`: one row per Likert question x group — `question`, `list_name`, `by`, `group`,
  `top_two` (share in the two most favourable levels among answers on the scale), `top_two_se`,
  `top_two_low`, `top_two_high`, `median` (level code), `off_scale_share` (share of answers
  outside the scale among all answers), `n` (answers on the scale), `small`.
- `likert_levels`: the diverging-bar data — `question`, `by`, `group`, `level` (choice code),
  `position` (0 = least favourable), `share` (among answers on the scale), `count`.
- `means`: integer and decimal questions — `question`, `by`, `group`, `estimate`, `se`, `low`,
  `high`, `n`, `n_effective`, `small`.
- `crosstabs`: each select_one x "regional_group" — `question`, `by`, `method` ("pearson"
  unweighted, "rao-scott" weighted: `svychisq(statistic = "F")`, respondents missing an answer
  staying in the design), `statistic` (chi-square, or F), `df`, `df_denominator` (None for
  Pearson), `p_value`, `n` (respondents in the table). A question whose answers (or the groups)
  have a single category has no row.
- `scales`: multi-item Likert scales — `scale` (name), `list_name`, `items` (tuple of question
  names), `alpha` (Cronbach's, on level positions; off-scale answers missing), `n` (respondents
  answering every item on the scale). A scale is a run of two or more consecutive catalog
  questions on the same Likert list (how a grid comes out of the catalog), named after its first
  item, unless `scales={name: [questions]}` says otherwise.
- `notes` (tuple of str): what was skipped and why (a catalog question with no column in the
  frame, a cross-tabulation whose test could not be computed, answers that are none of their
  question's choices: counted here, left out of every figure, never added as choices; answers
  are compared to the choices normalised, so "male\u00a0" is "male").

Likert lists are recognised by their list name (`analysis.catalog.LIKERT_LISTS`: name -> +1 when
the choices run from least to most favourable, -1 when the most favourable comes first); pass
`likert_lists` to add or replace them. Choices named in `off_scale` ("dont_know",
"not_applicable", ...) stay outside the scale.

Also importable from here (they live in `analysis.registry_weights` and `analysis.drivers`):
`raking_weights(frame, registry_margins)` -> `RakedWeights` (`weights`: a Series aligned with the
frame, NaN for respondents left out; `raking`: `analysis.weighting.RakingResult` with convergence
and diagnostics — design effect, effective n, efficiency; `dropped`, `dropped_by`, `unmatched`;
`design`: the raked design to pass as `weights`): weights raked to the registry's regional_group /
category / gender counts, trimmed. `raked_design(frame)`: that design from the weight column.
`drivers(frame, outcome_question, catalog, weights=...)` -> a tidy table of odds ratios
(`term`, `coef`, `se`, `odds_ratio`, `low`, `high`, `p_value`) of the top-two-box of a Likert
item on profile variables (`svyglm`, quasibinomial). `top_two_box(values, scale)` -> the 0/1/NaN
series both use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.catalog import (
    LIKERT_LISTS,
    OFF_SCALE,
    SHOWN,
    Question,
    one_hot,
    questions,
    select_one_codes,
    share_base,
)
from analysis.crosstab import crosstab
from analysis.design import Design, design_of
from analysis.domains import ALL, Groups, Rows, grid, groupings, means, proportions, sums, weights_of
from analysis.drivers import OTHER, drivers, top_two_box
from analysis.likert import cronbach_alpha
from analysis.registry_weights import RakedWeights, margins_dict, raked_design, raking_weights

__all__ = [
    "ALL",
    "BY",
    "LIKERT_LISTS",
    "OFF_SCALE",
    "OTHER",
    "RakedWeights",
    "WaveResults",
    "base_of",
    "drivers",
    "margins_dict",
    "raked_design",
    "raking_weights",
    "share_base",
    "top_two_box",
    "wave_results",
]

BY = ("regional_group", "category", "gender", "language")


@dataclass(frozen=True)
class WaveResults:
    n: int
    weighted: bool
    by: tuple[str, ...]
    questions: pd.DataFrame
    shares: pd.DataFrame
    likert: pd.DataFrame
    likert_levels: pd.DataFrame
    means: pd.DataFrame
    crosstabs: pd.DataFrame
    scales: pd.DataFrame
    notes: tuple[str, ...] = field(default=())  # questions skipped and why (no column in the frame...)


SHARE_COLUMNS = [
    "question",
    "kind",
    "choice",
    "by",
    "group",
    "estimate",
    "se",
    "low",
    "high",
    "n",
    "count",
    "n_effective",
    "small",
]
LIKERT_COLUMNS = [
    "question",
    "list_name",
    "by",
    "group",
    "top_two",
    "top_two_se",
    "top_two_low",
    "top_two_high",
    "median",
    "off_scale_share",
    "n",
    "small",
]
LEVEL_COLUMNS = ["question", "by", "group", "level", "position", "share", "count"]
MEAN_COLUMNS = ["question", "by", "group", "estimate", "se", "low", "high", "n", "n_effective", "small"]
CROSSTAB_COLUMNS = ["question", "by", "method", "statistic", "df", "df_denominator", "p_value", "n"]
SCALE_COLUMNS = ["scale", "list_name", "items", "alpha", "n"]
QUESTION_COLUMNS = ["question", "type", "list_name", "kind", "n", "scale", "off_scale", "base"]


@dataclass
class _Tables:
    shares: Rows = field(default_factory=lambda: Rows(SHARE_COLUMNS))
    likert: Rows = field(default_factory=lambda: Rows(LIKERT_COLUMNS))
    levels: Rows = field(default_factory=lambda: Rows(LEVEL_COLUMNS))
    means: Rows = field(default_factory=lambda: Rows(MEAN_COLUMNS))
    crosstabs: Rows = field(default_factory=lambda: Rows(CROSSTAB_COLUMNS))


def wave_results(
    frame: pd.DataFrame,
    catalog: pd.DataFrame | None,
    *,
    weights=None,
    by: Sequence[str] = BY,
    likert_lists: Mapping[str, int] | None = None,
    off_scale: tuple[str, ...] = OFF_SCALE,
    scales: Mapping[str, Sequence[str]] | None = None,
    crosstab_by: str = "regional_group",
) -> WaveResults:
    """Summaries of every question of a wave (see the module docstring for the tables).

    `weights`: None, a column of `frame`, values aligned with its rows (missing = outside the
    design; taken as fixed weights), or a `Design` (a raked one: `RakedWeights.design`) of
    which `frame` holds all or a domain of the rows. `likert_lists` is merged over `LIKERT_LISTS`.
    """
    lists = {**LIKERT_LISTS, **(likert_lists or {})}
    n = len(frame)
    design = design_of(frame, weights)
    frame = design.frame  # the design's rows, those outside a domain with no answers
    by = tuple(column for column in by if column in frame)
    found, notes = questions(catalog, frame, lists, tuple(off_scale))
    tables, question_rows = _Tables(), []
    positions: dict[str, np.ndarray] = {}
    for question in found:
        answered = _question(tables, positions, notes, question, design, groupings(frame, by), weights, crosstab_by)
        question_rows.append(
            {
                "question": question.name,
                "type": question.type,
                "list_name": question.list_name,
                "kind": question.kind,
                "n": answered,
                "scale": question.scale,
                "off_scale": question.off_scale if question.scale else None,
                "base": question.base,
            }
        )
    return WaveResults(
        n=n,
        weighted=weights is not None,
        by=by,
        questions=pd.DataFrame(question_rows, columns=QUESTION_COLUMNS),
        shares=tables.shares.frame(),
        likert=tables.likert.frame(),
        likert_levels=tables.levels.frame(),
        means=tables.means.frame(),
        crosstabs=tables.crosstabs.frame(),
        scales=_scales(found, positions, scales),
        notes=tuple(notes),
    )


def base_of(results: WaveResults, question: str) -> str | None:
    """What the shares of `question` are of: "answered", "shown" (select_multiple), else None."""
    rows = results.questions[results.questions["question"] == question] if len(results.questions) else None
    if rows is None or not len(rows):
        return None
    base = rows["base"].iloc[0]
    return base if isinstance(base, str) else None


def _question(
    tables: _Tables,
    positions: dict[str, np.ndarray],
    notes: list[str],
    question: Question,
    design: Design,
    groups_list: list[Groups],
    weights,
    crosstab_by: str,
) -> int:
    """One question's rows in every table; returns how many respondents answered it."""
    frame = design.frame
    if question.type == "select_one":
        codes, outside = select_one_codes(frame[question.columns[0]], question)
        if outside is not None:
            notes.append(outside.note(question.name))
        y = one_hot(codes, len(question.choices))
        for groups in groups_list:
            _add_shares(tables.shares, question, groups, proportions(y, design, groups))
        if question.scale:
            positions[question.name] = _likert(tables.likert, tables.levels, question, codes, design, groups_list)
        test = _crosstab(question, codes, design, weights is not None, crosstab_by, notes)
        if test is not None:
            tables.crosstabs.add(**test)
        return int((codes >= 0).sum())
    if question.type == "select_multiple":
        y = np.column_stack([_as_float(frame[column]) for column in question.columns])
        if question.base == SHOWN:  # every respondent asked it is in the base, ticks or none
            asked = np.ones(len(frame), dtype=bool)
            if question.waves and "wave_id" in frame:
                asked = frame["wave_id"].isin(question.waves).to_numpy()
            if question.shown:  # behind a condition: those who were shown it (recorded at submission)
                asked = asked & (frame[question.shown].to_numpy(dtype="float64") == 1)
            y = np.where(np.isnan(y) & asked[:, None], 0.0, y)
        for groups in groups_list:
            _add_shares(tables.shares, question, groups, proportions(y, design, groups))
        return int((~np.isnan(y)).any(axis=1).sum())
    y = _as_float(frame[question.columns[0]])[:, None]
    for groups in groups_list:
        result = means(y, design, groups)
        group_labels, _ = grid(groups, [question.name])
        tables.means.add(
            question=question.name,
            by=groups.by,
            group=group_labels,
            **{key: result[key] for key in MEAN_COLUMNS[3:]},
        )
    return int((~np.isnan(y)).sum())


def _as_float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.astype(object) if values.dtype == object else values, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )


def _add_shares(rows: Rows, question: Question, groups: Groups, result: dict) -> None:
    group_labels, choice_labels = grid(groups, question.choices)
    rows.add(
        question=question.name,
        kind=question.kind,
        choice=choice_labels,
        by=groups.by,
        group=group_labels,
        **{key: result[key] for key in SHARE_COLUMNS[5:]},
    )


def _likert(
    rows: Rows, level_rows: Rows, question: Question, codes: np.ndarray, design: Design, groupings: list[Groups]
) -> np.ndarray:
    """Top-two-box, median, off-scale share and the level distribution per group; returns each
    respondent's position on the scale (NaN off it) for Cronbach's alpha."""
    scale = list(question.scale)
    position_of = np.array([scale.index(c) if c in scale else -1 for c in question.choices], dtype=np.int64)
    position = np.where(codes >= 0, position_of[np.maximum(codes, 0)], -1)
    on_scale = position >= 0
    answered = codes >= 0
    top = np.where(on_scale, (position >= len(scale) - 2).astype(np.float64), np.nan)[:, None]
    level_matrix = one_hot(position, len(scale))
    w = np.where(answered, weights_of(design), 0.0)
    for groups in groupings:
        result = proportions(top, design, groups)
        weighted_levels = sums(np.nan_to_num(level_matrix) * w[:, None], groups, len(scale))
        counts = sums(np.nan_to_num(level_matrix), groups, len(scale)).astype(np.int64)
        on_total = weighted_levels.sum(axis=1)
        answered_total = sums((w * answered)[:, None], groups, 1)[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            level_share = weighted_levels / on_total[:, None]
            off_share = np.where(answered_total > 0, 1 - on_total / answered_total, np.nan)
        cumulative = np.cumsum(np.nan_to_num(level_share), axis=1)
        median_at = (cumulative < 0.5 - 1e-12).sum(axis=1)
        median = np.where(on_total > 0, np.asarray(scale, dtype=object)[np.minimum(median_at, len(scale) - 1)], None)
        rows.add(
            question=question.name,
            list_name=question.list_name,
            by=groups.by,
            group=groups.labels,
            top_two=result["estimate"],
            top_two_se=result["se"],
            top_two_low=result["low"],
            top_two_high=result["high"],
            median=median,
            off_scale_share=off_share,
            n=result["n"],
            small=result["small"],
        )
        group_labels, level_labels = grid(groups, scale)
        level_rows.add(
            question=question.name,
            by=groups.by,
            group=group_labels,
            level=level_labels,
            position=np.tile(np.arange(len(scale)), groups.size),
            share=level_share,
            count=counts,
        )
    return np.where(on_scale, position, np.nan).astype(np.float64)


def _crosstab(
    question: Question, codes: np.ndarray, design: Design, weighted: bool, column: str, notes: list[str]
) -> dict | None:
    """The test of `question` x `column`: Rao-Scott on the design, Pearson's without weights."""
    frame = design.frame
    if column not in frame or column == question.columns[0]:
        return None
    data = pd.DataFrame(
        {
            "answer": np.where(codes >= 0, np.asarray(question.choices, dtype=object)[codes], None),
            "group": frame[column].astype(object).to_numpy(),
        },
        index=frame.index,
    )
    try:
        table = crosstab(data, "answer", "group", weights=design if weighted else None)
    except (np.linalg.LinAlgError, ValueError) as error:  # a degenerate table (empty cells make the test singular)
        notes.append(f"{question.name} x {column}: no test ({error})")
        return None
    if table.test is None:
        return None
    test = table.test
    return {
        "question": question.name,
        "by": column,
        "method": test.method,
        "statistic": test.statistic,
        "df": test.df,
        "df_denominator": test.df_denominator,
        "p_value": test.p_value,
        "n": int(table.n.to_numpy().sum()),
    }


def _scales(
    questions: list[Question], positions: dict[str, np.ndarray], explicit: Mapping[str, Sequence[str]] | None
) -> pd.DataFrame:
    """Cronbach's alpha of each multi-item scale: the explicit ones, else runs of consecutive
    questions on one Likert list."""
    if explicit is None:
        runs: list[list[Question]] = []
        for question in questions:
            if question.scale and runs and runs[-1][-1].scale and runs[-1][-1].list_name == question.list_name:
                runs[-1].append(question)
            else:
                runs.append([question])
        explicit = {run[0].name: [q.name for q in run] for run in runs if len(run) >= 2 and run[0].scale}
    list_of = {q.name: q.list_name for q in questions}
    rows = []
    for name, items in explicit.items():
        items = [item for item in items if item in positions]
        if len(items) < 2:
            continue
        matrix = pd.DataFrame({item: positions[item] for item in items})
        rows.append(
            {
                "scale": name,
                "list_name": list_of[items[0]],
                "items": tuple(items),
                "alpha": cronbach_alpha(matrix),
                "n": int(matrix.notna().all(axis=1).sum()),
            }
        )
    return pd.DataFrame(rows, columns=SCALE_COLUMNS)
