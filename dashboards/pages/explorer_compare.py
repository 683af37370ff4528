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

from analysis.harmonise import MAPPED, NONE, OTHER_LEVELS, SAME, TOP_TWO, Category, Link, Plan, harmonised
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


# --- earlier waves mapped through entries of their own ------------------------------------------------


def _groups(links: list[Link]) -> list[tuple[str, ...]]:
    """The reference's answers gathered so that every entry's categories are unions of the groups (a
    reference answer two entries put in different categories joins both); a group some entry leaves
    without an equivalent is dropped. In the first entry's order."""
    group_of: dict[str, set] = {}
    for link in links:
        for category in link.categories:
            merged = set(category.later).union(*(group_of.get(member, ()) for member in category.later))
            for member in merged:
                group_of[member] = merged
    covered = [{member for category in link.categories for member in category.later} for link in links]
    order = [member for category in links[0].categories for member in category.later]
    found = []
    for member in order:
        group = tuple(m for m in order if m in group_of[member])
        if group not in found and all(set(group) <= each for each in covered):
            found.append(group)
    return found


def _through(link: Link, groups: list[tuple[str, ...]], first: Link, labels: dict) -> Link:
    """`link` recoded into the common `groups`: its own earlier answers gathered by where they go."""
    own = {c.later: c for c in first.categories}
    categories = []
    for group in groups:
        earlier = tuple(m for c in link.categories if set(c.later) <= set(group) for m in c.earlier)
        if group in own:  # as the first entry names it
            code, names = own[group].code, dict(own[group].labels)
        else:
            code = "+".join(group)
            languages = {language for member in group for language in labels.get(member, {})}
            names = {lang: " / ".join(labels.get(m, {}).get(lang) or m for m in group) for lang in languages}
        categories.append(Category(code, earlier, group, names))
    return replace(link, categories=tuple(categories))


def _reference_labels(reference, question: str) -> dict:
    rows = reference.catalog[reference.catalog["name"] == question]
    return dict(rows.iloc[0]["choices"]) if len(rows) else {}


def _common(links: dict, reference, question: str) -> dict:
    """The MAPPED links of the earlier waves, each recoded into one set of answers all of them share
    (`_groups`), by wave id; a wave whose scale comparison differs (top-two box or not) from the first
    mapped wave's is not among them."""
    mapped = {wave: link for wave, link in links.items() if link is not None and link.status == MAPPED}
    if not mapped:
        return {}
    first = next(iter(mapped.values()))
    mapped = {wave: link for wave, link in mapped.items() if link.top_two == first.top_two}
    if all(_same_set(link, first) for link in mapped.values()):
        return mapped
    groups = _groups(list(mapped.values()))
    labels = _reference_labels(reference, question)
    return {wave: _through(link, groups, first, labels) for wave, link in mapped.items()}


def through_concordance(session, waves: list, question: str) -> tuple[list, list[str], dict | None]:
    """(the waves to show, notes on those left out, the harmonised choices {code: labels} or None).
    Earlier waves mapped by entries that gather the reference's answers differently are each recoded
    through their own entry into groups of answers all the entries share (`_common`).
    The plans are read once per set of waves and state of the concordance (`data.comparisons_of`)."""
    asking = [w for w in waves if _asked(w, question)]
    if len(asking) < 2:
        return waves, [], None
    reference = asking[-1]
    plans = comparisons_of(session, [w.info.id for w in waves])
    links = {w.info.id: plans.plan(w.info.id, reference.info.id).link(question) for w in asking[:-1]}
    common = _common(links, reference, question)
    mapping = next(iter(common.values()), None)
    kept, notes = [], []
    for wave in waves:
        link = links.get(wave.info.id)
        if wave is reference or not _asked(wave, question):
            kept.append(_recoded(wave, mapping, "later") if mapping and wave is reference else wave)
        elif link is None or link.status == SAME:
            kept.append(_recoded(wave, mapping, "later") if mapping else wave)
        elif wave.info.id in common:
            kept.append(_recoded(wave, common[wave.info.id], "earlier"))
        elif link.status == MAPPED:
            notes.append(_other_scale(wave, mapping))
        else:
            notes.append(_left_out(wave, reference, link))
    if mapping:
        notes.append(_how(mapping, reference))
        if not all(_same_set(link, mapping) for link in links.values() if link is not None and link.status == MAPPED):
            notes.append(_merged_note(reference))
    return kept, notes, _choices(mapping) if mapping else None


def _other_scale(wave, mapping: Link) -> str:
    if mapping.top_two:
        return _(
            "%(wave)s is not compared: the concordance matches its scale level for level, while the other "
            "waves compare on the top-two-box share.",
            wave=wave.info.name,
        )
    return _(
        "%(wave)s is not compared: the concordance compares it on the top-two-box share, while the other "
        "waves compare answer by answer.",
        wave=wave.info.name,
    )


def _merged_note(reference) -> str:
    return _(
        "The earlier waves' concordance entries gather the answers of %(reference)s differently: each wave "
        "is recoded through its own entry into groups of answers that every entry matches.",
        reference=reference.info.name,
    )
