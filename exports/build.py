"""From the tidy frame to the released table and the description of every variable.

Nothing here reads the database: `exports.loading` gathers the inputs, this module applies
disclosure control (`analysis.disclosure`) and codes the values, `exports.writers` and
`exports.documents` write the files. Call inside `flask_babel.force_locale(lang)`.

Coding, in every format: a released cell holds its value, SUPPRESSED_CODE (-8) where local
suppression hid it, or NOT_ANSWERED_CODE (-9) where there is no answer (not answered, not asked,
skipped, not applicable). Text-like columns hold the codes as text ("-8", "-9").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.catalog import share_base
from analysis.disclosure import (
    NOT_ANSWERED_CODE,
    SUPPRESSED_CODE,
    RiskSummary,
    Scrubber,
    k_anonymise,
    pseudonyms,
)
from exports.geography import Geography
from exports.labels import ValueLabels, joined_labels
from exports.left_out import left_out_because
from exports.params import ReleaseParams
from exports.wave_risk import agree_per_person, changed_cells, risk_by_wave

SUPPRESSED_TEXT = str(SUPPRESSED_CODE)
NOT_ANSWERED_TEXT = str(NOT_ANSWERED_CODE)
# Quasi-identifiers every release has (besides DERIVED ones and those the instrument marks).
PROFILE_QUASI = ("country", "category", "gender", "stakeholder_type", "language", "network")
# Kept whole as long as possible: the breakdowns analysts use most; the rest is suppressed first.
PRIORITY = ("country", "category", "gender", "stakeholder_type")
# Released quasi-identifiers that are functions of another one (and are suppressed with it).
DERIVED = {"regional_group": "country", "channel": "network"}
AGE_NAME = re.compile(r"(?:^|_)age(?:_|$)")
CATEGORY_META = ("wave", "instrument", "channel")
INTEGER_META = ("wave_id", "year", "version")
META = (
    "wave_id",
    "wave",
    "year",
    "instrument",
    "version",
    "submitted_on",
    "language",
    "channel",
    "network",
    "regional_group",
    "country",
    "category",
    "gender",
    "stakeholder_type",
)


@dataclass
class Variable:
    """A column of the released data file, as the codebook describes it."""

    name: str
    label: str
    kind: str  # identifier, integer, decimal, category, choice (0/1 of a select_multiple), date, text
    question: str | None = None  # the survey question it comes from
    values: list[tuple[str, str]] = field(default_factory=list)  # (value as in the file, label)
    quasi: bool = False
    recoded: int = 0
    suppressed: int = 0
    not_answered: int = 0
    scrubbed: dict[str, int] = field(default_factory=dict)
    treatment: list[str] = field(default_factory=list)
    base: str | None = None  # a select_multiple's choice: what its shares are of (answered | shown)
    translations: dict[str, str] = field(default_factory=dict)  # the label in the survey's other languages
    value_translations: dict[str, dict[str, str]] = field(default_factory=dict)  # {value: {language: label}}

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "decimal", "choice")


@dataclass
class Dropped:
    name: str
    label: str
    reason: str


@dataclass
class Source:
    """What a release is built from (see exports.loading)."""

    frame: pd.DataFrame  # surveys.frame.responses_frame(..., include_pii=False)
    catalog: pd.DataFrame  # surveys.frame.question_catalog(...), pii questions included
    stakeholder_ids: pd.Series  # aligned with `frame`: the respondent's stakeholder id, missing if none
    geography: Geography
    scrubber: Scrubber | None  # only when free text is asked for


@dataclass
class BuiltRelease:
    table: pd.DataFrame
    variables: list[Variable]
    dropped: list[Dropped]
    quasi: list[str]  # released columns counted as quasi-identifiers
    before: RiskSummary
    after: RiskSummary
    repeats: list = field(default_factory=list)  # exports.repeats.BuiltRepeat: one table per repeat

    @property
    def rows(self) -> int:
        return len(self.table)


class BuildError(ValueError):
    """The release cannot be made k-anonymous (too few responses)."""


@dataclass
class _Quasi:
    """A quasi-identifier as disclosure control sees it: one text value per record."""

    name: str
    columns: tuple[str, ...]  # released columns it stands for
    question: dict | None = None  # catalog row, for a question


def build(source: Source, params: ReleaseParams, key: bytes) -> BuiltRelease:
    frame = source.frame.reset_index(drop=True)
    labels = ValueLabels(params.lang, source.geography)
    catalog = [_catalog_row(row._asdict()) for row in source.catalog.itertuples(index=False)]
    columns: dict[str, pd.Series] = {}
    variables: dict[str, Variable] = {}
    dropped = [
        Dropped("response_id", "response_id", _("Internal identifier: replaced by the pseudonym")),
        Dropped("submitted_at", "submitted_at", _("Time of submission: kept to the day as submitted_on")),
    ]

    columns["respondent"] = _respondents(frame, source.stakeholder_ids, params.link_waves, key)
    variables["respondent"] = Variable(
        "respondent",
        labels.variable("respondent"),
        "identifier",
        treatment=[
            _("Pseudonymised: a keyed hash (HMAC-SHA256) with a random key made for this release and never stored.")
            + " "
            + (
                _("The same person has the same pseudonym in every wave of this release.")
                if params.link_waves
                else _("Each response has its own pseudonym; releases cannot be joined on it.")
            )
        ],
    )
    _meta(frame, columns, variables, labels)
    quasi = [_Quasi(name, (name,)) for name in PROFILE_QUASI]
    texts = _questions(frame, catalog, params, source.scrubber, columns, variables, dropped, quasi, labels)
    before, after = _disclose(
        frame,
        texts,
        quasi,
        columns,
        variables,
        labels,
        source.geography,
        params.k,
        columns["respondent"] if params.link_waves else None,
    )
    for variable in variables.values():
        variable.not_answered = _count_code(columns[variable.name], NOT_ANSWERED_CODE)
    released_quasi = [column for q in quasi for column in q.columns] + list(DERIVED)
    return BuiltRelease(
        table=pd.DataFrame(columns),
        variables=list(variables.values()),
        dropped=dropped,
        quasi=released_quasi,
        before=before,
        after=after,
    )


def _meta(frame: pd.DataFrame, columns: dict, variables: dict, labels: ValueLabels) -> None:
    """The wave, time, channel and profile columns (quasi-identifiers are placed, filled later)."""
    for name in META:
        variables[name] = Variable(name, labels.variable(name), "category")
        if name in INTEGER_META:
            columns[name] = frame[name].astype(np.int64)
            variables[name].kind = "integer"
        elif name == "submitted_on":
            columns[name] = _text_values(frame["submitted_at"].dt.strftime("%Y-%m-%d"))
            variables[name].kind = "date"
            variables[name].treatment.append(_("The time of submission, cut to the day (UTC)."))
        elif name in CATEGORY_META:
            columns[name] = _text_values(frame[name])
            present = columns[name][columns[name] != NOT_ANSWERED_TEXT].unique()
            variables[name].values = [(value, labels.value(name, value)) for value in labels.order(name, present)]
        else:
            columns[name] = None  # a quasi-identifier: filled by disclosure control


def _questions(
    frame: pd.DataFrame,
    catalog: list[dict],
    params: ReleaseParams,
    scrubber: Scrubber | None,
    columns: dict,
    variables: dict,
    dropped: list,
    quasi: list,
    labels: ValueLabels,
) -> dict[str, pd.Series]:
    """The question columns, coded; pii questions and (unless asked for) free text left out; quasi-
    identifying questions added to `quasi`. Returns the scrubbed free texts by column."""
    titles = {question["name"]: labels.question(question["labels"], question["name"]) for question in catalog}
    texts: dict[str, pd.Series] = {}
    for question in catalog:
        if question["profile"]:
            continue  # its answers are the profile columns
        title = titles[question["name"]]
        if question["other_of"] in titles:  # "Please specify" alone would not say of what
            title = labels.choice_column(titles[question["other_of"]], title)
        kind = question["type"]
        if question.get("metadata"):
            _metadata_day(frame, question, title, columns, variables)
            continue
        reason = left_out_because(
            question.get("form_type") or kind, pii=bool(question["pii"]), free_text=params.free_text
        )
        if reason:
            dropped.append(Dropped(question["name"], title, reason))
            continue
        if question["quasi"] or AGE_NAME.search(question["name"]):
            quasi.append(_Quasi(question["name"], tuple(question["columns"]), question))
        _code_question(frame, question, title, scrubber, columns, variables, texts, labels)
    return texts


def _code_question(
    frame: pd.DataFrame,
    question: dict,
    title: str,
    scrubber: Scrubber | None,
    columns: dict,
    variables: dict,
    texts: dict,
    labels: ValueLabels,
) -> None:
    """One released question's columns and variables, coded by its type (free text scrubbed)."""
    kind = question["type"]
    if kind == "select_multiple":
        for choice, column in zip(question["choices"], question["columns"]):
            choice_title = labels.choice_column(title, labels.question(question["choices"][choice], choice))
            columns[column] = _codes_or_missing(frame[column])
            variables[column] = Variable(
                column,
                choice_title,
                "choice",
                question["name"],
                values=list(labels.selected().items()),
                base=share_base(question),
                translations=joined_labels(question["labels"], question["choices"][choice]),
            )
        return
    column = question["columns"][0]
    variable = variables[column] = Variable(
        column, title, _KINDS.get(kind, "text"), question["name"], translations=joined_labels(question["labels"])
    )
    if kind == "select_one":
        columns[column] = _text_values(frame[column])
        variable.values = [(value, labels.value(column, value, question["choices"])) for value in question["choices"]]
        variable.value_translations = {
            value: dict(choice) for value, choice in question["choices"].items() if isinstance(choice, dict)
        }
    elif kind in ("integer", "decimal"):
        columns[column] = _codes_or_missing(frame[column], integer=kind == "integer")
    elif kind == "date":
        columns[column] = _text_values(frame[column].dt.strftime("%Y-%m-%d"))
    else:
        texts[column], counts = scrubber.scrub_series(frame[column])
        columns[column] = _text_values(texts[column])
        variable.scrubbed = {placeholder: int(n) for placeholder, n in sorted(counts.items()) if n}
        variable.treatment.append(_scrub_note(variable.scrubbed))


