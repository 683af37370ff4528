"""The survey section's change table: each key item's change between the last two waves, compared
only where the concordance says the question means the same (`analysis.harmonise`).

A question asked with other answers in the two waves, with no concordance entry matching them, is
not compared: a note says so instead of a change. A mapped question is compared on its harmonised
set of answers, the later wave's recoded into the earlier wave's.
"""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from analysis.change import wave_change
from analysis.harmonise import MAPPED, NONE, REFUSED, Link, Plan, comparable, harmonised
from analysis.survey_results import wave_results
from presentation.builder import Builder, as_count
from presentation.model import Row, Section, Table


def mapped_results(plan: Plan, side: str, frame: pd.DataFrame, weights):
    """The results of the mapped questions of one wave, recoded into their harmonised sets."""
    if not plan.of(MAPPED):
        return None
    recoded, catalog = harmonised(frame, plan, side)
    return wave_results(recoded, catalog, weights=weights) if len(catalog) else None


def version_label(version: tuple) -> str:
    """An instrument version as a note names it: (instrument name, number)."""
    name, number = version
    return _("%(instrument)s, version %(number)s", instrument=name, number=number)


def _note(link: Link, name: str, earlier: str, later: str) -> str | None:
    """How a question compares, or why not, for the report's change table."""
    if link.status == MAPPED and link.top_two:
        return _(
            "%(question)s: its answer scales differ between %(earlier)s and %(later)s, so only the share in "
            "the two most favourable levels of each wave's own scale is compared (top-two box).",
            question=name,
            earlier=earlier,
            later=later,
        )
    if link.status == MAPPED:
        return _(
            "%(question)s: compared on the answers the concordance matches; the answers of %(later)s "
            "are recoded into those of %(earlier)s.",
            question=name,
            earlier=earlier,
            later=later,
        )
    if link.status not in (NONE, REFUSED):
        return None
    if link.gap:
        return (
            _(
                "%(question)s: not compared; the concordance says it has no equivalent between %(from)s and %(to)s.",
                **{"question": name, "from": version_label(link.gap[0]), "to": version_label(link.gap[1])},
            )
            if link.status == NONE
            else _(
                "%(question)s: not compared; between %(from)s and %(to)s its answers differ and no concordance "
                "entry says how they match.",
                **{"question": name, "from": version_label(link.gap[0]), "to": version_label(link.gap[1])},
            )
        )
    if link.status == NONE:
        return _(
            "%(question)s: not compared; the concordance says it has no equivalent in %(earlier)s.",
            question=name,
            earlier=earlier,
        )
    return _(
        "%(question)s: not compared; its answers differ between %(earlier)s and %(later)s and "
        "no concordance entry says how they match.",
        question=name,
        earlier=earlier,
        later=later,
    )


def comparison_notes(plan: Plan, label, earlier: str, later: str, shown) -> list[str]:
    """Why a question is not compared, or how it is, for the questions `shown` keeps."""
    notes = [_note(link, label(link.question), earlier, later) for link in plan.links.values() if shown(link.question)]
    return [note for note in notes if note]


def change(section: Section, builder: Builder, results: dict, inputs: dict, questions) -> None:
    """Every key item's change between the last two waves, tested and corrected across items.
    `inputs`: wave name -> (frame, weights) the results were computed from."""
    earlier_info, later_info = builder.data.waves[-2:]
    earlier_name, later_name = earlier_info.name, later_info.name
    plan = builder.data.comparisons.plan(earlier_info.id, later_info.id)
    earlier = comparable(results[earlier_name], plan, "earlier", mapped_results(plan, "earlier", *inputs[earlier_name]))
    later = comparable(results[later_name], plan, "later", mapped_results(plan, "later", *inputs[later_name]))
    table = wave_change(earlier, later)
    table = table[table["question"].isin(questions.keyed)]
    notes = comparison_notes(plan, lambda q: questions.label[q], earlier_name, later_name, questions.keyed.__contains__)
    section.caveats.extend(notes)
    if not len(table):
        return
    choice_labels = {
        (link.question, category.code): category.labels for link in plan.of(MAPPED) for category in link.categories
    }
    section.tables.append(
        Table(
            _("Change from %(earlier)s to %(later)s", earlier=earlier_name, later=later_name),
            [
                _("Question"),
                _("Answer"),
                earlier_name,
                later_name,
                _("Difference"),
                _("Adjusted p-value"),
                _("Changed"),
            ],
            _change_rows(builder, table, questions, choice_labels),
            _(
                "Each change is tested against the sampling error of both waves; p-values are adjusted across "
                "all items with the Benjamini-Hochberg method (false discovery rate). A change is marked when "
                "its adjusted p-value is below 0.05."
            ),
            text_columns=2,
        )
    )


def _change_rows(builder: Builder, change: pd.DataFrame, questions, choice_labels: dict) -> list[Row]:
    lab = builder.lab

    def value(item, number):
        return lab.number(number, 1) if item == "mean" else lab.percent(number)

    def item_label(question, item):
        if item == "top_two":
            return _("Two most favourable levels")
        if item == "mean":
            return _("Mean")
        if (question, item) in choice_labels:
            return lab.text(choice_labels[(question, item)], item)
        return questions.choice_label(question, item)

    rows = []
    for _i, r in change.iterrows():
        difference = (
            lab.number(r["difference"], 1)
            if r["item"] == "mean"
            else _("%(points)s points", points=lab.number(r["difference"] * 100, 1))
        )
        rows.append(
            Row(
                [
                    questions.label[r["question"]],
                    item_label(r["question"], r["item"]),
                    value(r["item"], r["earlier"]),
                    value(r["item"], r["later"]),
                    difference,
                    lab.number(r["p_adjusted"], 3) if r["p_adjusted"] == r["p_adjusted"] else "–",
                    "✓" if r["significant"] else "",
                ],
                base=min(as_count(r["n_earlier"]) or 0, as_count(r["n_later"]) or 0),
            )
        )
    return rows
