"""A survey design: the weights, how they were calibrated, and every estimate with its variance.

`Design(frame, weights)` is R's `svydesign(ids = ~1, weights = ~w, data = frame)`: one stage,
each respondent a unit drawn with replacement, no strata, no clusters. Variances are by
linearisation, with the n/(n-1) factor, as R's survey package (4.1) computes them; the test
suite checks every method against it (tests/analysis/fixtures/reference.R).

Calibration. `rake` and `post_stratify` return a design that remembers its calibration and
removes it from every estimating function before the variance, as `svyrecvar` does: for a
post-stratification, each post-stratum's (old-weighted) mean of x/w, times w; for a raking, ten
sweeps over the margins of x <- x - w * ave(x / w, margin), with each margin's weights from the
last sweep of the raking. `trim` (R's `trimWeights`) changes the weights and keeps the
calibration, as R does. `as_raked(columns)` declares weights raked elsewhere (by
`analysis.weighting.rake`, say) to these columns' margins: the calibration a converged `rake`
would keep.

Rows:
- a missing weight puts the row outside the design (it does not count in n);
- a missing value of the variable analysed leaves the row in the design with no estimating
  function of its own (R's `na.rm = TRUE`: n, the n/(n-1) factor, the degrees of freedom and the
  calibration still count it);
- a domain (`subset`, `over`, `by`) is estimated on the whole design: rows outside it stay in the
  design with no estimating function of their own (R's `svyby` and `subset`);
- degrees of freedom are R's `degf`: rows of the (sub)design with a non-zero weight, minus 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis import linearisation
from analysis.linearisation import Cells
from analysis.weighting import RakingError, check_margins

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float


@dataclass(frozen=True)
class Proportion:
    estimate: float
    se: float
    low: float
    high: float
    n: int  # respondents in the estimate (an answer, a non-zero weight)
    n_effective: float  # p(1-p)/var, Clopper-Pearson's n when p is 0 or 1


@dataclass(frozen=True)
class ChiSquare:
    statistic: float  # Rao-Scott's F
    df1: float
    df2: float
    p: float


def numeric(values: pd.Series) -> np.ndarray:
    """Numbers, 0/1 for booleans, NaN for missing values (nullable dtypes included)."""
    return pd.array(values, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)


def _weight_values(frame: pd.DataFrame, weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(frame))
    if isinstance(weights, str):
        values = frame[weights]
    elif isinstance(weights, pd.Series):
        values = weights.reindex(frame.index) if not weights.index.equals(frame.index) else weights
    else:
        values = pd.Series(np.asarray(weights, dtype="float64"), index=frame.index)
    w = numeric(values)
    if np.any(w[~np.isnan(w)] < 0):
        raise ValueError("weights must not be negative")
    return w


class Design:
    """One-stage design with replacement; see the module docstring."""

    def __init__(self, frame: pd.DataFrame, weights=None):
        """`weights`: None (every respondent weighs 1), a column of `frame`, or values aligned
        with its rows; a missing weight puts the row outside the design."""
        w = _weight_values(frame, weights)
        self.frame = frame
        self._rows = np.flatnonzero(~np.isnan(w))  # positions in `frame` of the design's rows
        self._w = w[self._rows]
        self._domain = np.ones(len(self._rows), dtype=bool)
        self._calibration: tuple = ()
        self.converged: bool | None = None  # after `rake`: whether every margin holds

    def _derive(self, **changes) -> Design:
        design = object.__new__(Design)
        design.__dict__.update(self.__dict__, **changes)
        return design

    # --- what the design is ----------------------------------------------------------------

    @property
    def weights(self) -> pd.Series:
        """Aligned with the frame: NaN outside the design, 0 outside a domain (R's `weights`)."""
        values = np.full(len(self.frame), np.nan)
        values[self._rows] = np.where(self._domain, self._w, 0.0)
        return pd.Series(values, index=self.frame.index, name="weight")

    @property
    def n(self) -> int:
        """Rows in the design (the n of n/(n-1))."""
        return len(self._rows)

    @property
    def df(self) -> int:
        """R's `degf`: rows with a non-zero weight in the (sub)design, minus 1."""
        return int(np.count_nonzero(self._w * self._domain)) - 1

    @property
    def calibrated(self) -> bool:
        return bool(self._calibration)

    def _nrow(self) -> int:
        """R's `nrow(design)`: a subset of a calibrated design keeps every row, another drops them."""
        return self.n if self._calibration else int(self._domain.sum())

    def variance(self, scores: np.ndarray) -> np.ndarray:
        """Variance of the total of each column of `scores` (one row per row of the frame, rows
        outside the design ignored), the calibration removed."""
        return linearisation.variance(np.asarray(scores, dtype="float64")[self._rows], self._calibration)

    def covariance(self, scores: np.ndarray) -> np.ndarray:
        return linearisation.covariance(np.asarray(scores, dtype="float64")[self._rows], self._calibration)

    # --- domains -------------------------------------------------------------------------------

    def subset(self, mask) -> Design:
        """The domain where `mask` holds (aligned with the frame), estimated on the whole design."""
        if isinstance(mask, pd.Series):
            mask = mask.reindex(self.frame.index, fill_value=False)
        keep = np.asarray(mask, dtype=bool)[self._rows]
        return self._derive(_domain=self._domain & keep)

    def over(self, frame: pd.DataFrame) -> Design:
        """This design for the rows of `frame`, a subset (by index) of the design's frame, whose
        columns may differ: its rows are the domain, the design's other rows stay in the design.
        The result's frame is `frame` reindexed to the design's rows (NaN for the others)."""
        if frame is self.frame:
            return self
        index = self.frame.index
        if frame.index.equals(index):
            return self._derive(frame=frame)
        if not index.is_unique:
            raise ValueError("a design's frame needs a unique index to take a domain of it")
        if len(frame.index.difference(index)):
            raise ValueError("the frame has rows that are not in the design")
        inside = index.isin(frame.index)[self._rows]
        return self._derive(frame=frame.reindex(index), _domain=self._domain & inside)

    # --- calibration ---------------------------------------------------------------------------

    def _whole(self, action: str) -> pd.DataFrame:
        if not self._domain.all():
            raise ValueError(f"{action} the whole design, then take a domain of it")
        return self.frame.iloc[self._rows]

    def _cells(self, rows: pd.DataFrame, margins: Mapping[str, pd.Series]) -> list[tuple[Cells, np.ndarray]]:
        checked = check_margins(rows, margins)
        return [
            (
                Cells(pd.Categorical(rows[column], categories=target.index).codes.astype(np.int64), len(target)),
                target.to_numpy(),
            )
            for column, target in checked.items()
        ]

    def rake(
        self,
        margins: Mapping[str, pd.Series],
        *,
        max_iter: int = 100,
        tolerance: float = 1e-10,
        trim: tuple[float, float] | None = None,
    ) -> Design:
        """R's `rake`: `margins` maps a column to its population totals (a Series indexed by
        level). Stops when every margin holds within `tolerance` (relative); `converged` says
        whether it did. `trim=(lower, upper)`: then `trim(lower, upper)`, as `trimWeights`.

        Margins are checked as `analysis.weighting.rake` checks them (a missing value, a level
        without a total or a total without respondents is a `RakingError`; totals that differ
        between margins are rescaled to the first's)."""
        rows = self._whole("rake")
        fit = linearisation.rake(self._w.copy(), self._cells(rows, margins), max_iter=max_iter, tolerance=tolerance)
        design = self._derive(_w=fit.weights, _calibration=(*self._calibration, fit.calibration))
        design.converged = fit.converged
        return design.trim(*trim) if trim is not None else design

    def post_stratify(self, column: str, totals: pd.Series) -> Design:
        """R's `postStratify` on one column: each level's weights scaled to its total."""
        rows = self._whole("post-stratify")
        ((cells, targets),) = self._cells(rows, {column: totals})
        weights, step = linearisation.post_stratify(self._w, cells, targets)
        return self._derive(_w=weights, _calibration=(*self._calibration, step))

    def trim(self, lower: float, upper: float, *, strict: bool = True) -> Design:
        """R's `trimWeights(design, lower = , upper = , strict = )`: weights bounded, what was cut
        shared equally among the others; the calibration is kept."""
        self._whole("trim")
        return self._derive(_w=linearisation.trim(self._w.copy(), lower, upper, strict=strict))

    def as_raked(self, columns: Sequence[str]) -> Design:
        """The design of weights already raked to `columns`' margins: those margins are removed in
        every variance, as for a converged `rake` to these weights."""
        rows = self._whole("declare raked")
        margins = []
        for column in columns:
            values = rows[column]
            if values.isna().any():
                raise RakingError(f"{int(values.isna().sum())} respondents have no {column}")
            codes, levels = pd.factorize(values.astype(object), sort=True)
            margins.append(Cells(codes.astype(np.int64), len(levels)))
        return self._derive(_calibration=(*self._calibration, linearisation.raked_as_is(self._w, margins)))

    # --- estimates -----------------------------------------------------------------------------

    def _values(self, column: str) -> np.ndarray:
        return numeric(self.frame[column].iloc[self._rows])

    def _ratio(self, y: np.ndarray) -> tuple[float, float, int]:
        """Σwy/Σw over the domain's rows with a value, its standard error, and those rows' count."""
        keep = self._domain & ~np.isnan(y) & (self._w != 0)
        w = np.where(keep, self._w, 0.0)
        total = w.sum()
        if total == 0:
            return math.nan, math.nan, 0
        y = np.where(keep, y, 0.0)
        estimate = float(np.sum(w * y) / total)
        z = w * (y - estimate) / total
        return estimate, math.sqrt(linearisation.variance(z[:, None], self._calibration)[0]), int(keep.sum())

    def mean(self, column: str) -> Estimate:
        """`svymean(~column, design, na.rm = TRUE)`."""
        estimate, se, _ = self._ratio(self._values(column))
        return Estimate(estimate, se)

    def total(self, column: str) -> Estimate:
        """`svytotal(~column, design, na.rm = TRUE)`."""
        y = self._values(column)
        z = np.where(self._domain & ~np.isnan(y), self._w * np.nan_to_num(y), 0.0)
        return Estimate(float(z.sum()), math.sqrt(linearisation.variance(z[:, None], self._calibration)[0]))

    def _indicator(self, column: str, level) -> np.ndarray:
        values = self.frame[column].iloc[self._rows]
        if level is not None:
            return np.where(values.notna(), (values.astype(object) == level).astype("float64"), np.nan)
        y = numeric(values)
        if not np.isin(y[~np.isnan(y)], (0.0, 1.0)).all():
            raise ValueError("a proportion needs 0/1 values (or `level=`)")
        return y

    def proportion(
        self, column: str, method: str = "logit", *, level=None, confidence: float = LEVEL, df: int | None = None
    ) -> Proportion:
        """`svyciprop(~column, design, method = method, na.rm = TRUE, df = df)`; `column` holds 0/1
        (or booleans), or pass `level=` for the share of one level of a categorical column.

        `logit`: symmetric on the logit scale, t quantile on `df` degrees of freedom (R's default,
        `degf(design)`: this (sub)design's). `beta`: Korn and Graubard's, from the effective
        sample size p(1-p)/var (R ignores `df` there). When every answer is 0 or every answer is
        1 R has no usable interval; the interval is then Clopper-Pearson's on the actual n, which
        is what an unweighted survey would report."""
        if method not in ("logit", "beta"):
            raise ValueError(f"unknown interval method {method!r}")
        p, se, n = self._ratio(self._indicator(column, level))
        return _interval(p, se, n, method, confidence, self.df if df is None else df, self.df, self._nrow())

    def by(self, column: str, group: str | Sequence[str]) -> pd.DataFrame:
        """`svyby(~column, ~group, design, svymean, na.rm = TRUE)`: a row per group present (a
        missing group value is no group; several columns give every combination present, in R's
        order), with `group`, `estimate`, `se` and `n` (rows with a value in the group)."""
        columns = [group] if isinstance(group, str) else list(group)
        keys = self.frame[columns].iloc[self._rows].astype(object)
        present = keys.notna().all(axis=1).to_numpy() & (self._w * self._domain != 0)
        combinations = sorted(set(map(tuple, keys[present].to_numpy())), key=lambda key: tuple(reversed(key)))
        y = self._values(column)
        rows = []
        for key in combinations:
            inside = present & (keys.to_numpy() == np.array(key, dtype=object)).all(axis=1)
            estimate, se, n = self._derive(_domain=self._domain & inside)._ratio(y)
            rows.append({"group": key[0] if isinstance(group, str) else key, "estimate": estimate, "se": se, "n": n})
        return pd.DataFrame(rows, columns=["group", "estimate", "se", "n"])

    def chisq(self, row: str, col: str) -> ChiSquare:
        """`svychisq(~row + col, design, statistic = "F")`: Pearson's X² of the weighted table
        scaled to the design's n, divided by the mean design effect, on an F with Rao and Scott's
        second-order degrees of freedom. Rows missing either value stay in the design.

        The table's levels are those of the rows with both values and a weight (R also keeps a
        level seen only beside a missing value, whose empty margin makes its statistic NaN)."""
        rows = self._domain if not self._calibration else np.ones(self.n, dtype=bool)
        a, b = (self.frame[name].iloc[self._rows].astype(object) for name in (row, col))
        both = self._domain & (self._w != 0) & a.notna().to_numpy() & b.notna().to_numpy()
        row_levels, col_levels = (sorted(v[both].unique()) for v in (a, b))
        nr, nc = len(row_levels), len(col_levels)
        if nr < 2 or nc < 2:
            raise ValueError(f"{row} x {col}: a margin has a single level, nothing to test")
        row_codes = pd.Index(row_levels, dtype=object).get_indexer(a).astype(np.int64)  # -1: missing, or no level
        col_codes = pd.Index(col_levels, dtype=object).get_indexer(b).astype(np.int64)
        complete = (row_codes >= 0) & (col_codes >= 0)
        codes = row_codes + nr * col_codes  # rows varying fastest, as R's interaction()
        w = np.where(complete & self._domain, self._w, 0.0)
        cells = np.zeros((self.n, nr * nc))
        cells[np.flatnonzero(complete), codes[complete]] = 1.0
        share = w @ cells / w.sum()
        size = int(rows.sum())
        scores = w[:, None] * (cells - share) / w.sum()
        delta = linearisation.rao_scott_delta(share, linearisation.covariance(scores, self._calibration), nr, nc, size)
        trace = float(np.trace(delta))
        df1 = trace**2 / float(np.trace(delta @ delta))
        statistic = linearisation.pearson_statistic((share * size).reshape(nc, nr).T) / trace
        df2 = df1 * (size - 1)
        return ChiSquare(statistic, df1, df2, float(stats.f.sf(statistic, df1, df2)))

    def glm(
        self,
        outcome: str,
        predictors: Sequence[str],
        *,
        reference: Mapping[str, str] | None = None,
        confidence: float = LEVEL,
    ) -> pd.DataFrame:
        """`svyglm(outcome ~ predictors, design, family = quasibinomial())`: a row per term
        (`term`, `coef`, `se`, `odds_ratio`, `low`, `high`, `p_value`); intervals and p-values on
        t with the model's residual degrees of freedom, as `confint` and `summary` give them.

        Categorical predictors get treatment contrasts against `reference[column]` (default: the
        first level in sorted order, as R's factors); levels are those of the rows in the model.
        Rows missing the outcome or a predictor stay in the design with no estimating function.
        `attrs["n"]`: the rows in the model."""
        data = self.frame[[outcome, *predictors]].iloc[self._rows]
        fit_rows = data.notna().all(axis=1).to_numpy() & self._domain & (self._w != 0)
        y = numeric(data[outcome])[fit_rows]
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError(f"{outcome} must hold 0/1 values")
        if len(np.unique(y)) < 2:
            raise ValueError(f"{outcome} has a single value among complete rows: no model to fit")
        x, terms = linearisation.treatment_columns(data[fit_rows], predictors, dict(reference or {}))
        # svyglm rescales the weights to mean 1 over the rows of its design (R's nrow(design)).
        scale = np.sum(self._w * self._domain) / self._nrow()
        try:
            fit = linearisation.fit_logistic(x, y, self._w[fit_rows] / scale)
        except np.linalg.LinAlgError as error:
            raise ValueError(f"{outcome}: the model cannot be fitted ({error})") from error
        influence = np.zeros((self.n, len(terms)))
        influence[fit_rows] = fit.influence
        se = np.sqrt(np.diag(linearisation.covariance(influence, self._calibration)))
        df = int(fit_rows.sum()) - len(terms)
        t = stats.t.ppf(0.5 + confidence / 2, df) if df > 0 else math.nan
        table = pd.DataFrame(
            {
                "term": terms,
                "coef": fit.coef,
                "se": se,
                "odds_ratio": np.exp(fit.coef),
                "low": np.exp(fit.coef - t * se),
                "high": np.exp(fit.coef + t * se),
                "p_value": 2 * stats.t.sf(np.abs(fit.coef / se), df) if df > 0 else np.nan,
            }
        )
        table.attrs["n"] = int(fit_rows.sum())
        return table


def _interval(p: float, se: float, n: int, method: str, confidence: float, df: int, degf: int, nrow: int) -> Proportion:
    alpha = 1 - confidence
    if n == 0:
        return Proportion(math.nan, math.nan, math.nan, math.nan, 0, 0.0)
    if p == 0.0:
        return Proportion(p, se, 0.0, float(stats.beta.ppf(1 - alpha / 2, 1, n)), n, float(n))
    if p == 1.0:
        return Proportion(p, se, float(stats.beta.ppf(alpha / 2, n, 1)), 1.0, n, float(n))
    if (df if method == "logit" else degf) < 1 or math.isnan(se) or se == 0:
        return Proportion(p, se, math.nan, math.nan, n, float(n))
    n_effective = p * (1 - p) / se**2
    if method == "logit":
        centre = math.log(p / (1 - p))
        half = stats.t.ppf(1 - alpha / 2, df) * se / (p * (1 - p))
        low, high = _expit(centre - half), _expit(centre + half)
    else:
        adjusted = n_effective * (stats.t.ppf(alpha / 2, nrow - 1) / stats.t.ppf(alpha / 2, degf)) ** 2
        low = float(stats.beta.ppf(alpha / 2, adjusted * p, adjusted * (1 - p) + 1))
        high = float(stats.beta.ppf(1 - alpha / 2, adjusted * p + 1, adjusted * (1 - p)))
    return Proportion(p, se, low, high, n, n_effective)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def design_of(frame: pd.DataFrame, weights=None) -> Design:
    """The design behind `frame`: `weights` is None, a column, values aligned with the frame's
    rows, or a `Design` of which `frame` holds a domain (see `Design.over`)."""
    if isinstance(weights, Design):
        return weights.over(frame)
    return Design(frame, weights)
