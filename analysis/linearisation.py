"""The arithmetic under `analysis.design`: calibration steps, linearised variances, the logistic
fit and the Rao-Scott design effects, on numpy arrays (one row per respondent in the design).

Each function follows the R survey package (4.1) line by line; the comments name the R code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse, special

RAKING_SWEEPS = 10  # svyrecvar's `for (iterations in 1:10)` over the margins of a raking


@dataclass(frozen=True)
class Cells:
    """The cell (post-stratum, level of a margin) of each row, 0 to size - 1."""

    codes: np.ndarray
    size: int

    @cached_property
    def indicator(self) -> sparse.csr_matrix:
        n = len(self.codes)
        return sparse.csr_matrix((np.ones(n), (self.codes, np.arange(n))), shape=(self.size, n))

    @cached_property
    def counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.size)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """(size, k) sums of the rows of an (n, k) matrix within each cell."""
        return np.asarray(self.indicator @ values)


@dataclass(frozen=True)
class PostStratum:
    """One `postStratify`: the cells, the weights after (R's `weights`) and before (`oldweights`)."""

    cells: Cells
    weights: np.ndarray
    old: np.ndarray

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """svyrecvar: x - psw * (Σ oldw x / psw) / Σ oldw, sums within each post-stratum."""
        psw = np.where((self.weights == 0) & (self.old == 0), 1.0, self.weights)
        means = self.cells.sums(x * (self.old / psw)[:, None])
        totals = np.bincount(self.cells.codes, weights=self.old, minlength=self.cells.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(totals[:, None] > 0, means / totals[:, None], 0.0)
        return x - means[self.cells.codes] * psw[:, None]


@dataclass(frozen=True)
class Raking:
    """A `rake`: per margin, its cells and the weights after that margin's last post-stratification
    (the `weights` attribute R keeps)."""

    margins: tuple[tuple[Cells, np.ndarray], ...]

    @cached_property
    def _crossings(self) -> list[list[np.ndarray]]:
        """[j][i]: (size_j, size_i) sums of psw_i / psw_j over the rows in each pair of cells."""
        return [
            [
                np.bincount(cj.codes * ci.size + ci.codes, weights=wi / wj, minlength=cj.size * ci.size).reshape(
                    cj.size, ci.size
                )
                for ci, wi in self.margins
            ]
            for cj, wj in self.margins
        ]

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """svyrecvar: ten sweeps of x <- x - psw * ave(x / psw, margin) (unweighted cell means).

        Each sweep only subtracts psw times a value per cell, so the sweeps run on those values
        (one matrix per margin) and x is touched twice: the same numbers, without ten passes
        over every row."""
        sums = [cells.sums(x / psw[:, None]) for cells, psw in self.margins]
        effects = [np.zeros((cells.size, x.shape[1])) for cells, _ in self.margins]
        crossings = self._crossings
        for _ in range(RAKING_SWEEPS):
            for j, (cells, _) in enumerate(self.margins):
                current = sums[j] - sum(crossings[j][i] @ effects[i] for i in range(len(effects)))
                effects[j] = effects[j] + current / np.maximum(cells.counts, 1)[:, None]
        for (cells, psw), effect in zip(self.margins, effects, strict=True):
            x = x - psw[:, None] * effect[cells.codes]
        return x


def residuals(x: np.ndarray, calibration: Sequence[PostStratum | Raking]) -> np.ndarray:
    """Estimating functions with every calibration removed, in the order they were applied."""
    for step in calibration:
        x = step.residuals(x)
    return x


def covariance(x: np.ndarray, calibration: Sequence[PostStratum | Raking] = ()) -> np.ndarray:
    """Covariance of the totals of the columns of x (n, k): with replacement, one stage, no strata.

    onestrat: centred on the column means, crossprod times n/(n-1).
    """
    n = len(x)
    if n < 2:
        return np.full((x.shape[1], x.shape[1]), np.nan)
    x = residuals(x, calibration)
    x = x - x.mean(axis=0)
    return n / (n - 1) * (x.T @ x)


def variance(x: np.ndarray, calibration: Sequence[PostStratum | Raking] = ()) -> np.ndarray:
    """The diagonal of `covariance` without the cross products (columns of x: one estimate each)."""
    n = len(x)
    if n < 2:
        return np.full(x.shape[1], np.nan)
    x = residuals(x, calibration)
    x = x - x.mean(axis=0)
    return n / (n - 1) * np.einsum("ij,ij->j", x, x)


# --- raking, post-stratification and trimming ---------------------------------------------------


def post_stratify(weights: np.ndarray, cells: Cells, targets: np.ndarray) -> tuple[np.ndarray, PostStratum]:
    """`postStratify`: each cell's weights scaled to its population total."""
    current = np.bincount(cells.codes, weights=weights, minlength=cells.size)
    factor = np.divide(targets, current, out=np.zeros_like(targets), where=current > 0)
    new = weights * factor[cells.codes]
    return new, PostStratum(cells, new, weights)


@dataclass(frozen=True)
class RakingFit:
    weights: np.ndarray
    calibration: Raking
    converged: bool
    iterations: int
    max_margin_error: float  # largest relative gap between a weighted margin and its target


def rake(
    weights: np.ndarray,
    margins: Sequence[tuple[Cells, np.ndarray]],
    *,
    max_iter: int,
    tolerance: float,
) -> RakingFit:
    """`rake`: post-stratify on each margin in turn until every margin holds within `tolerance`
    (relative). The calibration keeps each margin's weights from the last sweep, as R does."""
    steps: list[PostStratum] = []
    error, iteration = float("inf"), 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 (reported after the loop)
        steps = []
        for cells, targets in margins:
            weights, step = post_stratify(weights, cells, targets)
            steps.append(step)
        error = max(
            float(np.max(np.abs(np.bincount(c.codes, weights=weights, minlength=c.size) - t) / np.where(t > 0, t, 1)))
            for c, t in margins
        )
        if error < tolerance:
            break
    calibration = Raking(tuple((step.cells, step.weights) for step in steps))
    return RakingFit(weights, calibration, error < tolerance, iteration, error)


def trim(weights: np.ndarray, lower: float, upper: float, *, strict: bool = True) -> np.ndarray:
    """`trimWeights`: weights outside [lower, upper] set to the bound, what was cut (or added)
    shared equally among the weights inside; with `strict`, repeated until none is outside."""
    while True:
        outside = (weights < lower) | (weights > upper)
        if not outside.any() or outside.all():
            return weights
        trimmed = np.clip(weights, lower, upper)
        trimmed[~outside] += (weights - trimmed).sum() / np.count_nonzero(~outside)
        weights = trimmed
        if not strict:
            return weights


def raked_as_is(weights: np.ndarray, margins: Sequence[Cells]) -> Raking:
    """The calibration of weights already raked to these margins: what `rake` keeps once it has
    converged (every margin's weights are then the final ones)."""
    return Raking(tuple((cells, weights) for cells in margins))


# --- logistic regression (svyglm, quasibinomial) -------------------------------------------------


def treatment_columns(
    data: pd.DataFrame, predictors: Sequence[str], reference: dict[str, str]
) -> tuple[np.ndarray, list[str]]:
    """The model matrix of R's treatment contrasts: an intercept, numeric predictors as they are,
    a 0/1 column per level of a categorical one but its reference (default: the first level in
    sorted order, as R's factors). Column names as R prints them: `<predictor><level>`."""
    columns, names = [np.ones(len(data))], ["(Intercept)"]
    for column in predictors:
        values = data[column]
        if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
            if column not in reference:
                columns.append(values.to_numpy(dtype="float64"))
                names.append(column)
                continue
        text = values.astype(str)
        levels = sorted(text.unique())
        base = reference.get(column, levels[0])
        for level in levels:
            if level != base:
                columns.append((text == level).to_numpy(dtype="float64"))
                names.append(f"{column}{level}")
    return np.column_stack(columns), names


@dataclass(frozen=True)
class LogisticFit:
    coef: np.ndarray
    influence: np.ndarray  # (n, p): estfun %*% Ainv, what svy.varcoef hands to svyrecvar
    converged: bool


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, prior: np.ndarray) -> float:
    return float(-2 * np.sum(prior * np.where(y == 1, np.log(mu), np.log1p(-mu))))


def fit_logistic(x: np.ndarray, y: np.ndarray, prior: np.ndarray, *, max_iter: int = 25) -> LogisticFit:
    """Weighted logistic regression as R's `glm.fit` runs it (its start, its stopping rule on the
    relative change in deviance, 1e-8), and svyglm's influence functions
    x (y - mu) / (mu (1 - mu)) w (X'WX)^-1, with glm's working weights w from its last iteration.

    `prior`: the weights as svyglm passes them (rescaled to mean 1 over the design's rows)."""
    mu = (prior * y + 0.5) / (prior + 1)
    eta = special.logit(mu)
    deviance = _binomial_deviance(y, mu, prior)
    converged = False
    for _ in range(max_iter):
        variance = mu * (1 - mu)
        working = prior * variance
        root = np.sqrt(working)
        coef, *_ = np.linalg.lstsq(x * root[:, None], (eta + (y - mu) / variance) * root, rcond=None)
        eta = x @ coef
        mu = special.expit(eta)
        previous, deviance = deviance, _binomial_deviance(y, mu, prior)
        if abs(deviance - previous) / (abs(deviance) + 0.1) < 1e-8:
            converged = True
            break
    information = x.T @ (working[:, None] * x)
    scores = x * ((y - mu) / (mu * (1 - mu)) * working)[:, None]
    return LogisticFit(coef, scores @ np.linalg.inv(information), converged)


# --- the Rao-Scott correction (svychisq, statistic = "F") ---------------------------------------


def rao_scott_delta(share: np.ndarray, cov: np.ndarray, n_rows: int, n_cols: int, n: int) -> np.ndarray:
    """The design-effect matrix of the interaction contrasts, from the cell shares (rows varying
    fastest, as R's `interaction`) and their covariance; `n` is the design's size."""
    grid_rows = np.tile(np.arange(n_rows), n_cols)
    grid_cols = np.repeat(np.arange(n_cols), n_rows)
    main = np.column_stack(
        [np.ones(n_rows * n_cols)]
        + [(grid_rows == r).astype(float) for r in range(1, n_rows)]
        + [(grid_cols == c).astype(float) for c in range(1, n_cols)]
    )
    interaction = np.column_stack(
        [((grid_rows == r) & (grid_cols == c)).astype(float) for c in range(1, n_cols) for r in range(1, n_rows)]
    )
    fitted, *_ = np.linalg.lstsq(main, interaction, rcond=None)
    contrasts = interaction - main @ fitted  # qr.resid(qr(X1), X12[, interaction])
    inverse = np.diag(np.divide(1.0, share, out=np.zeros_like(share), where=share != 0))
    denominator = contrasts.T @ (inverse / n) @ contrasts
    numerator = contrasts.T @ inverse @ cov @ inverse @ contrasts
    return np.linalg.solve(denominator, numerator)


def pearson_statistic(table: np.ndarray) -> float:
    """Pearson's X² of a two-way table, as `chisq.test(correct = FALSE)` computes it."""
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    return float(np.sum((table - expected) ** 2 / expected))
