"""The fixed samples and the values R's survey package computed from them (fixtures/reference.R)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.design import Design

FIXTURES = Path(__file__).parent / "fixtures"
TOLERANCE = 1e-6

# The population totals reference.R rakes design.csv to (and post-stratifies it on region with).
MARGINS = {
    "region": pd.Series({"AFR": 380, "APAC": 420, "EEG": 260, "GRULAC": 390, "WEOG": 550}, dtype="float64"),
    "category": pd.Series({"business": 300, "ngo": 420, "policy": 480, "science": 800}, dtype="float64"),
    "gender": pd.Series({"female": 900, "male": 1000, "undisclosed": 100}, dtype="float64"),
}
TRIM = (3.0, 12.0)  # trimWeights(raked, lower = 3, upper = 12, strict = TRUE)


def _values(name: str) -> dict[str, float]:
    with open(FIXTURES / name, newline="") as handle:
        return {row["name"]: float(row["value"]) for row in csv.DictReader(handle)}


@cache
def sample() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "sample.csv")


@cache
def reference() -> dict[str, float]:
    return _values("reference.csv")


@cache
def design_sample() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "design.csv")
    frame["trust"] = frame["trust"].astype("Int64")
    return frame


@cache
def design_reference() -> dict[str, float]:
    return _values("design_reference.csv")


@cache
def design_weights() -> pd.DataFrame:
    """R's weights of the raked, post-stratified and trimmed designs, a column each."""
    return pd.read_csv(FIXTURES / "design_weights.csv")


def design(name: str) -> Design:
    """The design of design.csv that reference.R calls `name`: fixed, raked, poststratified, trimmed."""
    fixed = Design(design_sample(), "weight")
    if name == "fixed":
        return fixed
    if name == "poststratified":
        return fixed.post_stratify("region", MARGINS["region"])
    raked = fixed.rake(MARGINS)
    return raked.trim(*TRIM) if name == "trimmed" else raked
