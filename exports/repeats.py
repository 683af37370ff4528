"""The repeat tables of a release: one per repeat (a household's members, each member's phones), one row per
instance.

A row is keyed as the main table is, by `respondent` and `wave_id` (the pseudonym alone is not unique once
waves are linked), then, for a repeat nested in others, the instance of each repeat holding it
(`<parent>_instance`, outermost first; with them it joins its parent's `instance`), then its own `instance`
(1, 2, ... in the respondent's order); never by a database id. A loop's `choice` (after `instance`) names the
choice each instance is about, coded as a select_one. A question named like a key column is renamed
(`instance_answer`), never overwriting the key. Only
instances of responses the main table releases are kept. Questions are treated by type as in the main
table: pii never exported, free text left out unless asked for (then scrubbed), numbers, dates and
categories coded with -8/-9 (exports.build).

Disclosure: a repeat's quasi-identifiers (marked `quasi`, or named like an age) are made k-anonymous within
each wave together with the main table's released quasi-identifiers of the response (its "context"), so a
member's age cannot single out a respondent whom the main table hides among k. The main table's values are
already released and cannot change, so the records are k-anonymised within each (wave, context) group; a
group of fewer than k records has its quasi cells suppressed. Frequencies count responses, not instances:
a response listing three alike members counts once. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE, k_anonymise
from exports.build import (
    _KINDS,
    AGE_NAME,
    NOT_ANSWERED_TEXT,
    SUPPRESSED_TEXT,
    BuiltRelease,
    Dropped,
    Source,
    Variable,
    _as_text,
    _codes_or_missing,
    _count_code,
    _mark_quasi,
    _scrub_note,
    _text_values,
)
from exports.labels import ValueLabels, joined_labels
from exports.left_out import left_out_because
from exports.params import ReleaseParams
from exports.wave_risk import changed_cells, risk_by_wave
from exports.writers import EXTENSIONS, write_data
from surveys.repeat_catalog import RepeatEntry, RepeatQuestion

CONTEXT = "_context"


@dataclass
class RepeatSource:
    """A repeat as loaded (exports.repeat_loading): its catalog entry and its table from
    `surveys.frame_repeats.repeat_frames(..., include_pii=False)`."""

    entry: RepeatEntry
    frame: pd.DataFrame  # response_id, instance, then the questions' columns


@dataclass
class BuiltRepeat:
    name: str
    label: str
    table: pd.DataFrame
    variables: list[Variable]
    dropped: list[Dropped]
    quasi: list[str]  # released columns counted as quasi-identifiers
    left_out_rows: int  # instances of responses the release does not hold
    parents: tuple[str, ...] = ()  # the repeats holding this one, outermost first
    min_frequency: int | None = None  # responses sharing the rarest combination (None: no quasi-identifier)
    codes: dict[str, dict[str, int]] = field(default_factory=dict)  # as `writers.write_data` gives them
    file_names: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.table)

    @property
    def key(self) -> list[str]:
        """The columns identifying a row: respondent, wave_id, the instances of the repeats holding it, its own."""
        return ["respondent", "wave_id", *(f"{parent}_instance" for parent in self.parents), "instance"]

    @property
    def joins_on(self) -> list[str]:
        """Its columns that name the row it belongs to: of the main table, or of the repeat holding it."""
        return self.key[:-1]

    def file(self, extension: str) -> str:
        return f"repeat_{self.name}.{extension}"


def build_repeats(
    sources: list[RepeatSource], release: BuiltRelease, main: Source, params: ReleaseParams
) -> list[BuiltRepeat]:
    """Each repeat's released table; `main` is what `release` was built from (its frame row for row with
    `release.table`). Call inside `flask_babel.force_locale(lang)`."""
    frame = main.frame.reset_index(drop=True)
    labels, scrubber = ValueLabels(params.lang, main.geography), main.scrubber
    rows_of = pd.Series(np.arange(len(frame)), index=frame["response_id"].to_numpy())
    contexts = _contexts(release)
    return [_build(source, release, frame, rows_of, contexts, params, labels, scrubber) for source in sources]


def _contexts(release: BuiltRelease) -> np.ndarray:
    """One text per main-table row naming its combination of released quasi-identifiers."""
    names = [name for name in release.quasi if name in release.table.columns]
    if not names:
        return np.full(len(release.table), "", dtype=object)
    combination = release.table.groupby(names, sort=False, dropna=False).ngroup().to_numpy()
    return np.asarray([f"c{number}" for number in combination], dtype=object)


def key_width(entry: RepeatEntry) -> int:
    """How many of the frame's first columns are keys: response_id, the instances, a loop's choice."""
    return 1 + len(entry.instance_columns) + (entry.loop is not None)


def released_keys(entry: RepeatEntry) -> list[str]:
    """The released table's key columns, in order (a loop's `choice` after them is not one)."""
    return ["respondent", "wave_id", *entry.instance_columns]


def _renamed(entry: RepeatEntry) -> dict[str, str]:
    """A released name for each question column that a key column's name would otherwise overwrite."""
    taken = {*released_keys(entry), "choice", "response_id"}
    columns = [column for question in entry.questions for column in question.columns]
    result = {}
    for column in columns:
        if column in taken:
            candidate, n = f"{column}_answer", 2
            while candidate in taken or candidate in columns:
                candidate, n = f"{column}_answer{n}", n + 1
            result[column] = candidate
            taken.add(candidate)
    return result


