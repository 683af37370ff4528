import ast
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.indicators import Headline, headline, headlines
from analysis.indicators import impact as im
from analysis.indicators._common import trend

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "__future__",
    "analysis",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "dataclasses",
    "math",
    "datetime",
    "collections",
    "typing",
    "functools",
    "itertools",
    "re",
    "unicodedata",
    "hashlib",
    "hmac",
    "phonenumbers",
}  # phonenumbers: pure data on telephone numbering plans (disclosure scrubbing)


def test_analysis_imports_only_pure_libraries():
    """Scan every module of analysis/: nothing from Flask, Dash, SQL or the app's packages."""
    found = {}
    for path in (ROOT / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            for name in names:
                if name.split(".")[0] not in ALLOWED:
                    found.setdefault(str(path.relative_to(ROOT)), []).append(name)
    assert found == {}


def test_importing_the_indicators_loads_no_web_or_database_package():
    code = (
        "import sys, analysis.indicators, analysis.response_rates; "
        "print(sorted(m for m in ('flask', 'dash', 'sqlmodel', 'sqlalchemy', 'flask_babel', 'core', "
        "'stakeholders', 'surveys', 'engagement') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("values", "unit", "higher", "status"),
    [
        ({2025: 0.50, 2026: 0.55}, "share", True, "improving"),
        ({2025: 0.50, 2026: 0.51}, "share", True, "stable"),  # within 2 points
        ({2025: 0.50, 2026: 0.55}, "share", False, "worsening"),  # more barriers is worse
        ({2025: 100, 2026: 104}, "count", True, "stable"),  # within 5 %
        ({2025: 100, 2026: 80}, "count", True, "worsening"),
        ({2026: 100}, "count", True, "new"),
        ({}, "count", True, "no_data"),
    ],
)
def test_status_of_a_change_since_last_year(values, unit, higher, status):
    card = trend("g", "m", pd.Series(values, dtype="float64"), unit=unit, higher_is_better=higher)
    assert card.status == status


def test_a_year_can_be_chosen_and_gaps_compare_with_the_last_year_with_a_figure():
    series = pd.Series({2022: 10.0, 2024: 20.0, 2026: 5.0})
    card = trend("g", "m", series, unit="count", year=2025)
    assert (card.year, card.value, card.previous_year, card.previous, card.change) == (2024, 20, 2022, 10, 10)


def test_headlines_in_the_decisions_order_for_the_groups_given():
    result = im.impact(
        pd.DataFrame(
            {
                "status": ["published"],
                "published_at": ["2026-03-01"],
                "submitted_at": ["2026-02-01"],
                "type": ["policy"],
            }
        )
    )
    cards = headlines({"impact": result, "commitment": None})
    assert [card.group for card in cards] == ["impact"]
    assert isinstance(cards[0], Headline) and cards[0].as_dict()["value"] == 1
    with pytest.raises(TypeError):
        headline(object())
