"""Comparing a question across two waves only where it means the same: the plan of a comparison,
and the recoding of answers into a harmonised set of choices.

A `Plan` says, for each question of the later wave also found in the earlier one (by name, or
through the concordance the secretariat keeps, `surveys.concordance`), how it compares:

- "same": the two waves used the same instrument version, or the question has the same type and
  the same set of choice names in both: compared as it is.
- "mapped": the concordance maps its choices. Each `Category` of the harmonised set gathers the
  earlier and the later choices linked together (one to one, several to one: the later answers are
  recoded into the earlier choice); choices linked to nothing have no equivalent. Answers in such a
  choice stay in the base (of a single-choice question) under `NO_EQUIVALENT` and are never compared.
  A Likert question whose two scales do not match level for level (a 4-point scale mapped to a
  5-point one) is `top_two`: each wave's answers are recoded into the two most favourable levels of
  its own scale (`TOP_TWO`) and the other levels on it (`OTHER_LEVELS`); answers off the scale
  ("don't know") leave the base, and only the top-two-box share is compared.
- "none": the concordance says the question has no equivalent: not compared.
- "refused": the choice sets differ (or the type does) and no concordance entry maps them: not
  compared, and the reader is told why instead of being shown a change.

Between versions with no entry of their own, the concordance may chain through versions between
them (v1 -> v2 -> v3): the service composes the links, and a link whose chain stops names the step
where it does (`Link.gap`).

`harmonised(frame, plan, side)` gives a wave's frame and catalog for the mapped
questions only, named as in the later wave; `comparable(results, plan, side)` keeps the rows of a
`WaveResults` that may be compared as they are. Pure pandas: the plan is built by surveys/.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.catalog import CATALOG_COLUMNS, META_COLUMNS, SEPARATOR

SAME, MAPPED, NONE, REFUSED = "same", "mapped", "none", "refused"
NO_EQUIVALENT = "_no_equivalent"
# A Likert question whose scales differ between versions compares on its top-two-box share: these
# two categories (the two most favourable levels of each version's own scale, and the other levels).
TOP_TWO, OTHER_LEVELS = "top_two", "other_levels"


@dataclass(frozen=True)
class Category:
    """One choice of the harmonised set: the earlier and later choices it gathers."""

    code: str
    earlier: tuple[str, ...]
    later: tuple[str, ...]
    labels: dict = field(default_factory=dict, compare=False)  # {language: text}


@dataclass(frozen=True)
class Link:
    question: str  # the name the comparison shows: the later wave's
    earlier: str  # the question's name in the earlier wave
    status: str  # SAME, MAPPED, NONE or REFUSED
    type: str = ""
    categories: tuple[Category, ...] = ()
    # MAPPED Likert scales that differ: compared on the top-two-box share (`top_two_categories`).
    top_two: bool = False
    # Where a chain of versions stops the comparison: ((instrument, number) of the earlier version,
    # (instrument, number) of the later); empty for a comparison between two versions directly.
    gap: tuple = ()

    @property
    def later(self) -> str:
        return self.question

    def compared(self) -> bool:
        return self.status in (SAME, MAPPED)


@dataclass(frozen=True)
class Plan:
    """How each question of the later wave compares with the earlier wave (`identity` when both
    used the same instrument version: every question is SAME)."""

    links: dict = field(default_factory=dict)  # later question name -> Link
    identity: bool = False

    def link(self, question: str) -> Link | None:
        if self.identity:
            return Link(question, question, SAME)
        return self.links.get(question)

    def status(self, question: str) -> str | None:
        found = self.link(question)
        return found.status if found else None

    def of(self, status: str) -> list[Link]:
        return [link for link in self.links.values() if link.status == status]

    def not_compared(self) -> list[Link]:
        return [link for link in self.links.values() if link.status in (REFUSED, NONE)]


@dataclass(frozen=True)
class Comparisons:
    """The plans between the instrument versions of a set of waves (`surveys.concordance.comparisons`).

    With no version known (a caller that did not read them), waves compare by question name as
    before: `plan` is the identity."""

    versions: dict = field(default_factory=dict)  # wave id -> instrument version id
    plans: dict = field(default_factory=dict)  # (earlier version id, later version id) -> Plan

    def plan(self, earlier_wave: int, later_wave: int) -> Plan:
        earlier, later = self.versions.get(earlier_wave), self.versions.get(later_wave)
        if earlier is None or later is None or earlier == later:
            return Plan(identity=True)
        return self.plans.get((earlier, later), Plan())


def top_two_categories(earlier_scale, later_scale) -> tuple[Category, ...]:
    """The two categories a top-two-box comparison recodes each version's scale (least to most
    favourable, off-scale choices left out) into."""
    return (
        Category(TOP_TWO, tuple(earlier_scale[-2:]), tuple(later_scale[-2:])),
        Category(OTHER_LEVELS, tuple(earlier_scale[:-2]), tuple(later_scale[:-2])),
    )


def one_to_one_scales(pairs, earlier_scale, later_scale) -> bool:
    """Whether (earlier choice, later choice) links match two Likert scales level for level (then
    their answers compare choice by choice; else only on the top-two-box share)."""
    on = {(a, b) for a, b in pairs if a in earlier_scale and b in later_scale}
    return len(earlier_scale) == len(later_scale) and on == set(zip(earlier_scale, later_scale, strict=True))


def choice_pairs(link: Link) -> set[tuple[str, str]]:
    """The (earlier choice, later choice) links a MAPPED link's categories stand for."""
    return {(a, b) for category in link.categories for a in category.earlier for b in category.later}