def _build(source, release, frame, rows_of, contexts, params, labels: ValueLabels, scrubber) -> BuiltRepeat:
    entry = source.entry
    width = key_width(entry)
    # By position: a question named like a key column is a second column of that name in the frame.
    wanted = source.frame.iloc[:, 0].isin(rows_of.index).to_numpy()
    keys = source.frame.iloc[wanted, :width].reset_index(drop=True)
    renamed = _renamed(entry)
    kept = source.frame.iloc[wanted, width:].reset_index(drop=True).rename(columns=renamed)
    response_ids = keys.iloc[:, 0]
    rows = rows_of.reindex(response_ids.to_numpy()).to_numpy()
    columns, variables = _key_columns(entry, keys, release, rows, labels)
    dropped: list[Dropped] = []
    quasi: list[RepeatQuestion] = []
    titles = {question.name: labels.question(question.labels, question.name) for question in entry.questions}
    for question in entry.questions:
        title = titles[question.name]
        if question.other_of in titles:  # "Please specify" alone would not say of what
            title = labels.choice_column(titles[question.other_of], title)
        reason = left_out_because(question.form_type, pii=question.pii, free_text=params.free_text)
        if reason:
            dropped.append(Dropped(question.name, title, reason))
            continue
        question = replace(question, columns=tuple(renamed.get(column, column) for column in question.columns))
        _code(kept, question, title, scrubber, columns, variables, labels)
        for column in question.columns:
            if column in renamed.values():
                variables[column].treatment.append(
                    _(
                        "Named %(name)s in the form: renamed, as that name is a key column of this table.",
                        name=next(old for old, new in renamed.items() if new == column),
                    )
                )
        if question.quasi or AGE_NAME.search(question.name):
            quasi.append(question)
    frequency = _disclose(kept, response_ids, quasi, contexts[rows], columns, variables, params.k, labels)
    for variable in variables.values():
        variable.not_answered = _count_code(columns[variable.name], NOT_ANSWERED_CODE)
    return BuiltRepeat(
        name=entry.name,
        label=labels.question(entry.labels, entry.name),
        table=pd.DataFrame(columns),
        variables=list(variables.values()),
        dropped=dropped,
        quasi=[column for question in quasi for column in question.columns],
        left_out_rows=len(source.frame) - len(kept),
        parents=entry.parents,
        min_frequency=frequency,
    )


