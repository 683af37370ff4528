"""The plenary report's context: the six indicator groups' sections, the survey results and the
methods, in one language, from the shared presentation model (`presentation/`).

Pure apart from translation: no session, no request. Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

from datetime import date

from babel import Locale
from flask_babel import gettext as _

from analysis import indicators
from presentation.builder import Builder
from presentation.data import ReportData
from presentation.disclosure import Disclosure
from presentation.headline import RegionalShare, regional_share_card
from presentation.sections import group_section
from presentation.sections.survey import survey_section


def build_report(
    data: ReportData,
    lang: str,
    *,
    today: date | None = None,
    disclosure: Disclosure | None = None,
    caveats: dict[str, list[str]] | None = None,
    regional_share: RegionalShare | None = None,
) -> dict:
    """The template context of the whole report; with `disclosure`, every section, card and table
    goes through that rule (a focal point's report). A country's report is given its `regional_share`,
    which replaces the diversity card's evenness across the five regional groups."""
    builder = Builder(data, lang)
    sections = [group_section(builder, group) for group in indicators.GROUPS]
    for section in sections:
        if section.id == "diversity" and regional_share is not None:
            section.card = regional_share_card(builder.lab, section.title, regional_share)
    survey = survey_section(builder)
    for section in sections:
        section.caveats[:0] = (caveats or {}).get(section.id, [])
    if disclosure is not None:
        sections = disclosure.sections(sections)
        survey = disclosure.section(survey)
    lab = builder.lab
    return {
        "lang": lang,
        "dir": Locale.parse(lang).text_direction,
        "language_name": lab.code("language", lang),
        "title": _("Stakeholder engagement: report to the Plenary"),
        "waves": [{"name": w.name, "year": w.year, "instrument": w.instrument} for w in data.waves],
        "generated": lab.date(today or date.today()),
        "cards": [s.card for s in sections],
        "sections": sections,
        "survey": survey,
        "methods": methods(builder),
    }


def methods(builder: Builder) -> list[str]:
    lab = builder.lab
    paragraphs = [
        _(
            "Survey estimates are design-based: each respondent is a unit, variances are linearised with the "
            "n/(n-1) factor, intervals for shares are logit intervals on n-1 degrees of freedom and intervals for "
            "means are t intervals, as R's survey package computes them (svymean, svyciprop)."
        ),
        _(
            "Weights rake each wave's respondents to the registry's counts by UN regional group, category and "
            "gender, with weights trimmed to 0.3–3 times the mean. Respondents with a missing profile value are "
            "left out of weighted estimates."
        ),
        _(
            "Shares of counts that are not samples (response rates, selection rates, concerns answered, "
            "representation) have Wilson score intervals."
        ),
        _(
            "Figures resting on fewer than 10 respondents are printed in grey and hatched in charts: read them "
            "with care."
        ),
        _(
            "A headline is improving or worsening when a share moves by more than 2 percentage points, or a count "
            "or index by more than 5%, since the previous year; otherwise it is stable. This is a display rule, "
            "not a significance test."
        ),
        _("The estimation code is checked against R's survey package on fixed datasets to 1e-6."),
        _(
            "Intervals and tests treat each wave as a one-stage design with replacement, raked to regional "
            "group, category and gender; their variances are calibrated as R's survey package does (svyrecvar)."
        ),
    ]
    for wave in builder.data.waves:
        paragraphs.append(_weighting(lab, wave, builder.weighting.get(wave.id)))
    return paragraphs


def _weighting(lab, wave, raked) -> str:
    if raked is None or raked.raking is None:
        return _("%(wave)s: no weights could be computed; estimates are unweighted.", wave=wave.name)
    d = raked.raking.diagnostics
    return _(
        "%(wave)s: %(n)s respondents weighted (%(dropped)s left out); design effect "
        "%(deff)s, effective sample size %(neff)s, weighting efficiency %(eff)s; raking "
        "%(converged)s.",
        wave=wave.name,
        n=lab.number(d.n),
        dropped=lab.number(raked.dropped),
        deff=lab.number(d.design_effect, 2),
        neff=lab.number(d.effective_n),
        eff=lab.percent(d.efficiency),
        converged=_("converged") if raked.raking.converged else _("did not converge"),
    )
