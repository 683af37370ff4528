"""Controlled lists of the engagement records: codes are stored, labels are translated here.

`BARRIER` mirrors the `barrier` choice list of the annual survey instrument
(surveys/instruments/annual_survey.xlsx) without "none", so that the barriers respondents name
and the secretariat's planned steps share their codes; a test keeps the two in step.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.reference.regions import REGIONAL_GROUPS
from core.vocabulary import Vocabulary

EVIDENCE_KIND = Vocabulary(
    "evidence_kind",
    {
        "strategy": _l("Stakeholder engagement strategy"),
        "implementation_plan": _l("Implementation plan"),
        "procedures": _l("Procedures for engagement"),
        "consultation": _l("Consultation held"),
    },
)

LANGUAGE = Vocabulary(
    "language",
    {
        "ar": _l("Arabic"),
        "zh": _l("Chinese"),
        "en": _l("English"),
        "fr": _l("French"),
        "ru": _l("Russian"),
        "es": _l("Spanish"),
    },
)

BARRIER = Vocabulary(
    "barrier",
    {
        "time": _l("Lack of time"),
        "funding": _l("Lack of funding for travel or participation"),
        "language": _l("Language"),
        "awareness": _l("I was not aware of opportunities to take part"),
        "unclear_process": _l("It was unclear how to take part"),
        "deadlines": _l("Tight deadlines"),
        "recognition": _l("My institution does not recognise my contribution"),
        "internet": _l("Poor internet access"),
        "framing": _l("Working on questions I had no part in framing"),
        "fatigue": _l("Too many requests (participation fatigue)"),
        "visa": _l("Visa or travel restrictions"),
        "other": _l("Other (please specify)"),
    },
)

ACTION_STATUS = Vocabulary(
    "action_status",
    {
        "planned": _l("Planned"),
        "in_progress": _l("In progress"),
        "done": _l("Done"),
        "dropped": _l("Dropped"),
    },
)

IMPACT_TYPE = Vocabulary(
    "impact_type",
    {
        "policy": _l("New or changed policy"),
        "action": _l("Action or initiative"),
        "commitment": _l("Commitment"),
        "network": _l("Network"),
        "investment": _l("Investment"),
        "law": _l("Law or regulation"),
    },
)

IMPACT_SCALE = Vocabulary(
    "impact_scale",
    {
        "local": _l("Local"),
        "subnational": _l("Subnational"),
        "national": _l("National"),
        "regional": _l("Regional"),
        "global": _l("Global"),
    },
)

IMPACT_STATUS = Vocabulary(
    "impact_status",
    {
        "pending": _l("Awaiting moderation"),
        "published": _l("Published"),
        "rejected": _l("Rejected"),
    },
)

# IPBES deliverables that engagement records refer to (assessments, and the work programme's other outputs).
DELIVERABLE = Vocabulary(
    "deliverable",
    {
        "pollination": _l("Assessment of pollinators, pollination and food production"),
        "scenarios": _l("Methodological assessment of scenarios and models"),
        "land_degradation": _l("Assessment of land degradation and restoration"),
        "regional_africa": _l("Regional assessment for Africa"),
        "regional_americas": _l("Regional assessment for the Americas"),
        "regional_asia_pacific": _l("Regional assessment for Asia and the Pacific"),
        "regional_eca": _l("Regional assessment for Europe and Central Asia"),
        "global": _l("Global assessment of biodiversity and ecosystem services"),
        "sustainable_use": _l("Assessment of the sustainable use of wild species"),
        "values": _l("Methodological assessment of the diverse values of nature"),
        "invasive_species": _l("Assessment of invasive alien species"),
        "nexus": _l("Nexus assessment"),
        "transformative_change": _l("Transformative change assessment"),
        "business": _l("Methodological assessment on business and biodiversity"),
        "spatial_planning": _l("Assessment on spatial planning"),
        "monitoring": _l("Assessment on monitoring biodiversity"),
        "global_2": _l("Second global assessment"),
        "other": _l("Other deliverable or IPBES in general"),
    },
)

CONCERN_CHANNEL = Vocabulary(
    "concern_channel",
    {
        "email": _l("Email"),
        "plenary": _l("Plenary or stakeholder day"),
        "meeting": _l("Other meeting or webinar"),
        "survey": _l("Survey"),
        "website": _l("Website or online form"),
        "social_media": _l("Social media"),
        "letter": _l("Letter"),
        "other": _l("Other channel"),
    },
)

CONCERN_STATUS = Vocabulary(
    "concern_status",
    {
        "open": _l("Open"),
        "answered": _l("Answered"),
        "closed": _l("Closed"),
    },
)

CALL_AUDIENCE = Vocabulary(
    "call_audience",
    {
        "all": _l("All stakeholders and the public"),
        "governments": _l("Governments"),
        "experts": _l("Experts and the scientific community"),
        "ilk": _l("Indigenous peoples and local communities"),
        "organisations": _l("Stakeholder organisations and networks"),
        "observers": _l("Observers to the Plenary"),
    },
)

ALL = {
    v.name: v
    for v in (
        EVIDENCE_KIND,
        LANGUAGE,
        BARRIER,
        ACTION_STATUS,
        IMPACT_TYPE,
        IMPACT_SCALE,
        IMPACT_STATUS,
        DELIVERABLE,
        CONCERN_CHANNEL,
        CONCERN_STATUS,
        CALL_AUDIENCE,
    )
}

# The five UN regional groups, as a vocabulary so that forms and imports read them like the others.
REGIONAL_GROUP = Vocabulary("regional_group", dict(REGIONAL_GROUPS))
ALL[REGIONAL_GROUP.name] = REGIONAL_GROUP
