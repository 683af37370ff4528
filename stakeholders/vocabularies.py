"""Controlled lists of the registry: codes are stored, labels are translated here and only here.

The category list is the audiences of decision IPBES-3/4 (annex I); the other lists follow
annex II's identification criteria (sector, scale, discipline, knowledge system).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.vocabulary import Vocabulary

GENDER = Vocabulary(
    "gender",
    {
        "female": _l("Female"),
        "male": _l("Male"),
        "another": _l("Another gender (self-described)"),
        "undisclosed": _l("Prefer not to say"),
    },
)

STAKEHOLDER_TYPE = Vocabulary(
    "stakeholder_type",
    {
        "contributor": _l("Contributor"),
        "end_user": _l("End user"),
        "both": _l("Both contributor and end user"),
    },
)

CATEGORY = Vocabulary(
    "category",
    {
        "policymaker": _l("Policymakers"),
        "un_mea": _l("UN bodies and multilateral environmental agreements"),
        "science": _l("Scientific community"),
        "ilk": _l("Indigenous and local knowledge holders"),
        "business": _l("Business and industry"),
        "practitioner": _l("Practitioners"),
        "cbo": _l("Community-based organisations"),
        "igo": _l("Intergovernmental organisations"),
        "ngo": _l("Non-governmental organisations"),
        "media": _l("Media"),
        "public": _l("Communities and the general public"),
    },
)

SECTOR = Vocabulary(
    "sector",
    {
        "academia": _l("Academia and research"),
        "government": _l("Government and public administration"),
        "ngo": _l("Civil society and NGOs"),
        "agriculture": _l("Agriculture, forestry and fisheries"),
        "food": _l("Food"),
        "health": _l("Health"),
        "energy": _l("Energy"),
        "finance": _l("Finance"),
        "industry": _l("Industry and commerce"),
        "education": _l("Education"),
        "media": _l("Media and communication"),
        "other": _l("Other sector"),
    },
)

DISCIPLINE = Vocabulary(
    "discipline",
    {
        "natural_sciences": _l("Natural sciences"),
        "social_sciences": _l("Social sciences"),
        "humanities": _l("Humanities"),
        "economics": _l("Economics"),
        "engineering": _l("Engineering and technology"),
        "interdisciplinary": _l("Interdisciplinary"),
    },
)

KNOWLEDGE_SYSTEM = Vocabulary(
    "knowledge_system",
    {
        "scientific": _l("Scientific knowledge"),
        "ilk": _l("Indigenous and local knowledge"),
        "citizen_science": _l("Citizen science"),
        "practitioner": _l("Practitioner knowledge"),
    },
)

SCALE = Vocabulary(
    "scale",
    {
        "local": _l("Local"),
        "subnational": _l("Subnational"),
        "national": _l("National"),
        "subregional": _l("Subregional"),
        "regional": _l("Regional"),
        "global": _l("Global"),
    },
)

IPBES_FUNCTION = Vocabulary(
    "ipbes_function",
    {
        "assessment": _l("Assessment"),
        "knowledge_generation": _l("Knowledge generation"),
        "policy_support": _l("Policy support"),
        "capacity_building": _l("Capacity building"),
    },
)

COMMUNICATION = Vocabulary(
    "communication",
    {
        "email": _l("Email"),
        "mailing_list": _l("Mailing list"),
        "website": _l("Website"),
        "social_media": _l("Social media"),
        "webinar": _l("Webinars"),
        "in_person": _l("Meetings in person"),
        "print": _l("Printed material"),
        "phone": _l("Phone"),
    },
)

ORGANISATION_TYPE = Vocabulary(
    "organisation_type",
    {
        "research": _l("Research or academic institution"),
        "government": _l("Government or public sector"),
        "ngo": _l("NGO or civil society organisation"),
        "iplc": _l("Indigenous peoples' or local community organisation"),
        "private": _l("Private sector"),
        "igo": _l("Intergovernmental organisation"),
        "un": _l("UN body"),
        "mea": _l("MEA secretariat"),
        "network": _l("Network"),
        "other": _l("Other type of organisation"),
    },
)

ACTIVITY_TYPE = Vocabulary(
    "activity_type",
    {
        "call_experts": _l("Call for nominations of experts"),
        "call_fellows": _l("Call for fellows"),
        "external_review": _l("External review"),
        "stakeholder_day": _l("Stakeholder day"),
        "webinar": _l("Webinar"),
        "workshop": _l("Workshop"),
        "dialogue": _l("Dialogue"),
        "call_input": _l("Call for input"),
    },
)

PARTICIPATION_ROLE = Vocabulary(
    "participation_role",
    {
        "nominated": _l("Nominated"),
        "selected": _l("Selected"),
        "fellow": _l("Fellow"),
        "reviewer": _l("Reviewer"),
        "participant": _l("Participant"),
        "speaker": _l("Speaker"),
        "input_submitted": _l("Input submitted"),
    },
)

# The kinds of focal point assignment.
FOCAL_POINT_KIND = Vocabulary(
    "focal_point_kind",
    {
        "primary": _l("Primary focal point"),
        "alternate": _l("Alternate focal point"),
    },
)

CONSENT = Vocabulary(
    "consent",
    {
        "data_processing": _l("I agree that IPBES processes my data to run the stakeholder registry and its surveys."),
        "public_listing": _l(
            "List me in the public stakeholder register (name, organisation, country, category; never my contact details)."
        ),
        "share_with_focal_point": _l(
            "Share my contact details with the national focal point of the country I work in."
        ),
        "mailing_list": _l("Send me the IPBES stakeholder mailing list."),
    },
)
# Bumped whenever the wording of a consent changes; each consent record keeps the version it was given under.
CONSENT_TEXT_VERSION = "2026-11"

# Multi-valued profile fields, stored one row per chosen code.
MULTI_FIELDS = {v.name: v for v in (DISCIPLINE, KNOWLEDGE_SYSTEM, SCALE, IPBES_FUNCTION, COMMUNICATION)}
ALL = {
    v.name: v
    for v in (
        GENDER,
        STAKEHOLDER_TYPE,
        CATEGORY,
        SECTOR,
        ORGANISATION_TYPE,
        ACTIVITY_TYPE,
        PARTICIPATION_ROLE,
        CONSENT,
        *MULTI_FIELDS.values(),
    )
}