def _key_columns(entry: RepeatEntry, keys: pd.DataFrame, release, rows, labels: ValueLabels) -> tuple[dict, dict]:
    """The released key columns (and a loop's choice) with their variables, from the frame's `keys`."""
    width = key_width(entry)
    columns: dict[str, pd.Series] = {
        "respondent": release.table["respondent"].iloc[rows].reset_index(drop=True),
        "wave_id": release.table["wave_id"].iloc[rows].reset_index(drop=True),
    }
    variables = {
        "respondent": Variable("respondent", labels.variable("respondent"), "identifier"),
        "wave_id": Variable("wave_id", labels.variable("wave_id"), "integer"),
    }
    for position, (column, parent) in enumerate(zip(entry.instance_columns, entry.parents), start=1):
        columns[column] = keys.iloc[:, position].astype(np.int64)
        variables[column] = Variable(
            column, _("Instance of the repeat %(name)s holding this row", name=parent), "integer"
        )
    columns["instance"] = keys.iloc[:, len(entry.instance_columns)].astype(np.int64)
    variables["instance"] = Variable(
        "instance", _("Instance of the repeat (1, 2, ... in the respondent's order)"), "integer"
    )
    variables["respondent"].treatment.append(_("The respondent's pseudonym in the main data file."))
    if entry.loop is not None:
        _loop_choice(entry, keys.iloc[:, width - 1], columns, variables, labels)
    return columns, variables


def _loop_choice(entry: RepeatEntry, values: pd.Series, columns, variables, labels: ValueLabels) -> None:
    """A loop's `choice` column: the choice each instance is about, coded as a select_one."""
    choices = {choice.name: dict(choice.labels) for choice in entry.loop}
    columns["choice"] = _text_values(values.astype(object))
    variable = variables["choice"] = Variable("choice", _("The choice of the list this instance is about"), "category")
    variable.values = [(value, labels.value("choice", value, choices)) for value in choices]
    variable.value_translations = choices


def _code(kept, question: RepeatQuestion, title, scrubber, columns, variables, labels: ValueLabels) -> None:
    """One released question's columns and variables, coded by its type as in the main table."""
    choices = {choice.name: dict(choice.labels) for choice in question.choices}
    if question.type == "select_multiple":
        for (choice, choice_labels), column in zip(choices.items(), question.columns):
            columns[column] = _codes_or_missing(kept[column])
            variables[column] = Variable(
                column,
                labels.choice_column(title, labels.question(choice_labels, choice)),
                "choice",
                question.name,
                values=list(labels.selected().items()),
                translations=joined_labels(question.labels, choice_labels),
            )
        return
    (column,) = question.columns
    kind = _KINDS.get(question.type, "text")
    variable = variables[column] = Variable(
        column, title, kind, question.name, translations=joined_labels(question.labels)
    )
    values = kept[column]
    if question.type == "select_one":
        columns[column] = _text_values(values.astype(object))
        variable.values = [(value, labels.value(question.name, value, choices)) for value in choices]
        variable.value_translations = choices
    elif kind in ("integer", "decimal"):
        columns[column] = _codes_or_missing(values, integer=kind == "integer")
    elif kind == "date":
        columns[column] = _text_values(pd.to_datetime(values).dt.strftime("%Y-%m-%d"))
    else:
        texts, counts = scrubber.scrub_series(values.astype(object).where(values.notna(), None))
        columns[column] = _text_values(texts)
        variable.scrubbed = {placeholder: int(n) for placeholder, n in sorted(counts.items()) if n}
        variable.treatment.append(_scrub_note(variable.scrubbed))


def _quasi_text(kept: pd.DataFrame, question: RepeatQuestion) -> pd.Series:
    """One text per row (None when not answered): what disclosure control counts."""
    if question.type == "select_multiple":
        matrix = kept[list(question.columns)].to_numpy(dtype=float)
        answered = ~np.isnan(matrix).all(axis=1) if matrix.size else np.zeros(len(kept), dtype=bool)
        names = [choice.name for choice in question.choices]
        patterns = [" ".join(name for name, chosen in zip(names, row) if chosen == 1) for row in matrix]
        return pd.Series(np.where(answered, np.asarray(patterns, dtype=object), None), dtype=object)
    values = kept[question.columns[0]]
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    return _as_text(values.astype(object).where(values.notna(), None), None)


