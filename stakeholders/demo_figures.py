"""The figures and names the registry demo data is drawn from (stakeholders/demo.py).

Shaped on what IPBES reports: Western Europe and others over-represented, Eastern Europe
under-represented, few private-sector and indigenous and local knowledge stakeholders,
about 60/40 male/female, and the global assessment's call for fellows (221 nominations, 16 selected).
"""

from datetime import date

GIVEN_NAMES = {
    "en": ["Grace", "Daniel", "Amina", "Oliver", "Aisha", "Samuel", "Hannah", "Kwame", "Leila", "Thomas"],
    "es": ["Lucía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Isabel", "Andrés"],
    "fr": ["Élodie", "Mamadou", "Chloé", "Théo", "Fatou", "Lucas", "Aïcha", "Hugo"],
    "ar": ["فاطمة", "أحمد", "ليلى", "يوسف", "مريم", "عمر"],
    "ru": ["Анна", "Дмитрий", "Ольга", "Сергей", "Наталья", "Иван"],
    "zh": ["李娜", "王伟", "张敏", "刘洋", "陈静", "杨磊"],
}
FAMILY_NAMES = {
    "en": ["Okafor", "Smith", "Mensah", "Patel", "Nguyen", "Brown", "Otieno", "Singh", "Walker", "Tan"],
    "es": ["García", "Rodríguez", "Martínez", "López", "Fernández", "Quispe", "Mamani", "Torres"],
    "fr": ["Diallo", "Martin", "Bernard", "Traoré", "Dubois", "Ndiaye", "Moreau", "Laurent"],
    "ar": ["حسن", "العلي", "منصور", "الخطيب", "سليمان", "النجار"],
    "ru": ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов"],
    "zh": ["", "", "", "", "", ""],
}


STAKEHOLDERS = 2000
ORGANISATIONS = 400
# Shares of the 2020 survey's respondents by UN regional group.
REGION_WEIGHTS = {"WEOG": 42.0, "GRULAC": 20.5, "AFR": 16.9, "APAC": 14.7, "EEG": 5.9}
# Countries that weigh more within their group (large scientific communities); others weigh 1.
COUNTRY_BOOST = {
    "US": 8,
    "GB": 6,
    "DE": 6,
    "FR": 6,
    "CA": 4,
    "AU": 4,
    "NL": 3,
    "ES": 3,
    "IT": 3,
    "SE": 2,
    "BR": 6,
    "MX": 4,
    "CO": 4,
    "AR": 3,
    "CL": 3,
    "PE": 2,
    "ZA": 5,
    "KE": 4,
    "NG": 3,
    "ET": 2,
    "CM": 2,
    "IN": 6,
    "CN": 5,
    "JP": 4,
    "ID": 2,
    "PH": 2,
    "MY": 2,
    "PL": 3,
    "RU": 3,
    "CZ": 2,
    "HU": 2,
    "EG": 2,
}
REGION_LANGUAGES = {"WEOG": "en", "GRULAC": "es", "AFR": "fr", "APAC": "en", "EEG": "ru"}
CATEGORY_WEIGHTS = {
    "science": 40,
    "policymaker": 12,
    "ngo": 12,
    "practitioner": 10,
    "public": 6,
    "igo": 4,
    "un_mea": 3,
    "business": 3,
    "ilk": 3,
    "cbo": 4,
    "media": 3,
}
SECTOR_BY_CATEGORY = {
    "science": "academia",
    "policymaker": "government",
    "ngo": "ngo",
    "business": "industry",
    "media": "media",
    "igo": "government",
    "un_mea": "government",
}
ORG_TYPE_WEIGHTS = {
    "research": 35,
    "government": 21,
    "ngo": 14,
    "private": 6,
    "iplc": 3,
    "igo": 4,
    "un": 2,
    "mea": 1,
    "network": 5,
    "other": 9,
}
ORG_NAMES = {
    "research": [
        "Institute of Ecology",
        "Centre for Biodiversity Research",
        "University of Environmental Sciences",
        "Research Institute for Ecosystem Services",
        "Botanical Garden and Herbarium",
        "Natural History Museum",
    ],
    "government": [
        "Ministry of Environment",
        "National Biodiversity Agency",
        "Forest Service",
        "Environmental Protection Authority",
    ],
    "ngo": ["Wildlife Conservation Society", "Friends of the Forest", "Biodiversity Alliance", "Nature Trust"],
    "private": ["Green Finance Partners", "Sustainable Agribusiness Group", "Eco Consulting"],
    "iplc": ["Indigenous Peoples' Council", "Federation of Local Communities", "Pastoralist Association"],
    "igo": ["Regional Centre for Environment", "Intergovernmental Forum on Water"],
    "un": ["UN Programme Office"],
    "mea": ["Convention Secretariat"],
    "network": ["Network of Young Ecologists", "Citizen Science Network", "Biodiversity Knowledge Network"],
    "other": ["Foundation for Nature", "Environmental Education Centre"],
}
PLENARIES = [
    (f"IPBES-{n}", year)
    for n, year in [
        (1, 2013),
        (2, 2013),
        (3, 2015),
        (4, 2016),
        (5, 2017),
        (6, 2018),
        (7, 2019),
        (8, 2021),
        (9, 2022),
        (10, 2023),
        (11, 2024),
        (12, 2025),
    ]
]
FOCAL_COUNTRIES = 40
JOB_TITLES = [
    "Researcher",
    "Professor",
    "Policy officer",
    "Programme manager",
    "Consultant",
    "Community leader",
    "Director",
    "PhD candidate",
    "Journalist",
]
DISCIPLINES = ["natural_sciences", "social_sciences", "humanities", "economics", "engineering", "interdisciplinary"]
SCALES = ["local", "subnational", "national", "subregional", "regional", "global"]
FUNCTIONS = ["assessment", "knowledge_generation", "policy_support", "capacity_building"]
CHANNELS = ["email", "mailing_list", "website", "social_media", "webinar", "in_person", "print", "phone"]
MINISTRIES = [
    "Ministry of Environment",
    "Ministry of Science and Higher Education",
    "National Biodiversity Agency",
    "Ministry of Foreign Affairs",
]