def _metadata_day(frame: pd.DataFrame, question: dict, title: str, columns: dict, variables: dict) -> None:
    """A variable the platform recorded (XLSForm start, end, today): cut to the day, as submitted_on is."""
    column = question["columns"][0]
    values = frame[column]
    days = values.dt.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(values) else values.str[:10]
    columns[column] = _text_values(days)
    variable = variables[column] = Variable(column, title, "date", question["name"])
    variable.treatment.append(
        _("Recorded by the platform (XLSForm %(type)s), cut to the day (UTC).", type=question["metadata"])
    )


def _catalog_row(row: dict) -> dict:
    """A catalog row with None, not NaN, where a text field is empty (pandas stores a text column
    holding some missing values as strings and NaN, and NaN is true)."""
    return {name: None if isinstance(value, float) and np.isnan(value) else value for name, value in row.items()}


_KINDS = {"select_one": "category", "integer": "integer", "decimal": "decimal", "date": "date", "text": "text"}


def _respondents(frame: pd.DataFrame, stakeholder_ids: pd.Series, link_waves: bool, key: bytes) -> pd.Series:
    """Pseudonyms of the responses; with `link_waves`, of the stakeholders who gave them (a response
    without a stakeholder, through an open link or after erasure, stands for itself)."""
    response = "r" + frame["response_id"].astype(str)
    if link_waves:
        stakeholder = pd.Series(stakeholder_ids.to_numpy(), index=frame.index)
        known = stakeholder.notna()
        response = response.where(~known, "s" + stakeholder[known].astype(np.int64).astype(str))
    return pseudonyms(response, key)