def _disclose(kept, response_ids, quasi, contexts, columns, variables, k, labels: ValueLabels) -> int | None:
    """k-anonymise the quasi-identifiers with their context, per wave, counting responses; write them into
    `columns`. Returns the fewest responses sharing a released combination among the rows that release one
    of them (None: no such row)."""
    if not quasi:
        return None
    names = [question.name for question in quasi]
    original = pd.DataFrame({question.name: _quasi_text(kept, question) for question in quasi})
    original[CONTEXT] = pd.Series(contexts, dtype=object)
    # One record per response and combination, so k counts different responses, not alike instances.
    keys = response_ids.astype(str).str.cat(
        [original[name].fillna("\x00").astype(str) for name in [CONTEXT, *names]], sep="\x1f"
    )
    group, _uniques = pd.factorize(keys.to_numpy(dtype=object))
    first = np.unique(group, return_index=True)[1]
    unique = original.iloc[first].reset_index(drop=True)
    waves = columns["wave_id"].to_numpy()[first]
    released, suppressed = _anonymise(unique, names, waves, k)
    shown = ~suppressed[names].all(axis=1).to_numpy()
    frequency = None
    if shown.any():
        every = [CONTEXT, *names]
        risk = risk_by_wave(released[every].iloc[shown], every, suppressed[every].iloc[shown], waves[shown])
        frequency = int(risk.min_frequency)
    _write(
        quasi, original, released.iloc[group].reset_index(drop=True), suppressed.iloc[group], columns, variables, labels
    )
    return frequency


def _anonymise(unique: pd.DataFrame, names: list[str], waves: np.ndarray, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(released values, suppressed cells) of the records: each wave and each released combination of the
    main table (the context) on its own, so a combination is shared by k records of the same context; a
    group of fewer than k records has every cell suppressed."""
    every = [CONTEXT, *names]
    released = unique[every].copy()
    suppressed = pd.DataFrame(False, index=unique.index, columns=every)
    groups = pd.DataFrame({"wave": waves, CONTEXT: unique[CONTEXT].to_numpy()}).groupby(["wave", CONTEXT], sort=True)
    for at in groups.indices.values():
        if len(at) < k:
            suppressed.iloc[at, 1:] = True
            continue
        result = k_anonymise(unique.iloc[at][names], names, k=k)
        released.iloc[at, 1:] = result.frame[names].astype(object).to_numpy()
        suppressed.iloc[at, 1:] = result.suppressed[names].to_numpy(dtype=bool)
    return released, suppressed


def _write(quasi, original, released, suppressed, columns, variables, labels: ValueLabels) -> None:
    """The released quasi-identifiers into `columns`, each variable noting what was recoded or suppressed."""
    note = _(
        "Made k-anonymous within each wave together with the respondent's quasi-identifiers in the main data "
        "file, counting respondents rather than instances."
    )
    for question in quasi:
        mask = suppressed[question.name].to_numpy(dtype=bool)
        changed = changed_cells(original[question.name], released[question.name]) & ~mask
        if question.type == "select_multiple":
            hidden = mask | changed  # a recoded pattern has no 0/1 form: its cells are suppressed instead
            for column in question.columns:
                columns[column] = columns[column].where(~hidden, SUPPRESSED_CODE)
                _mark_quasi(variables[column], recoded=0, suppressed=int(hidden.sum()))
                variables[column].treatment.append(note)
            continue
        column, name = question.columns[0], question.name
        values = released[name].where(released[name].notna(), NOT_ANSWERED_TEXT).astype(object)
        columns[column] = pd.Series(np.where(mask, SUPPRESSED_TEXT, values.to_numpy()), dtype=object)
        variable = variables[column]
        variable.kind = "category"
        _mark_quasi(variable, recoded=int(changed.sum()), suppressed=int(mask.sum()))
        variable.treatment.append(note)
        choices = {c.name: dict(c.labels) for c in question.choices} if question.type == "select_one" else None
        present = set(released[name].dropna()) | set(choices or ())
        variable.values = [
            (value, labels.value(name, value, choices)) for value in labels.order(name, present, choices)
        ]


def repeat_files(repeats: list[BuiltRepeat], fmt: str) -> dict[str, bytes]:
    """Each repeat's data file, in the main table's format; its SAV codes and names kept on it."""
    files = {}
    for repeat in repeats:
        files[repeat.file(EXTENSIONS[fmt])], repeat.codes, repeat.file_names = write_data(
            repeat.table, repeat.variables, fmt
        )
    return files
