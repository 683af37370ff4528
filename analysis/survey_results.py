"""Every question of one wave, summarised: the survey-results part of the dashboard and the report.

`wave_results(frame, catalog, weights=...)` takes `surveys.frame.responses_frame` (one row per
submitted response) and `surveys.frame.question_catalog` (one row per question) and returns a
`WaveResults` of tidy DataFrames. Values are codes (question names, choice names, group codes),
never labels: labels come from the catalog when a table or chart is drawn.

Estimates are design-based (`analysis.estimates`): each respondent is a unit, variances by
linearisation with the n/(n-1) factor, logit intervals for shares (`svyciprop`), t intervals for
means. Breakdowns are domain estimates: the whole sample stays in the design and a group's
estimate gives weight 0 to everyone outside it, so intervals agree with R's `svyby`. The same
formulas are applied to all groups at once with numpy (the test suite checks them against
`estimates.proportion` / `estimates.mean` call by call). Without weights every respondent
weighs 1 and the results are the unweighted ones.

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
  list's choices kept outside the scale, such as "dont_know").
- `shares`: select_one (Likert items included, all choices, off-scale ones too) and
  select_multiple — `question`, `kind`, `choice`, `by`, `group`, `estimate` (share of those in
  the group who answered the question choosing `choice`; for select_multiple several choices
  per respondent, so shares need not sum to 1), `se`, `low`, `high` (95 %), `n` (respondents in
  the group who answered: the denominator), `count` (respondents who chose it, unweighted),
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
  unweighted, "rao-scott" weighted), `statistic` (chi-square, or F), `df`, `df_denominator`
  (None for Pearson), `p_value`, `n`. A question whose answers (or the groups) have a single
  category has no row.
- `scales`: multi-item Likert scales — `scale` (name), `list_name`, `items` (tuple of question
  names), `alpha` (Cronbach's, on level positions; off-scale answers missing), `n` (respondents
  answering every item on the scale). A scale is a run of two or more consecutive catalog
  questions on the same Likert list (how a grid comes out of the catalog), named after its first
  item, unless `scales={name: [questions]}` says otherwise.
- `notes` (tuple of str): what was skipped and why (a catalog question with no column in the
  frame, a cross-tabulation whose test could not be computed).

Likert lists are recognised by their list name (`LIKERT_LISTS`: name -> +1 when the choices run
from least to most favourable, -1 when the most favourable comes first); pass `likert_lists` to
add or replace them. Choices named in `off_scale` ("dont_know", "not_applicable", ...) stay
outside the scale.

Also here: `raking_weights(frame, registry_margins)` -> `RakedWeights` (`weights`: a Series
aligned with the frame, NaN for respondents left out; `raking`: `analysis.weighting.RakingResult`
with convergence and diagnostics — design effect, effective n, efficiency; `dropped`,
`dropped_by`, `unmatched`): weights raked to the registry's regional_group / category / gender
counts, trimmed (see its docstring for how missing values and empty categories are handled).
`drivers(frame, outcome_question, catalog, weights=...)` -> a tidy table of odds ratios
(`term`, `coef`, `se`, `odds_ratio`, `low`, `high`, `p_value`) of the top-two-box of a Likert
item on profile variables. `top_two_box(values, scale)` -> the 0/1/NaN series both use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.crosstab import crosstab
from analysis.drivers import odds_ratios
from analysis.estimates import LEVEL, SMALL_CELL
from analysis.likert import cronbach_alpha
from analysis.weighting import RakingError, RakingResult, rake

LIKERT_LISTS: dict[str, int] = {
    "willing5": 1,
    "interest5": 1,
    "prefer5": 1,
    "agree5": -1,
    "useful4": -1,
    "informed4": -1,
}
OFF_SCALE = ("dont_know", "not_applicable", "no_opinion", "prefer_not_to_say")
BY = ("regional_group", "category", "gender", "language")
ALL = "all"


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
QUESTION_COLUMNS = ["question", "type", "list_name", "kind", "n", "scale", "off_scale"]
_SEPARATOR = "__"  # `<question>__<choice>` columns of select_multiple questions
_META = (
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
_SUMMARISED = ("select_one", "select_multiple", "integer", "decimal")


# --- weights and groups -------------------------------------------------------------------


def _weight_array(frame: pd.DataFrame, weights) -> np.ndarray | None:
    """None (unweighted), a column name, or values aligned with the frame's rows."""
    if weights is None:
        return None
    if isinstance(weights, str):
        values = frame[weights]
    elif isinstance(weights, pd.Series):
        values = weights.reindex(frame.index)
    else:
        values = pd.Series(np.asarray(weights, dtype="float64"), index=frame.index)
    w = pd.to_numeric(values).to_numpy(dtype="float64", na_value=np.nan)
    if np.any(w[~np.isnan(w)] < 0):
        raise ValueError("weights must not be negative")
    return w