# (title, type, start, deliverable, [(role, how many at full scale, (min, max) comments or None)])
ACTIVITY_PLAN = [
    (
        "Call for fellows: nexus assessment",
        "call_fellows",
        date(2025, 2, 10),
        "Nexus assessment",
        [("nominated", 221, None), ("selected", 16, None)],
    ),
    (
        "Call for experts: business and biodiversity assessment scoping",
        "call_experts",
        date(2025, 4, 1),
        "Business and biodiversity assessment",
        [("nominated", 310, None), ("selected", 45, None)],
    ),
    (
        "External review of the second order draft: spatial planning assessment",
        "external_review",
        date(2025, 9, 15),
        "Spatial planning assessment",
        [("reviewer", 85, (3, 120))],
    ),
    (
        "Stakeholder day before IPBES-12",
        "stakeholder_day",
        date(2025, 12, 7),
        "Plenary",
        [("participant", 160, None), ("speaker", 8, None)],
    ),
    (
        "Webinar: using IPBES assessments in national policy",
        "webinar",
        date(2025, 6, 12),
        "Policy support",
        [("participant", 120, None), ("speaker", 4, None)],
    ),
    (
        "Dialogue with national focal points and stakeholders in Africa",
        "dialogue",
        date(2025, 10, 20),
        "Capacity building",
        [("participant", 35, None)],
    ),
    (
        "Call for input: indigenous and local knowledge in assessments",
        "call_input",
        date(2026, 1, 15),
        "Indigenous and local knowledge",
        [("input_submitted", 48, None)],
    ),
    (
        "Call for fellows: monitoring assessment",
        "call_fellows",
        date(2026, 3, 1),
        "Monitoring assessment",
        [("nominated", 198, None), ("selected", 14, None)],
    ),
    (
        "Workshop on engaging the private sector",
        "workshop",
        date(2026, 5, 18),
        "Business and biodiversity",
        [("participant", 40, None), ("speaker", 6, None)],
    ),
    (
        "Webinar: the nexus assessment in six languages",
        "webinar",
        date(2026, 7, 2),
        "Nexus assessment",
        [("participant", 140, None)],
    ),
    (
        "External review of the first order draft: monitoring assessment",
        "external_review",
        date(2026, 9, 1),
        "Monitoring assessment",
        [("reviewer", 70, (2, 90))],
    ),
]