# --- recoding -----------------------------------------------------------------------------------


def _members(category: Category, side: str) -> tuple[str, ...]:
    return category.earlier if side == "earlier" else category.later


def _recode_one(values: pd.Series, link: Link, side: str) -> pd.Categorical:
    code_of = {member: c.code for c in link.categories for member in _members(c, side)}
    # A top-two-box share is of the answers on the scale: an answer off it is out of the base.
    unmatched = None if link.top_two else NO_EQUIVALENT
    raw = values.astype(object)
    recoded = raw.map(lambda v: code_of.get(v, unmatched) if isinstance(v, str) else None)
    extra = [] if link.top_two else [NO_EQUIVALENT]
    return pd.Categorical(recoded, categories=[c.code for c in link.categories] + extra)


def _recode_multiple(frame: pd.DataFrame, link: Link, own: str, side: str) -> dict[str, np.ndarray]:
    prefix = f"{own}{SEPARATOR}"
    columns = [c for c in frame.columns if str(c).startswith(prefix)]
    if not columns:
        return {}
    answered = frame[columns].notna().any(axis=1).to_numpy()
    out = {}
    for category in link.categories:
        members = [f"{prefix}{m}" for m in _members(category, side) if f"{prefix}{m}" in frame.columns]
        chosen = frame[members].eq(1).any(axis=1).to_numpy() if members else np.zeros(len(frame), dtype=bool)
        out[f"{link.question}{SEPARATOR}{category.code}"] = np.where(answered, chosen.astype(float), np.nan)
    return out


