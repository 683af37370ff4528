"""A platform wave exported and imported again into a new wave gives the same estimates."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from surveys.frame import responses_frame
from tests import factories

PROFILE = ["country", "category", "gender", "stakeholder_type", "language"]
COUNTRIES = ["KE", "FR", "BR", "IN", "CI", "US", "DE", "JP"]
CATEGORIES = ["science", "policymaker", "practitioner"]
GENDERS = ["female", "male", "undisclosed"]


def _answers(rng: random.Random) -> dict:
    roles = rng.sample(["author", "reviewer", "user", "other"], k=rng.randint(1, 3))
    answers = {"roles": roles, "years": rng.randint(0, 60), "engaged": rng.choice(["yes", "no"])}
    if "other" in roles:
        answers["roles_other"] = rng.choice(["curator", "teacher", "Éditeur"])
    if answers["engaged"] == "yes":
        answers["clear_how"] = str(rng.randint(1, 5))
        if rng.random() < 0.8:
            answers["transparent"] = str(rng.randint(1, 5))
        if rng.random() < 0.5:
            answers["comments"] = rng.choice(["Très utile", "useful, thanks", "n/a please"])
    return answers


def _native_wave(session, rng: random.Random, count: int = 60):
    wave = factories.make_wave(session, name="Annual survey 2024", year=2024, status="closed", opens_in_days=-400,
                               closes_in_days=-370)  # fmt: skip
    for _ in range(count):
        factories.make_response(
            session,
            wave,
            _answers(rng),
            language=rng.choice(["en", "fr", "es"]),
            country=rng.choice(COUNTRIES),
            category=rng.choice(CATEGORIES),
            gender=rng.choice(GENDERS),
            stakeholder_type="contributor",
            commit=False,
        )
    session.commit()
    return wave


def _export(frame: pd.DataFrame) -> str:
    """The wave as a flat export: profile codes, one column per question, a multiple-choice question's
    choices as 0/1 columns named `question/choice` (as KoboToolbox writes them)."""
    columns = {name: frame[name].astype("string") for name in PROFILE}
    for name in ("engaged", "years", "clear_how", "transparent", "roles_other", "comments"):
        columns[name] = frame[name].astype("string")
    for choice in ("author", "reviewer", "user", "other"):
        columns[f"roles/{choice}"] = frame[f"roles__{choice}"].map({1.0: "1", 0.0: "0"}).astype("string")
    return pd.DataFrame(columns).to_csv(index=False)


def _estimates(frame: pd.DataFrame) -> dict:
    found = {"n": len(frame)}
    for name in ("country", "regional_group", "category", "gender", "language", "engaged", "clear_how", "transparent"):
        found[name] = frame[name].astype("string").value_counts(normalize=True, dropna=False).sort_index().round(12)
    for choice in ("author", "reviewer", "user", "other"):
        found[f"roles__{choice}"] = round(frame[f"roles__{choice}"].mean(), 12)
    found["years"] = round(frame["years"].astype(float).mean(), 12)
    found["texts"] = sorted(frame["comments"].dropna().tolist()) + sorted(frame["roles_other"].dropna().tolist())
    return found


@pytest.mark.parametrize("seed", [16])
def test_a_wave_exported_and_imported_again_gives_the_same_estimates(session, runner, tmp_path, seed):
    native = _native_wave(session, random.Random(seed))
    exported = tmp_path / "annual-2024.csv"
    exported.write_text(_export(responses_frame(session, [native.id])), encoding="utf-8")
    version = factories.make_instrument_version(session, definition=factories.make_definition(version="2"))
    again = factories.make_wave(session, version=version, name="Annual survey 2024 (imported)", year=2023,
                                status="closed", opens_in_days=-800, closes_in_days=-770)  # fmt: skip

    result = runner.invoke(args=["surveys", "import-responses", str(again.id), str(exported)])
    assert result.exit_code == 0, result.output
    assert "Stored 60 responses" in result.output

    session.expire_all()
    before = _estimates(responses_frame(session, [native.id]))
    after = _estimates(responses_frame(session, [again.id]))
    assert before.keys() == after.keys()
    for key in before:
        if isinstance(before[key], pd.Series):
            pd.testing.assert_series_equal(before[key], after[key], check_names=False)
        else:
            assert before[key] == after[key], key