def _as_text(series: pd.Series, missing) -> pd.Series:
    """Each value as text, `missing` where there is none; converted once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.asarray([str(value) for value in uniques] + [missing], dtype=object)
    return pd.Series(texts[codes], dtype=object)  # code -1 (missing) picks the last entry


def _text_values(series: pd.Series) -> pd.Series:
    """Text with NOT_ANSWERED_TEXT for missing values (object dtype, one value per cell)."""
    return _as_text(series, NOT_ANSWERED_TEXT)


def _codes_or_missing(series: pd.Series, integer: bool = True) -> pd.Series:
    filled = series.astype("Float64").fillna(NOT_ANSWERED_CODE)
    return filled.astype(np.int64) if integer else filled.astype(np.float64)


def _count_code(series: pd.Series, code: int) -> int:
    if series.dtype == object:
        return int((series == str(code)).sum())
    return int((series == code).sum())


def _scrub_note(counts: dict[str, int]) -> str:
    found = ", ".join(f"{placeholder} {n}" for placeholder, n in counts.items()) or _("nothing found")
    return _(
        "Scrubbed: e-mail addresses, links, phone numbers and every name and organisation name of the registry "
        "replaced by placeholders (%(found)s).",
        found=found,
    )


def _quasi_values(frame: pd.DataFrame, texts: dict[str, pd.Series], quasi: _Quasi) -> pd.Series:
    """One text per record (None when not answered): what disclosure control counts."""
    question = quasi.question
    if question is not None and question["type"] == "select_multiple":
        matrix = frame[list(quasi.columns)].to_numpy(dtype=float)
        answered = ~np.isnan(matrix).all(axis=1)
        names = list(question["choices"])
        patterns = [" ".join(name for name, chosen in zip(names, row) if chosen == 1) for row in matrix]
        return pd.Series(np.where(answered, np.asarray(patterns, dtype=object), None), dtype=object)
    column = quasi.columns[0]
    series = texts.get(column, frame[column])
    if pd.api.types.is_datetime64_any_dtype(series):
        series = series.dt.strftime("%Y-%m-%d")
    return _as_text(series, None)


def _disclose(
    frame,
    texts,
    quasi: list[_Quasi],
    columns,
    variables,
    labels: ValueLabels,
    geography: Geography,
    k: int,
    people: pd.Series | None,
) -> tuple[RiskSummary, RiskSummary]:
    """k-anonymise the quasi-identifiers and write them into `columns`; the risk before and after,
    over every released quasi-identifier (the derived ones included).

    Each wave is made k-anonymous on its own: a stakeholder answers a wave once, so within a wave
    k records are k people, whereas across waves one person's rows would count for one another.
    `people` (the pseudonyms, when waves are linked) makes a person's values agree across their
    rows: a cell hidden in one wave is hidden in all, and a value released differently in two
    waves (recoded in one, or changed) is hidden too, so linked rows never reveal more than one.
    """
    names = [q.name for q in quasi]
    original = pd.DataFrame({q.name: _quasi_values(frame, texts, q) for q in quasi})
    for derived in DERIVED:
        original[derived] = frame[derived].astype(object).where(frame[derived].notna().to_numpy(), None)
    waves = frame["wave_id"].to_numpy()
    released, suppressed = _anonymise_by_wave(original, names, waves, geography, k)
    if people is not None:
        suppressed = agree_per_person(released, suppressed, people.to_numpy())
    # Derived variables follow their source, so together they never reveal more than the source:
    # the regional group is that of the released country, the channel is hidden with the network.
    released["regional_group"] = released["country"].map(geography.group, na_action="ignore").astype(object)
    released["channel"] = original["channel"]
    for derived, source in DERIVED.items():
        suppressed[derived] = suppressed[source]
    released = released.where(~suppressed.to_numpy(), None)
    every = [*names, *DERIVED]
    before = risk_by_wave(original, every, None, waves)
    after = risk_by_wave(released, every, suppressed, waves)
    if len(released) and after.min_frequency < k:
        raise BuildError(_("These responses cannot be made %(k)s-anonymous; choose a smaller k or more waves.", k=k))

    _write_quasi(quasi, original, released, suppressed, columns, variables, labels)
    return before, after


def _anonymise_by_wave(
    original: pd.DataFrame, names: list[str], waves: np.ndarray, geography: Geography, k: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(released values, suppressed cells) of the quasi-identifiers, each wave k-anonymised on its own."""
    released = original[names].copy()
    suppressed = pd.DataFrame(False, index=original.index, columns=names)
    for wave in np.unique(waves):
        rows = np.flatnonzero(waves == wave)
        if len(rows) < k:
            raise BuildError(
                _(
                    "A wave has %(rows)s submitted responses: fewer than k = %(k)s, so no release of it "
                    "can be k-anonymous.",
                    rows=len(rows),
                    k=k,
                )
            )
        result = k_anonymise(
            original.iloc[rows][names],
            names,
            k=k,
            hierarchies={"country": geography.hierarchy()},
            priority=[name for name in PRIORITY if name in names],
        )
        released.iloc[rows] = result.frame[names].astype(object).to_numpy()
        suppressed.iloc[rows] = result.suppressed[names].to_numpy(dtype=bool)
    return released, suppressed


