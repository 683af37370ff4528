"""The explorer's waves compared through the concordance (`surveys.concordance`, `analysis.harmonise`).

The latest chosen wave that asked the question is the reference. An earlier wave whose question
compares as it is stays as it is; one whose answers differ with no concordance entry saying how
they match, that has no equivalent, or whose chain of versions stops, is left out with a note naming
why; one mapped by the concordance (directly or through versions between) is recoded into the
harmonised set, and so are the reference and the waves like it. A Likert question whose scales
differ compares on the top-two-box share, and a note says so.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from analysis.harmonise import MAPPED, NONE, OTHER_LEVELS, SAME, TOP_TWO, Link, Plan, harmonised
from core.i18n import current_language
from dashboards.data import comparisons_of
from presentation.sections.survey_change import version_label


def _asked(wave, question: str) -> bool:
    return bool(len(wave.catalog)) and bool((wave.catalog["name"] == question).any())


def _recoded(wave, link: Link, side: str):
    frame, catalog = harmonised(wave.frame, Plan({link.question: link}), side)
    return replace(wave, frame=frame, catalog=catalog)


def _same_set(a: Link, b: Link) -> bool:
    return a.top_two == b.top_two and [(c.code, c.later) for c in a.categories] == [
        (c.code, c.later) for c in b.categories
    ]


def _left_out(wave, reference, link: Link | None) -> str:
    """Why a wave is not compared with the reference on this question."""
    if link is not None and link.gap:
        places = {"from": version_label(link.gap[0]), "to": version_label(link.gap[1]), "wave": wave.info.name}
        if link.status == NONE:
            return _(
                "%(wave)s is not compared: the concordance says this question has no equivalent between %(from)s "
                "and %(to)s.",
                **places,
            )
        return _(
            "%(wave)s is not compared: between %(from)s and %(to)s this question's answers differ and no "
            "concordance entry says how they match.",
            **places,
        )
    if link is not None and link.status == NONE:
        return _(
            "%(wave)s is not compared: the concordance says this question has no equivalent in it.",
            wave=wave.info.name,
        )
    return _(
        "%(wave)s is not compared: it asked this question with other answers, and no concordance "
        "entry says how they match those of %(reference)s.",
        wave=wave.info.name,
        reference=reference.info.name,
    )


def _choices(mapping: Link) -> dict:
    """The harmonised answers the chart shows, {code: {language: label}}."""
    if mapping.top_two:
        language = current_language()
        return {
            TOP_TWO: {language: _("Two most favourable levels")},
            OTHER_LEVELS: {language: _("Other levels on the scale")},
        }
    return {c.code: dict(c.labels) for c in mapping.categories}


def _how(mapping: Link, reference) -> str:
    if mapping.top_two:
        return _(
            "Compared on the top-two-box share: the answer scales differ between the waves, so each wave's "
            "answers are counted in the two most favourable levels of its own scale or in its other levels "
            "(answers off the scale left out), and no level is compared with another."
        )
    return _(
        "Compared on the answers the concordance matches: answers of %(reference)s are recoded into "
        "those of the earlier waves.",
        reference=reference.info.name,
    )


def through_concordance(session, waves: list, question: str) -> tuple[list, list[str], dict | None]:
    """(the waves to show, notes on those left out, the harmonised choices {code: labels} or None).
    The plans are read once per set of waves and state of the concordance (`data.comparisons_of`)."""
    asking = [w for w in waves if _asked(w, question)]
    if len(asking) < 2:
        return waves, [], None
    reference = asking[-1]
    plans = comparisons_of(session, [w.info.id for w in waves])
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
            notes.append(_left_out(wave, reference, link))
    if mapping:
        notes.append(_how(mapping, reference))
    return kept, notes, _choices(mapping) if mapping else None