@dataclass(frozen=True)
class _Groups:
    by: str
    codes: np.ndarray  # group index per row, -1 outside every group (missing value)
    labels: np.ndarray  # group code per index

    @property
    def size(self) -> int:
        return len(self.labels)


def _groupings(frame: pd.DataFrame, by: Sequence[str]) -> list[_Groups]:
    groups = [_Groups(ALL, np.zeros(len(frame), dtype=np.int64), np.array([ALL], dtype=object))]
    for column in by:
        values = frame[column].astype(object).to_numpy()
        codes, labels = pd.factorize(values, sort=True)  # missing -> -1; groups observed, sorted as proportion_by
        groups.append(_Groups(column, codes.astype(np.int64), np.asarray(labels, dtype=object)))
    return groups


# --- domain estimates for all groups and columns at once -----------------------------------


@dataclass
class _Design:
    """What every estimate of the wave shares: the weights and the design's size and t quantile.

    Respondents with a missing weight are outside the design, as in `estimates._clean`."""

    w: np.ndarray
    n_design: int
    t: float

    @classmethod
    def of(cls, frame: pd.DataFrame, weights) -> _Design:
        w = _weight_array(frame, weights)
        if w is None:
            w = np.ones(len(frame))
        n_design = int((~np.isnan(w)).sum())
        t = float(stats.t.ppf(0.5 + LEVEL / 2, df=n_design - 1)) if n_design >= 2 else math.nan
        return cls(np.nan_to_num(w, nan=0.0), n_design, t)


def _sums(values: np.ndarray, groups: _Groups, k: int) -> np.ndarray:
    """(groups, k) sums of an (n, k) matrix over the rows of each group."""
    inside = groups.codes >= 0
    index = (groups.codes[inside, None] * k + np.arange(k)).ravel()
    return np.bincount(index, weights=values[inside].ravel(), minlength=groups.size * k).reshape(groups.size, k)