def harmonised(frame: pd.DataFrame, plan: Plan, side: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The wave's frame (its rows and index kept, so a design built on it still fits) with the
    mapped questions recoded into their harmonised sets, and a catalog of those questions only.
    `side` is "earlier" or "later": which wave of the plan the frame is."""
    columns: dict[str, object] = {}
    rows = []
    for link in plan.of(MAPPED):
        own = link.earlier if side == "earlier" else link.later
        if link.type == "select_one":
            if own not in frame:
                continue
            recoded = {link.question: _recode_one(frame[own], link, side)}
        else:
            recoded = _recode_multiple(frame, link, own, side)
        if not recoded:
            continue
        columns.update(recoded)
        rows.append(_catalog_row(link, tuple(recoded)))
    kept = [c for c in frame.columns if c in META_COLUMNS or c == "weight"]
    out = frame[kept].copy()
    for name, values in columns.items():
        out[name] = values
    return out, pd.DataFrame(rows, columns=CATALOG_COLUMNS)


def _catalog_row(link: Link, columns: tuple[str, ...]) -> dict:
    choices = {c.code: dict(c.labels) for c in link.categories}
    if link.type == "select_one" and not link.top_two:
        choices[NO_EQUIVALENT] = {}
    return {
        "name": link.question,
        "type": link.type,
        "form_type": link.type,
        "list_name": None,  # recoded answers are compared as shares, never as a Likert scale
        "labels": {},
        "choices": choices,
        "pii": False,
        "quasi": False,
        "indicator": None,
        "profile": None,
        "other_of": None,
        "base": "answered",
        "conditional": False,
        "shown_recorded": False,
        "metadata": None,
        "versions": (),
        "waves": None,
        "columns": columns,
    }


# --- results --------------------------------------------------------------------------------------


_TABLES = ("shares", "likert", "likert_levels", "means", "crosstabs")


def _keep(table: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    if not len(table) or "question" not in table:
        return table
    return table[table["question"].isin(names)]


def comparable(results, plan: Plan, side: str, mapped=None):
    """`results` (a `WaveResults`) with only what may be compared: the questions that are SAME in the
    plan (named as in the later wave), and `mapped` (the results of `harmonised`) for the others."""
    if plan.identity:
        return results
    same = plan.of(SAME)
    names = {(link.earlier if side == "earlier" else link.later): link.question for link in same}
    tables = {}
    for name in _TABLES:
        table = _keep(getattr(results, name), set(names))
        if len(table):
            table = table.assign(question=table["question"].map(names))
        if mapped is not None and len(getattr(mapped, name)):
            extra = getattr(mapped, name)
            if "choice" in extra:  # no equivalent, and the complement of a top-two-box share
                extra = extra[~extra["choice"].isin((NO_EQUIVALENT, OTHER_LEVELS))]
            table = pd.concat([table, extra], ignore_index=True) if len(table) else extra
        tables[name] = table.reset_index(drop=True)
    return replace(results, **tables)


# --- trends -----------------------------------------------------------------------------------


def _columns(frame: pd.DataFrame, name: str, kind: str) -> list[str]:
    if kind == "select_multiple":
        prefix = f"{name}{SEPARATOR}"
        return [c for c in frame.columns if str(c).startswith(prefix)]
    return [name] if name in frame.columns else []


def _blank(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> None:
    for column in columns:
        frame[column] = frame[column].mask(rows)


def _one_to_one(frame: pd.DataFrame, rows: np.ndarray, link: Link) -> None:
    """The earlier wave's answers rewritten as the later question's choices (each category has one)."""
    later_of = {member: c.later[0] for c in link.categories for member in c.earlier}
    if link.type == "select_one":
        if link.earlier not in frame or link.question not in frame:
            return
        values = frame[link.question].astype(object)
        recoded = frame[link.earlier].astype(object).map(later_of)
        values = values.where(~rows, recoded)
        categories = getattr(frame[link.question].dtype, "categories", None)
        frame[link.question] = pd.Categorical(values, categories=categories) if categories is not None else values
        return
    earlier_prefix, later_prefix = f"{link.earlier}{SEPARATOR}", f"{link.question}{SEPARATOR}"
    earlier_columns = _columns(frame, link.earlier, link.type)
    answered = frame[earlier_columns].notna().any(axis=1).to_numpy() if earlier_columns else np.zeros(len(frame), bool)
    sources = {}
    for member, target in later_of.items():
        sources.setdefault(target, []).append(f"{earlier_prefix}{member}")
    rewritten = {}  # all read before any is written: the two questions may share columns
    for column in _columns(frame, link.question, link.type):
        members = [c for c in sources.get(column[len(later_prefix) :], []) if c in frame]
        chosen = frame[members].eq(1).any(axis=1).to_numpy().astype(float) if members else np.full(len(frame), np.nan)
        rewritten[column] = np.where(rows, np.where(answered, chosen, np.nan), frame[column].to_numpy(dtype=float))
    for column, values in rewritten.items():
        frame[column] = values


def _top_two(frame: pd.DataFrame, rows: np.ndarray, link: Link) -> None:
    """The earlier wave's answers on its own scale rewritten onto the latest wave's scale so that
    its top-two-box share is the share in its own two most favourable levels: those two become the
    latest scale's two best, the other levels keep their order from the least favourable (any left
    over become the latest scale's third best), and answers off the scale leave the base."""
    if link.type != "select_one" or link.earlier not in frame or link.question not in frame:
        _blank(frame, rows, _columns(frame, link.question, link.type))
        return
    later_of = {}
    for category in link.categories:
        earlier, later = category.earlier, category.later
        if category.code == TOP_TWO:
            later_of.update(zip(earlier[::-1], later[::-1], strict=False))
        elif later:
            later_of.update({member: later[min(i, len(later) - 1)] for i, member in enumerate(earlier)})
    values = frame[link.question].astype(object)
    recoded = frame[link.earlier].astype(object).map(later_of)
    values = values.where(~rows, recoded)
    categories = getattr(frame[link.question].dtype, "categories", None)
    frame[link.question] = pd.Categorical(values, categories=categories) if categories is not None else values


def top_two_trends(frame: pd.DataFrame, comparisons: Comparisons, latest: int) -> dict[str, tuple[int, ...]]:
    """The questions whose trend (`aligned`) reads earlier waves on the top-two-box share only:
    question -> the ids of those waves."""
    out: dict[str, list[int]] = {}
    if not len(frame) or "wave_id" not in frame or not comparisons.versions:
        return {}
    for wave_id in pd.unique(frame["wave_id"]):
        plan = comparisons.plan(int(wave_id), latest)
        for link in [] if plan.identity else plan.of(MAPPED):
            if link.top_two:
                out.setdefault(link.question, []).append(int(wave_id))
    return {question: tuple(sorted(waves)) for question, waves in out.items()}


def aligned(frame: pd.DataFrame, comparisons: Comparisons, latest: int) -> pd.DataFrame:
    """A history of several waves (`frame`, one row per respondent) for indicator trends read by the
    latest wave's question names: an earlier wave's answers to a question mapped one to one are
    rewritten as the latest wave's choices; a Likert question whose scales differ is rewritten so
    that each earlier wave's top-two-box share is the share in its own scale's two best levels (only
    that share then compares: `top_two_trends` names them, for the trend's note); answers to a
    question that does not compare (its choices differ with no entry, it has no equivalent, or
    several later choices stand for one earlier choice) are left out (missing) so no trend rests on
    them. The rows and their index are kept."""
    if not len(frame) or "wave_id" not in frame or not comparisons.versions:
        return frame
    out = None
    for wave_id in pd.unique(frame["wave_id"]):
        plan = comparisons.plan(int(wave_id), latest)
        changes = [link for link in plan.links.values() if link.status != SAME] if not plan.identity else []
        if not changes:
            continue
        out = frame.copy() if out is None else out
        rows = (out["wave_id"] == wave_id).to_numpy()
        for link in changes:
            if link.status == MAPPED and link.top_two:
                _top_two(out, rows, link)
            elif link.status == MAPPED and all(len(c.later) == 1 for c in link.categories):
                _one_to_one(out, rows, link)
            else:
                _blank(out, rows, _columns(out, link.question, link.type))
    return frame if out is None else out


__all__ = [
    "MAPPED",
    "NONE",
    "NO_EQUIVALENT",
    "OTHER_LEVELS",
    "REFUSED",
    "TOP_TWO",
    "SAME",
    "Category",
    "Comparisons",
    "Link",
    "Plan",
    "aligned",
    "choice_pairs",
    "comparable",
    "harmonised",
    "one_to_one_scales",
    "top_two_categories",
    "top_two_trends",
]
