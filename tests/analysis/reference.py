"""The fixed sample and the values R's survey package computed from it (fixtures/reference.R)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).parent / "fixtures"
TOLERANCE = 1e-6


@cache
def sample() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "sample.csv")


@cache
def reference() -> dict[str, float]:
    with open(FIXTURES / "reference.csv", newline="") as handle:
        return {row["name"]: float(row["value"]) for row in csv.DictReader(handle)}