def _domain(y: np.ndarray, design: _Design, groups: _Groups) -> dict[str, np.ndarray]:
    """Ratio means of each column of `y` (n, k; NaN = not in the estimate) in each group.

    The formulas of `estimates.mean`/`proportion`: p = Σwy/Σw over the group's respondents with
    an answer, var = n/(n-1) Σ (w (y - p) / Σw)² with n the design's size (domain estimation)."""
    k = y.shape[1]
    keep = ~np.isnan(y) & (design.w > 0)[:, None]
    w = np.where(keep, design.w[:, None], 0.0)
    yz = np.where(keep, y, 0.0)
    total = _sums(w, groups, k)
    n = _sums(keep.astype(np.float64), groups, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = np.where(total > 0, _sums(w * yz, groups, k) / total, np.nan)
        centred = np.zeros_like(yz)
        inside = groups.codes >= 0
        centred[inside] = w[inside] * (yz[inside] - np.nan_to_num(estimate)[groups.codes[inside]])
        squares = _sums(centred * centred, groups, k)
        variance = (
            design.n_design / (design.n_design - 1) * squares / (total * total)
            if design.n_design > 1
            else np.full_like(total, np.nan)
        )
        variance = np.where(n >= 2, variance, np.nan)
        kish = np.where(total > 0, total * total / _sums(w * w, groups, k), 0.0)
    return {
        "estimate": estimate,
        "variance": variance,
        "n": n.astype(np.int64),
        "kish": kish,
        "count": _sums((keep & (yz != 0)).astype(np.float64), groups, k),
    }


def _proportions(y: np.ndarray, design: _Design, groups: _Groups) -> dict[str, np.ndarray]:
    """`estimates.proportion` (logit interval; Clopper-Pearson on n when p is 0 or 1) per group and column."""
    result = _domain(y, design, groups)
    p, variance, n = result["estimate"], result["variance"], result["n"]
    alpha = 1 - LEVEL
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        se = np.sqrt(variance)
        inner = (p > 0) & (p < 1) & (n >= 2)
        half = design.t * se / (p * (1 - p))
        centre = np.log(p / (1 - p))
        low = np.where(inner, 1 / (1 + np.exp(-(centre - half))), np.nan)
        high = np.where(inner, 1 / (1 + np.exp(-(centre + half))), np.nan)
        n_effective = np.where(inner, p * (1 - p) / variance, n.astype(np.float64))
    zero, one = (p == 0) & (n > 0), (p == 1) & (n > 0)
    if zero.any():
        low[zero] = 0.0
        high[zero] = stats.beta.ppf(1 - alpha / 2, 1, n[zero])
    if one.any():
        low[one] = stats.beta.ppf(alpha / 2, n[one], 1)
        high[one] = 1.0
    return {
        "estimate": p,
        "se": se,
        "low": low,
        "high": high,
        "n": n,
        "count": result["count"].astype(np.int64),
        "n_effective": n_effective,
        "small": n < SMALL_CELL,
    }


def _means(y: np.ndarray, design: _Design, groups: _Groups) -> dict[str, np.ndarray]:
    """`estimates.mean` (t interval on the design's n - 1 degrees of freedom) per group and column."""
    result = _domain(y, design, groups)
    m, n = result["estimate"], result["n"]
    se = np.sqrt(result["variance"])
    enough = n >= 2
    return {
        "estimate": m,
        "se": se,
        "low": np.where(enough, m - design.t * se, np.nan),
        "high": np.where(enough, m + design.t * se, np.nan),
        "n": n,
        "n_effective": np.where(enough, result["kish"], n.astype(np.float64)),
        "small": n < SMALL_CELL,
    }


# --- collecting rows ------------------------------------------------------------------------


class _Rows:
    """Columns of a tidy table built from numpy blocks, concatenated once at the end."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self.parts: dict[str, list] = {column: [] for column in columns}

    def add(self, **block):
        arrays = [value for value in block.values() if isinstance(value, np.ndarray)]
        size = arrays[0].size if arrays else 1
        for column in self.columns:
            value = block.get(column)
            if value is None or np.isscalar(value) or isinstance(value, tuple):
                array = np.empty(size, dtype=object)
                array[:] = [value] * size
                self.parts[column].append(array)
            else:
                self.parts[column].append(np.asarray(value).ravel())

    def frame(self) -> pd.DataFrame:
        if not self.parts[self.columns[0]]:
            return pd.DataFrame(columns=self.columns)
        data = {}
        for column in self.columns:
            values = np.concatenate(self.parts[column])
            data[column] = values.astype(object) if values.dtype.kind in "OUS" else values
        return pd.DataFrame(data, columns=self.columns)


def _grid(groups: _Groups, items: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Group and item labels laid out like a (groups, items) result raveled row by row."""
    return np.repeat(groups.labels, len(items)), np.tile(np.asarray(items, dtype=object), groups.size)


# --- the catalog ------------------------------------------------------------------------------


def _choice_names(choices) -> list[str]:
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
        return tuple(f"{row['name']}{_SEPARATOR}{choice}" for choice in choices)
    return (f"{row['name']}_answer" if row["name"] in _META else row["name"],)


def _true(value) -> bool:
    return bool(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else False


@dataclass
class _Question:
    name: str
    type: str
    list_name: str | None
    choices: list[str]
    columns: tuple[str, ...]
    scale: tuple[str, ...] | None = None  # Likert: least to most favourable
    off_scale: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.type == "select_multiple":
            return "multiple"
        if self.type in ("integer", "decimal"):
            return "number"
        return "likert" if self.scale else "choice"


def _questions(
    catalog: pd.DataFrame | None, frame: pd.DataFrame, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[list[_Question], list[str]]:
    questions, notes = [], []
    if catalog is None or len(catalog) == 0:
        return questions, notes
    for row in catalog.to_dict("records"):
        if row["type"] not in _SUMMARISED or _true(row.get("pii")) or _true(row.get("profile")):
            continue
        list_name = row.get("list_name") if isinstance(row.get("list_name"), str) else None
        choices = _choice_names(row.get("choices"))
        columns = tuple(c for c in _columns(row, choices) if c in frame)
        if not columns:
            notes.append(f"{row['name']}: no column in the frame")
            continue
        question = _Question(row["name"], row["type"], list_name, choices, columns)
        if row["type"] == "select_multiple":
            prefix = f"{row['name']}{_SEPARATOR}"
            question.choices = [column[len(prefix) :] for column in columns]
        if row["type"] == "select_one":
            question.scale = _likert_scale(choices, list_name, likert_lists, off_scale)
            if question.scale:
                question.off_scale = tuple(choice for choice in choices if choice in off_scale)
        questions.append(question)
    return questions, notes


def _likert_scale(
    choices: list[str], list_name: str | None, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The list's choices on the scale, least to most favourable, if it is a Likert list."""
    if list_name not in likert_lists:
        return None
    on = [choice for choice in choices if choice not in off_scale]
    if len(on) < 2:
        return None
    return tuple(on if likert_lists[list_name] >= 0 else reversed(on))


def _select_one_codes(values: pd.Series, question: _Question) -> np.ndarray:
    """Index of each answer in the question's choices (-1 no answer); answers the list lacks are added."""
    raw = values.astype(object).to_numpy()
    extra = sorted({str(v) for v in pd.unique(raw[pd.notna(raw)])} - set(question.choices))
    if extra:
        question.choices = question.choices + extra
    return pd.Categorical(raw, categories=question.choices).codes.astype(np.int64)


def _one_hot(codes: np.ndarray, k: int) -> np.ndarray:
    y = np.full((len(codes), k), np.nan)
    answered = codes >= 0
    y[answered] = 0.0
    y[np.flatnonzero(answered), codes[answered]] = 1.0
    return y


# --- the whole wave ---------------------------------------------------------------------------


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

    `weights`: None, a column of `frame` or values aligned with its rows (missing = outside the
    design). `likert_lists` is merged over `LIKERT_LISTS`.
    """
    lists = {**LIKERT_LISTS, **(likert_lists or {})}
    by = tuple(column for column in by if column in frame)
    design = _Design.of(frame, weights)
    groupings = _groupings(frame, by)
    questions, notes = _questions(catalog, frame, lists, tuple(off_scale))
    shares, likert, levels, means = (
        _Rows(SHARE_COLUMNS),
        _Rows(LIKERT_COLUMNS),
        _Rows(LEVEL_COLUMNS),
        _Rows(MEAN_COLUMNS),
    )
    crosstabs, question_rows = _Rows(CROSSTAB_COLUMNS), []
    positions: dict[str, np.ndarray] = {}
    for question in questions:
        if question.type == "select_one":
            codes = _select_one_codes(frame[question.columns[0]], question)
            answered = int((codes >= 0).sum())
            y = _one_hot(codes, len(question.choices))
            for groups in groupings:
                _add_shares(shares, question, groups, _proportions(y, design, groups))
            if question.scale:
                positions[question.name] = _likert(likert, levels, question, codes, design, groupings)
            test = _crosstab(frame, question, codes, design, weights is not None, crosstab_by, notes)
            if test is not None:
                crosstabs.add(**test)
        elif question.type == "select_multiple":
            y = np.column_stack([_as_float(frame[column]) for column in question.columns])
            answered = int((~np.isnan(y)).any(axis=1).sum())
            for groups in groupings:
                _add_shares(shares, question, groups, _proportions(y, design, groups))
        else:
            y = _as_float(frame[question.columns[0]])[:, None]
            answered = int((~np.isnan(y)).sum())
            for groups in groupings:
                result = _means(y, design, groups)
                group_labels, _ = _grid(groups, [question.name])
                means.add(
                    question=question.name,
                    by=groups.by,
                    group=group_labels,
                    **{key: result[key] for key in MEAN_COLUMNS[3:]},
                )
        question_rows.append(
            {
                "question": question.name,
                "type": question.type,
                "list_name": question.list_name,
                "kind": question.kind,
                "n": answered,
                "scale": question.scale,
                "off_scale": question.off_scale if question.scale else None,
            }
        )
    return WaveResults(
        n=len(frame),
        weighted=weights is not None,
        by=by,
        questions=pd.DataFrame(question_rows, columns=QUESTION_COLUMNS),
        shares=shares.frame(),
        likert=likert.frame(),
        likert_levels=levels.frame(),
        means=means.frame(),
        crosstabs=crosstabs.frame(),
        scales=_scales(questions, positions, scales),
        notes=tuple(notes),
    )


def _as_float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.astype(object) if values.dtype == object else values, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )


def _add_shares(rows: _Rows, question: _Question, groups: _Groups, result: dict) -> None:
    group_labels, choice_labels = _grid(groups, question.choices)
    rows.add(
        question=question.name,
        kind=question.kind,
        choice=choice_labels,
        by=groups.by,
        group=group_labels,
        **{key: result[key] for key in SHARE_COLUMNS[5:]},
    )


def _likert(
    rows: _Rows, level_rows: _Rows, question: _Question, codes: np.ndarray, design: _Design, groupings: list[_Groups]
) -> np.ndarray:
    """Top-two-box, median, off-scale share and the level distribution per group; returns each
    respondent's position on the scale (NaN off it) for Cronbach's alpha."""
    scale = list(question.scale)
    position_of = np.array([scale.index(c) if c in scale else -1 for c in question.choices], dtype=np.int64)
    position = np.where(codes >= 0, position_of[np.maximum(codes, 0)], -1)
    on_scale = position >= 0
    answered = codes >= 0
    top = np.where(on_scale, (position >= len(scale) - 2).astype(np.float64), np.nan)[:, None]
    level_matrix = _one_hot(position, len(scale))
    w = np.where(answered, design.w, 0.0)
    for groups in groupings:
        result = _proportions(top, design, groups)
        weighted_levels = _sums(np.nan_to_num(level_matrix) * w[:, None], groups, len(scale))
        counts = _sums(np.nan_to_num(level_matrix), groups, len(scale)).astype(np.int64)
        on_total = weighted_levels.sum(axis=1)
        answered_total = _sums((w * answered)[:, None], groups, 1)[:, 0]
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
        group_labels, level_labels = _grid(groups, scale)
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
    frame: pd.DataFrame,
    question: _Question,
    codes: np.ndarray,
    design: _Design,
    weighted: bool,
    column: str,
    notes: list[str],
) -> dict | None:
    if column not in frame or column == question.columns[0]:
        return None
    data = pd.DataFrame(
        {
            "answer": np.where(codes >= 0, np.asarray(question.choices, dtype=object)[codes], None),
            "group": frame[column].astype(object).to_numpy(),
        }
    )
    if weighted:
        data["w"] = np.where(design.w > 0, design.w, np.nan)  # outside the design or weight 0: left out
    try:
        table = crosstab(data, "answer", "group", weights="w" if weighted else None)
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
    questions: list[_Question], positions: dict[str, np.ndarray], explicit: Mapping[str, Sequence[str]] | None
) -> pd.DataFrame:
    """Cronbach's alpha of each multi-item scale: the explicit ones, else runs of consecutive
    questions on one Likert list."""
    if explicit is None:
        runs: list[list[_Question]] = []
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


# --- weights raked to the registry ----------------------------------------------------------

RAKE_ON = ("regional_group", "category", "gender")


@dataclass(frozen=True)
class RakedWeights:
    weights: pd.Series  # aligned with the frame; NaN for respondents left out of the raking
    raking: RakingResult | None  # convergence, margin error, trimmed count and diagnostics; None if nobody raked
    dropped: int  # respondents left out (a missing profile value, or one the registry has nobody in)
    dropped_by: dict  # variable -> respondents left out because of it
    unmatched: pd.DataFrame  # variable, value, count: registry categories without respondents, left out


def margins_dict(registry_margins, variables: Sequence[str] = RAKE_ON) -> dict[str, pd.Series]:
    """`{variable: Series(code -> count)}` from that dict itself or a tidy (variable, value, count) frame."""
    if isinstance(registry_margins, pd.DataFrame):
        return {
            variable: rows.set_index("value")["count"].astype("float64")
            for variable, rows in registry_margins.groupby("variable", sort=False)
            if variable in variables
        }
    return {
        variable: pd.Series(registry_margins[variable], dtype="float64")
        for variable in variables
        if variable in registry_margins
    }


def raking_weights(
    frame: pd.DataFrame,
    registry_margins,
    *,
    variables: Sequence[str] = RAKE_ON,
    trim: tuple[float, float] | None = (0.3, 3.0),
    **options,
) -> RakedWeights:
    """Weights that make respondents match the registry's counts by regional group, category and gender.

    `registry_margins`: `{variable: Series(code -> count)}` or the tidy frame of
    `surveys.analysis_inputs.registry_margins`. Raked weights sum to the registry's size (see
    `analysis.weighting.rake`; `trim` bounds weights to [0.3, 3] x the mean by default).

    Gaps are handled by leaving out, never by guessing:
    - a respondent with a missing value on any raking variable, or a value the registry counts
      nobody in, gets weight NaN: outside the weighted design (weighted estimates then describe
      the respondents with a complete profile; `dropped` says how many are missing);
    - registry stakeholders with a missing value are not in that variable's target, and
      registry categories with no respondent left are dropped from the target (listed in
      `unmatched`); each margin is then rescaled to the first one's total, so the weights still
      sum to one registry total.
    """
    targets = margins_dict(registry_margins, variables)
    weights = pd.Series(np.nan, index=frame.index, name="weight")
    keep = pd.Series(True, index=frame.index)
    dropped_by: dict[str, int] = {}
    for variable, target in targets.items():
        target = target[target.index.notna() & (target > 0)]
        if variable not in frame:
            raise RakingError(f"no column {variable!r} to rake on")
        known = frame[variable].astype(object).isin(set(target.index)) & frame[variable].notna()
        dropped_by[variable] = int((keep & ~known).sum())
        keep &= known
        targets[variable] = target
    unmatched = []
    for variable, target in targets.items():
        present = set(frame.loc[keep, variable].astype(object).unique())
        absent = [value for value in target.index if value not in present]
        unmatched += [{"variable": variable, "value": value, "count": float(target[value])} for value in absent]
        targets[variable] = target.drop(absent)
    unmatched_frame = pd.DataFrame(unmatched, columns=["variable", "value", "count"])
    if not keep.any() or not targets:
        return RakedWeights(weights, None, int((~keep).sum()), dropped_by, unmatched_frame)
    sample = frame.loc[keep, list(targets)].astype(object)
    result = rake(sample, targets, trim=trim, **options)
    weights.loc[keep] = result.weights.to_numpy()
    return RakedWeights(weights, result, int((~keep).sum()), dropped_by, unmatched_frame)


# --- drivers of willingness ------------------------------------------------------------------

DRIVER_PREDICTORS = ("regional_group", "category", "gender")
OTHER = "other"


def top_two_box(values: pd.Series, scale: Sequence[str]) -> pd.Series:
    """1 in the two most favourable levels of `scale` (least to most favourable), 0 elsewhere on
    it, NaN for no answer or an answer off the scale."""
    values = values.astype(object)
    on = values.isin(list(scale))
    return pd.Series(np.where(on, values.isin(list(scale)[-2:]).astype(np.float64), np.nan), index=values.index)


def _scale_of(
    catalog: pd.DataFrame | None, question: str, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[str, ...] | None:
    if catalog is None or not len(catalog):
        return None
    rows = catalog[catalog["name"] == question]
    if rows.empty or rows.iloc[0]["type"] != "select_one":
        return None
    row = rows.iloc[0]
    list_name = row.get("list_name") if isinstance(row.get("list_name"), str) else None
    return _likert_scale(_choice_names(row.get("choices")), list_name, likert_lists, off_scale)


def drivers(
    frame: pd.DataFrame,
    outcome_question: str,
    catalog: pd.DataFrame | None = None,
    *,
    scale: Sequence[str] | None = None,
    predictors: Sequence[str] = DRIVER_PREDICTORS,
    weights=None,
    reference: Mapping[str, str] | None = None,
    min_group: int = SMALL_CELL,
    likert_lists: Mapping[str, int] | None = None,
    off_scale: tuple[str, ...] = OFF_SCALE,
) -> pd.DataFrame:
    """Odds ratios of answering in the top two boxes of `outcome_question` (e.g. "willing to
    engage") on profile variables, by `analysis.drivers.odds_ratios` (binomial GLM, weights as
    `var_weights`, sandwich errors).

    The scale comes from `scale` (least to most favourable) or the catalog's Likert list; an
    outcome column already holding 0/1 is used as it is. Respondents with no answer, an answer
    off the scale, a missing predictor or weight are left out. Predictor groups with fewer than
    `min_group` respondents are merged into "other" (a handful of respondents cannot support
    an odds ratio, and a group where everyone agrees would stop the model from converging);
    predictors left with one group are dropped.

    Returns a row per term: `term` ("(Intercept)", then `<predictor><code>`), `coef`, `se`,
    `odds_ratio`, `low`, `high`, `p_value`; `attrs["n"]` is the respondents in the model and
    `attrs["reference"]` the reference group of each predictor.
    """
    lists = {**LIKERT_LISTS, **(likert_lists or {})}
    values = frame[outcome_question]
    if scale is None:
        scale = _scale_of(catalog, outcome_question, lists, tuple(off_scale))
    if scale is not None:
        outcome = top_two_box(values, scale)
    elif pd.api.types.is_numeric_dtype(values) and set(pd.unique(values.dropna())) <= {0, 1}:
        outcome = values.astype("float64")
    else:
        raise ValueError(f"{outcome_question}: not a Likert item of a known list; pass `scale`")
    data = pd.DataFrame({"outcome": outcome}, index=frame.index)
    w = _weight_array(frame, weights)
    if w is not None:
        data["weight"] = w
    data = data[data["outcome"].notna() & (data["weight"].notna() if w is not None else True)]
    used, chosen_reference = [], {}
    for column in predictors:
        values = frame.loc[data.index, column].astype(object)
        counts = values.value_counts()
        rare = set(counts.index[counts < min_group])
        if rare:
            values = values.where(~values.isin(rare) | values.isna(), OTHER)
        if values.nunique() < 2:
            continue
        data[column] = values
        used.append(column)
    data = data.dropna()
    for column in used:
        levels = sorted(data[column].astype(str).unique())
        wanted = (reference or {}).get(column)
        chosen_reference[column] = wanted if wanted in levels else levels[0]
    table = odds_ratios(data, "outcome", used, weights="weight" if w is not None else None, reference=chosen_reference)
    n = table.attrs.get("n", len(data))
    table = table.rename_axis("term").reset_index()
    table.attrs.update(n=n, reference=chosen_reference)
    return table
