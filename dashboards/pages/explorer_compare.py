"""The explorer's waves compared through the concordance (`surveys.concordance`, `analysis.harmonise`).

The latest chosen wave that asked the question is the reference. An earlier wave whose question
compares as it is stays as it is; one whose answers differ with no concordance entry saying how
they match (or that has no equivalent) is left out with a note; one mapped by the concordance is
recoded into the harmonised set, and so are the reference and the waves like it.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from analysis.harmonise import MAPPED, SAME, Link, Plan, harmonised
from surveys.concordance import comparisons


def _asked(wave, question: str) -> bool:
    return bool(len(wave.catalog)) and bool((wave.catalog["name"] == question).any())


def _recoded(wave, link: Link, side: str):
    frame, catalog = harmonised(wave.frame, Plan({link.question: link}), side)
    return replace(wave, frame=frame, catalog=catalog)


def _same_set(a: Link, b: Link) -> bool:
    return [(c.code, c.later) for c in a.categories] == [(c.code, c.later) for c in b.categories]


def through_concordance(session, waves: list, question: str) -> tuple[list, list[str], dict | None]:
    """(the waves to show, notes on those left out, the harmonised choices {code: labels} or None)."""
    asking = [w for w in waves if _asked(w, question)]
    if len(asking) < 2:
        return waves, [], None
    reference = asking[-1]
    plans = comparisons(session, [w.info.id for w in waves])
    links = {w.info.id: plans.plan(w.info.id, reference.info.id).link(question) for w in asking[:-1]}
    mapping = next((link for link in links.values() if link is not None and link.status == MAPPED), None)
    kept, notes = [], []
    for wave in waves:
        link = links.get(wave.info.id)
        if wave is reference or not _asked(wave, question):
            kept.append(_recoded(wave, mapping, "later") if mapping and wave is reference else wave)
        elif link is None or link.status == SAME:
            kept.append(_recoded(wave, mapping, "later") if mapping else wave)
        elif link.status == MAPPED and _same_set(link, mapping):
            kept.append(_recoded(wave, link, "earlier"))
        else:
            notes.append(
                _(
                    "%(wave)s is not compared: it asked this question with other answers, and no concordance "
                    "entry says how they match those of %(reference)s.",
                    wave=wave.info.name,
                    reference=reference.info.name,
                )
            )
    choices = {c.code: dict(c.labels) for c in mapping.categories} if mapping else None
    if mapping:
        notes.append(
            _(
                "Compared on the answers the concordance matches: answers of %(reference)s are recoded into "
                "those of the earlier waves.",
                reference=reference.info.name,
            )
        )
    return kept, notes, choices