def _write_quasi(
    quasi: list[_Quasi],
    original: pd.DataFrame,
    released: pd.DataFrame,
    suppressed: pd.DataFrame,
    columns: dict,
    variables: dict,
    labels: ValueLabels,
) -> None:
    """The released quasi-identifiers into `columns`, each variable noting what was recoded or suppressed."""
    for q in [*quasi, *(_Quasi(derived, (derived,)) for derived in DERIVED)]:
        mask = suppressed[q.name].to_numpy()
        changed = changed_cells(original[q.name], released[q.name]) & ~mask
        if q.question is not None and q.question["type"] == "select_multiple":
            # A recoded pattern has no 0/1 form: its cells are suppressed instead.
            hidden = mask | changed
            for column in q.columns:
                columns[column] = columns[column].where(~hidden, SUPPRESSED_CODE)
                _mark_quasi(variables[column], recoded=0, suppressed=int(hidden.sum()))
            continue
        column = q.columns[0]
        variable = variables[column]
        values = released[q.name].where(released[q.name].notna(), NOT_ANSWERED_TEXT).astype(object)
        columns[column] = values.where(~mask, SUPPRESSED_TEXT).astype(object)
        variable.kind = "category"
        _mark_quasi(variable, recoded=int(changed.sum()), suppressed=int(mask.sum()))
        choices = q.question["choices"] if q.question is not None and q.question["type"] == "select_one" else None
        present = set(released[q.name].dropna()) | set(choices or ())
        variable.values = [
            (value, labels.value(q.name, value, choices)) for value in labels.order(q.name, present, choices)
        ]
    variables["regional_group"].treatment.insert(0, _("Derived from the released country, so the two always agree."))
    variables["channel"].treatment.insert(
        0, _("Suppressed wherever the network is, since it tells whether there was one.")
    )


def _mark_quasi(variable: Variable, *, recoded: int, suppressed: int) -> None:
    variable.quasi = True
    variable.recoded, variable.suppressed = recoded, suppressed
    variable.treatment.append(
        _(
            "Quasi-identifier, made k-anonymous. Cells recoded (rare values moved up their "
            "hierarchy or grouped as other): %(recoded)s. Cells suppressed: %(suppressed)s.",
            recoded=recoded,
            suppressed=suppressed,
        )
    )
