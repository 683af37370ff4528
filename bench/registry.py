"""Registry benchmark: 100,000 stakeholders, measured over HTTP against gunicorn.

    .venv/bin/python bench/registry.py --backend both --stakeholders 100000 --requests 400 --concurrency 4

For each backend it creates a fresh database (a SQLite file in a temporary directory, or a
database on a throwaway PostgreSQL server started from the installed binaries), migrates it,
generates the registry with bulk inserts, serves the app with gunicorn in production mode on
127.0.0.1 and measures, with a bounded number of requests from a small thread pool:

- the public register (`/registry/`): name and organisation searches, filters by country,
  regional group, category, type and knowledge system, every sort, pages deep into the list,
  in several languages;
- the public list of national focal points (`/focal-points`);
- the focal point roster (`/focal-point/roster`), signed in as the focal point of the country
  with the most stakeholders (skipped, and said so, when that page does not exist).

It prints p50 / p95 / max latency and throughput per page and backend, and the slowest kinds
of query. Target: p95 <= 150 ms for a search page at 100,000 stakeholders on both backends.
Nothing leaves the machine; everything it starts is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench import common, server  # noqa: E402
from bench import registry_baseline as baseline  # noqa: E402
from core import migrate  # noqa: E402
from core.accounts import passwords  # noqa: E402
from core.accounts.models import User  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.reference.countries import country_name  # noqa: E402
from core.text import search_key  # noqa: E402
from stakeholders import vocabularies as vocab  # noqa: E402
from stakeholders.models import (  # noqa: E402
    ConsentRecord,
    FocalPointAssignment,
    ObserverAdmission,
    Organisation,
    OrganisationName,
    Stakeholder,
    StakeholderAttribute,
)

FOCAL_PASSWORD = "bench-focal-point-2026"
EMAIL_DOMAIN = "bench.example.org"
TARGET_P95_MS = 120  # the public register search (issue 20)
TARGET_RATIO = 5  # the register search at most 5 times its raw SQL
TARGET_ROSTER_P95_MS = 150

# --- realistic spread (the imbalances IPBES reports) ----------------------------------------

REGION_WEIGHTS = {"WEOG": 0.36, "APAC": 0.22, "AFR": 0.18, "GRULAC": 0.16, "EEG": 0.06, None: 0.02}
# Countries with the most registered people in their group come first; the rest follow at random.
LARGEST = (
    "US",
    "GB",
    "FR",
    "DE",
    "CA",
    "AU",
    "IN",
    "CN",
    "JP",
    "KE",
    "ZA",
    "NG",
    "BR",
    "MX",
    "CO",
    "AR",
    "PL",
    "RU",
    "CZ",
)
GENDER_WEIGHTS = {"male": 0.58, "female": 0.38, "another": 0.01, "undisclosed": 0.03}
CATEGORY_WEIGHTS = {
    "science": 0.36,
    "policymaker": 0.12,
    "practitioner": 0.11,
    "ngo": 0.12,
    "un_mea": 0.04,
    "igo": 0.04,
    "ilk": 0.03,
    "business": 0.025,
    "cbo": 0.05,
    "media": 0.02,
    "public": 0.075,
}
TYPE_WEIGHTS = {"contributor": 0.55, "end_user": 0.2, "both": 0.25}
SECTOR_BY_CATEGORY = {
    "science": "academia",
    "policymaker": "government",
    "practitioner": "agriculture",
    "ngo": "ngo",
    "un_mea": "government",
    "igo": "government",
    "ilk": "other",
    "business": "industry",
    "cbo": "ngo",
    "media": "media",
    "public": "other",
}
KNOWLEDGE_PROBABILITY = {"scientific": 0.78, "ilk": 0.07, "citizen_science": 0.12, "practitioner": 0.25}
LANGUAGE_WEIGHTS = {"en": 0.55, "fr": 0.14, "es": 0.15, "ru": 0.05, "zh": 0.05, "ar": 0.06}
ORG_TYPE_WEIGHTS = {
    "research": 0.34,
    "government": 0.16,
    "ngo": 0.22,
    "iplc": 0.03,
    "private": 0.05,
    "igo": 0.05,
    "un": 0.04,
    "mea": 0.02,
    "network": 0.06,
    "other": 0.03,
}
ORG_STATUS_WEIGHTS = {"approved": 0.60, "pending": 0.25, "rejected": 0.10, "merged": 0.05}

FIRST_NAMES = (
    "Maria José Ana Juan Carlos Luis Sofia Lucia Pedro Camila Mateo Valentina Diego Gabriela "
    "John Mary James Sarah David Emma Michael Olivia Thomas Hannah Peter Laura Paul Anna Mark Julia "
    "Wanjiku Amina Kwame Ngozi Abebe Fatou Chinedu Aisha Tendai Thandiwe Kofi Zanele Moussa Awa "
    "Priya Arjun Ananya Rahul Siti Budi Nguyen Minh Hiroshi Yuki Sakura Kenji Ji-woo Min-jun "
    "Olga Ivan Natalia Dmitri Katarzyna Piotr Jana Tomas Elena Andrei Irina Mihai "
    "Pierre Marie Claire Jean Chloé Louis Hélène François Léa Hugo "
    "Wei Fang Li Na Jun Ying Hao Xin Lei Mei "
    "Mohammed Fatima Ahmed Layla Omar Yasmin Karim Noor Hassan Salma"
).split()
LAST_NAMES = (
    "García Rodríguez González Fernández López Martínez Sánchez Pérez Silva Santos Oliveira Costa "
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Moore Clark "
    "Otieno Mwangi Kamau Okafor Mensah Diallo Traoré Abebe Banda Moyo Ndlovu Nkosi Kone "
    "Sharma Patel Singh Kumar Gupta Tanaka Suzuki Sato Kim Lee Park Nguyen Tran Wijaya "
    "Ivanov Petrov Smirnov Kowalski Nowak Novak Horvat Popescu Kovács "
    "Martin Bernard Dubois Durand Lefebvre Moreau Laurent Girard "
    "Müller Schmidt Schneider Fischer Weber Meyer Jensen Hansen Nielsen Johansson "
    "Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu "
    "Haddad Khalil Mansour Saleh Nasser Farouk Hamdan Aziz"
).split()
NON_LATIN_NAMES = (
    "王伟",
    "李娜",
    "张敏",
    "刘洋",
    "陈静",
    "Иван Петров",
    "Ольга Смирнова",
    "Наталья Иванова",
    "محمد حسن",
    "فاطمة علي",
    "ليلى منصور",
    "أحمد خليل",
)
ORG_PATTERNS = (  # (English, French, Spanish); the organisation type follows the pattern
    (
        "Institute for {topic} Research",
        "Institut de recherche sur {topic_fr}",
        "Instituto de Investigación en {topic_es}",
    ),
    ("{place} {topic} Network", "Réseau {topic_fr} de {place}", "Red de {topic_es} de {place}"),
    ("Centre for {topic} Studies", "Centre d'études sur {topic_fr}", "Centro de Estudios de {topic_es}"),
    (
        "{place} University Department of {topic}",
        "Université de {place}, département {topic_fr}",
        "Universidad de {place}, Departamento de {topic_es}",
    ),
    ("{place} Ministry of Environment", "Ministère de l'environnement de {place}", "Ministerio de Ambiente de {place}"),
    ("Friends of {topic} {place}", "Amis de {topic_fr} {place}", "Amigos de {topic_es} {place}"),
    (
        "{place} Indigenous Peoples Council",
        "Conseil des peuples autochtones de {place}",
        "Consejo de Pueblos Indígenas de {place}",
    ),
    ("{topic} Alliance", "Alliance {topic_fr}", "Alianza {topic_es}"),
)
ORG_PATTERN_TYPES = ("research", "network", "research", "research", "government", "ngo", "iplc", "network")
TOPICS = (  # (English, French, Spanish)
    ("Biodiversity", "la biodiversité", "Biodiversidad"),
    ("Ecosystem Services", "les services écosystémiques", "Servicios Ecosistémicos"),
    ("Forest", "la forêt", "Bosques"),
    ("Marine Conservation", "la conservation marine", "Conservación Marina"),
    ("Pollinator", "les pollinisateurs", "Polinizadores"),
    ("Wetlands", "les zones humides", "Humedales"),
    ("Sustainable Agriculture", "l'agriculture durable", "Agricultura Sostenible"),
    ("Climate and Nature", "le climat et la nature", "Clima y Naturaleza"),
    ("Freshwater", "l'eau douce", "Agua Dulce"),
    ("Mountain Ecology", "l'écologie de montagne", "Ecología de Montaña"),
)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


@dataclass
class Generated:
    stakeholders: int
    organisations: int
    focal_email: str
    focal_country: str
    seconds: float
    names: list[str]
    organisation_names: list[str]


def _countries(connection) -> dict[str | None, list[str]]:
    by_region: dict[str | None, list[str]] = defaultdict(list)
    for iso2, group in connection.execute(text("SELECT iso2, regional_group FROM country ORDER BY iso2")):
        by_region[group].append(iso2)
    return by_region


def _insert(connection, table, rows: list[dict], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        connection.execute(table.insert(), rows[start : start + chunk])


def generate(url: str, stakeholders: int, seed: int) -> Generated:
    """Fill a migrated, empty database with a registry of `stakeholders` people."""
    started = time.perf_counter()
    rng = random.Random(seed)
    password_hash = passwords.hash_password(secrets.token_urlsafe(16))  # nobody signs in as these
    focal_hash = passwords.hash_password(FOCAL_PASSWORD)
    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as connection:
        by_region = _countries(connection)
        # Within a region a few countries hold most people (a Zipf-like spread).
        country_weights = {}
        for region, share in REGION_WEIGHTS.items():
            members = by_region.get(region, [])
            shuffled = members[:]
            random.Random(f"{seed}-{region}").shuffle(shuffled)
            shuffled.sort(key=lambda iso2: LARGEST.index(iso2) if iso2 in LARGEST else len(LARGEST))
            harmonic = sum(1 / (rank + 1) for rank in range(len(shuffled)))
            for rank, iso2 in enumerate(shuffled):
                country_weights[iso2] = share / (rank + 1) / harmonic
        country_codes, country_w = tuple(country_weights), tuple(country_weights.values())

        # Organisations: ~60% approved, some pending, rejected or merged into another.
        organisations, other_names, admissions, org_names = [], [], [], []
        seen = set()
        for org_id in range(1, 401):
            while True:
                pattern = rng.randrange(len(ORG_PATTERNS))
                topic = rng.choice(TOPICS)
                country = rng.choices(country_codes, country_w)[0]
                if (pattern, topic, country) not in seen:
                    seen.add((pattern, topic, country))
                    break
            organisations.append({"pattern": pattern, "topic": topic, "country": country, "id": org_id})
        names_en = {
            iso2: country_name(iso2, "en", name)
            for iso2, name in connection.execute(text("SELECT iso2, name_en FROM country")).all()
        }
        org_rows = []
        approved_ids = []
        for org in organisations:
            pattern, topic, country = ORG_PATTERNS[org["pattern"]], org["topic"], org["country"]
            place = names_en[country]
            values = {"topic": topic[0], "topic_fr": topic[1], "topic_es": topic[2], "place": place}
            name = pattern[0].format(**values)
            status = _pick(rng, ORG_STATUS_WEIGHTS)
            acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:8]
            org_rows.append(
                {
                    "id": org["id"],
                    "name": name,
                    "search_name": search_key(name),
                    "acronym": acronym,
                    "org_type": (
                        ORG_PATTERN_TYPES[org["pattern"]] if rng.random() < 0.85 else _pick(rng, ORG_TYPE_WEIGHTS)
                    ),
                    "country": country,
                    "website": f"https://{acronym.lower() or 'org'}{org['id']}.example.org",
                    "status": status,
                    "merged_into_id": None,
                    "proposed_by_id": None,
                    "created_at": now - timedelta(days=rng.randint(30, 1500)),
                    "approved_at": now - timedelta(days=rng.randint(1, 29)) if status == "approved" else None,
                }
            )
            org_names.append(name)
            if status == "approved":
                approved_ids.append(org["id"])
            if rng.random() < 0.35:
                for language, template in (("fr", pattern[1]), ("es", pattern[2])):
                    other_names.append(
                        {"organisation_id": org["id"], "language": language, "name": template.format(**values)}
                    )
        for org_id in rng.sample(approved_ids, k=min(120, len(approved_ids))):
            for number in sorted(rng.sample(range(1, 12), k=rng.randint(1, 3))):
                admissions.append(
                    {"organisation_id": org_id, "plenary_session": f"IPBES-{number}", "year": 2012 + number}
                )
        _insert(connection, Organisation.__table__, org_rows)
        for row in org_rows:  # after the insert: a duplicate may point at a later organisation
            if row["status"] == "merged":
                connection.execute(
                    Organisation.__table__.update()
                    .where(Organisation.__table__.c.id == row["id"])
                    .values(merged_into_id=rng.choice(approved_ids))
                )
        _insert(connection, OrganisationName.__table__, other_names)
        _insert(connection, ObserverAdmission.__table__, [dict(id=n + 1, **a) for n, a in enumerate(admissions)])

        # People: one account and one profile each, with their multi-valued fields and consents.
        org_ids = [row["id"] for row in org_rows]
        org_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(org_ids))]  # a few large organisations
        org_country = {row["id"]: row["country"] for row in org_rows}
        users, people, attributes, consents, names = [], [], [], [], []
        consent_id = 0
        for n in range(1, stakeholders + 1):
            if rng.random() < 0.03:
                name = rng.choice(NON_LATIN_NAMES)
            else:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            names.append(name)
            organisation_id = rng.choices(org_ids, org_weights)[0] if rng.random() < 0.7 else None
            if organisation_id and rng.random() < 0.6:
                country = org_country[organisation_id]
            else:
                country = rng.choices(country_codes, country_w)[0]
            category = _pick(rng, CATEGORY_WEIGHTS)
            created = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            language = _pick(rng, LANGUAGE_WEIGHTS)
            active = rng.random() < 0.98
            public_listing, share, mailing = rng.random() < 0.85, rng.random() < 0.5, rng.random() < 0.4
            users.append(
                {
                    "id": n,
                    "email": f"person{n}@{EMAIL_DOMAIN}",
                    "name": name,
                    "password_hash": password_hash,
                    "role": "stakeholder",
                    "focal_country": None,
                    "locale": language,
                    "timezone": "UTC",
                    "is_active": active,
                    "email_verified_at": created,
                    "session_epoch": f"{rng.getrandbits(128):032x}",
                    "created_at": created,
                    "last_login_at": None,
                }
            )
            gender = _pick(rng, GENDER_WEIGHTS)
            people.append(
                {
                    "id": n,
                    "user_id": n,
                    "search_name": search_key(name),
                    "organisation_id": organisation_id,
                    "job_title": rng.choice(
                        (
                            "Researcher",
                            "Professor",
                            "Policy officer",
                            "Programme manager",
                            "Consultant",
                            "Director",
                            "Community leader",
                            "Journalist",
                            "",
                        )
                    ),
                    "country": country,
                    "nationality": country if rng.random() < 0.8 else None,
                    "gender": gender,
                    "gender_self_described": "non-binary" if gender == "another" else "",
                    "stakeholder_type": _pick(rng, TYPE_WEIGHTS),
                    "category": category,
                    "sector": SECTOR_BY_CATEGORY[category] if rng.random() < 0.8 else rng.choice(vocab.SECTOR.codes),
                    "preferred_language": language,
                    "phone": f"+{rng.randint(1, 999)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}"
                    if rng.random() < 0.4
                    else "",
                    "public_listing": public_listing,
                    "share_with_focal_point": share,
                    "mailing_list": mailing,
                    "is_active": active,
                    "created_at": created,
                    "updated_at": created,
                    "erased_at": None,
                }
            )
            systems = [code for code, p in KNOWLEDGE_PROBABILITY.items() if rng.random() < p] or ["scientific"]
            chosen = {
                "knowledge_system": systems,
                "discipline": rng.sample(vocab.DISCIPLINE.codes, k=rng.choice((1, 1, 2))),
                "communication": rng.sample(vocab.COMMUNICATION.codes, k=rng.randint(1, 3)),
                "scale": rng.sample(vocab.SCALE.codes, k=rng.choice((1, 2))),
            }
            for field, codes in chosen.items():
                attributes.extend({"stakeholder_id": n, "field": field, "code": code} for code in codes)
            for kind, granted in (
                ("data_processing", True),
                ("public_listing", public_listing),
                ("share_with_focal_point", share),
                ("mailing_list", mailing),
            ):
                consent_id += 1
                consents.append(
                    {
                        "id": consent_id,
                        "stakeholder_id": n,
                        "kind": kind,
                        "granted": granted,
                        "text_version": vocab.CONSENT_TEXT_VERSION,
                        "recorded_at": created,
                    }
                )
        _insert(connection, User.__table__, users)
        _insert(connection, Stakeholder.__table__, people)
        _insert(connection, StakeholderAttribute.__table__, attributes)
        _insert(connection, ConsentRecord.__table__, consents)

        # Focal points for 40 countries (some with an alternate); the bench signs in as the one
        # for the country with the most people, whose roster is the heaviest.
        per_country = defaultdict(int)
        for person in people:
            per_country[person["country"]] += 1
        busiest = max(per_country, key=per_country.get)
        focal_countries = [busiest] + [c for c in rng.sample(country_codes, k=60) if c != busiest][:39]
        focal_users, assignments = [], []
        next_id = stakeholders + 1
        for index, iso2 in enumerate(focal_countries):
            for kind in ("primary", "alternate") if index % 3 == 0 else ("primary",):
                focal_users.append(
                    {
                        "id": next_id,
                        "email": f"focal.{iso2.lower()}.{kind}@{EMAIL_DOMAIN}",
                        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        "password_hash": focal_hash,
                        "role": "focal_point",
                        "focal_country": iso2,
                        "locale": None,
                        "timezone": "UTC",
                        "is_active": True,
                        "email_verified_at": now,
                        "session_epoch": secrets.token_hex(16),
                        "created_at": now,
                        "last_login_at": None,
                    }
                )
                assignments.append(
                    {
                        "id": len(assignments) + 1,
                        "user_id": next_id,
                        "country": iso2,
                        "kind": kind,
                        "ministry": f"Ministry of Environment of {names_en[iso2]}",
                        "start_date": date(2024, 1, 1),
                        "end_date": None,
                        "digest_opt_in": False,
                        "digest_last_sent_at": None,
                    }
                )
                next_id += 1
        _insert(connection, User.__table__, focal_users)
        _insert(connection, FocalPointAssignment.__table__, assignments)

        if engine.dialect.name == "postgresql":
            for table in (
                "user_account",
                "organisation",
                "stakeholder",
                "observeradmission",
                "consentrecord",
                "focalpointassignment",
            ):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    engine.dispose()
    # Fresh statistics and visibility map, as autovacuum gives PostgreSQL after a bulk load;
    # SQLite gets `ANALYZE` (what `PRAGMA optimize` would run).
    tidy = "VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(tidy))
    return Generated(
        stakeholders,
        len(org_rows),
        f"focal.{busiest.lower()}.primary@{EMAIL_DOMAIN}",
        busiest,
        time.perf_counter() - started,
        names,
        org_names,
    )


# --- the server ----------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(url: str, workers: int, logdir: Path):
    """The app under gunicorn (`bench/server.py`); yields its base URL."""
    with server.gunicorn(url, workers, logdir) as (base, _process):
        yield base


# --- measuring -----------------------------------------------------------------------------


def p95(seconds: list[float]) -> float:
    """The 95th percentile in milliseconds (nearest rank), infinite when there is nothing."""
    ms = sorted(x * 1000 for x in seconds)
    return ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)] if ms else float("inf")


@dataclass
class Result:
    page: str
    latencies: list[float]  # seconds
    wall: float
    errors: dict
    by_kind: dict
    server_cpu: float = 0.0  # CPU seconds gunicorn's processes used while this page was measured
    load: str = ""

    def line(self, backend: str) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        if not ms:
            return f"{backend:<11} {self.page:<28} no successful request; errors {self.errors}"
        errors = f"  errors {dict(self.errors)}" if self.errors else ""
        return (
            f"{backend:<11} {self.page:<28} n={len(ms):<5} p50 {statistics.median(ms):7.1f} ms  "
            f"p95 {self.p95_ms:7.1f} ms  max {ms[-1]:7.1f} ms  {len(ms) / self.wall:6.1f} req/s{errors}"
            f"  (wall {self.wall:.1f} s, server CPU {1000 * self.server_cpu / len(ms):.1f} ms a request, {self.load})"
        )

    @property
    def p95_ms(self) -> float:
        return p95(self.latencies)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect (to the sign-in page, say) is an answer to count, not one to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_KeepRedirects)


def _fetch(base: str, item: tuple[str, str, dict]) -> tuple[str, float, int]:
    kind, path, headers = item
    request = urllib.request.Request(base + path, headers=headers)
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return kind, time.perf_counter() - started, status


def measure(base: str, page: str, plan: list[tuple[str, str, dict]], concurrency: int, pid: int = 0) -> Result:
    for item in plan[: min(8, len(plan))]:  # warm both workers' caches and connections; not counted
        _fetch(base, item)
    cpu = baseline.tree_cpu_seconds(pid) if pid else 0.0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(lambda item: _fetch(base, item), plan))
    wall = time.perf_counter() - started
    cpu = baseline.tree_cpu_seconds(pid) - cpu if pid else 0.0
    latencies, errors, by_kind = [], defaultdict(int), defaultdict(list)
    for kind, seconds, status in outcomes:
        if status == 200:
            latencies.append(seconds)
            by_kind[kind].append(seconds)
        else:
            errors[status] += 1
    return Result(page, latencies, wall, errors, by_kind, cpu, baseline.load_average())


def register_plan(generated: Generated, requests: int, seed: int) -> list[tuple[str, str, dict]]:
    rng = random.Random(seed)
    people = rng.sample(generated.names, 20)
    orgs = rng.sample(generated.organisation_names, 10)
    surnames = ("garcia", "smith", "otieno", "nguyen", "muller", "wang", "ivanov", "dubois", "haddad", "patel")
    firsts = ("maria", "john", "amina", "wei", "olga", "pierre", "fatima", "hiroshi")
    specs = [
        ("browse", {}),
        ("browse", {"page": 2}),
        ("browse", {"page": 40}),
        ("browse deep", {"page": 400}),
        ("sort", {"sort": "newest"}),
        ("sort", {"sort": "-name", "page": 5}),
        ("sort", {"sort": "country"}),
        ("sort", {"sort": "organisation"}),
        ("sort", {"sort": "category", "page": 3}),
        ("filter country", {"country": "KE"}),
        ("filter country", {"country": "US", "sort": "newest"}),
        ("filter country", {"country": "BR", "page": 2}),
        ("filter country", {"country": generated.focal_country}),
        ("filter region", {"region": "EEG"}),
        ("filter region", {"region": "WEOG", "page": 3}),
        ("filter region", {"region": "AFR", "sort": "-name"}),
        ("filter category", {"category": "ilk"}),
        ("filter category", {"category": "science", "region": "APAC"}),
        ("filter category", {"category": "business", "sort": "country"}),
        ("filter knowledge", {"knowledge_system": "citizen_science"}),
        ("filter knowledge", {"knowledge_system": "ilk", "region": "GRULAC"}),
        ("filter type", {"stakeholder_type": "end_user", "country": "FR"}),
        (
            "filter combined",
            {"region": "AFR", "category": "ilk", "knowledge_system": "ilk", "stakeholder_type": "both"},
        ),
        ("search + filter", {"q": "garcia", "region": "GRULAC"}),
    ]
    specs += [("search surname", {"q": name}) for name in surnames]
    specs += [("search first name", {"q": name, "page": 2}) for name in firsts[:4]]
    specs += [("search first name", {"q": name}) for name in firsts[4:]]
    specs += [("search full name", {"q": name}) for name in people]
    specs += [("search organisation", {"q": name}) for name in orgs]
    specs += [("search organisation", {"q": word}) for word in ("institute", "network", "biodiversity")]
    specs += [("search no match", {"q": "zzzqqq"})]
    languages = ({}, {}, {}, {"Accept-Language": "fr"}, {"Accept-Language": "ar"}, {"Accept-Language": "zh"})
    plan = []
    for n in range(requests):
        kind, args = specs[n % len(specs)]
        plan.append(
            (
                kind,
                "/registry/?" + urllib.parse.urlencode(args) if args else "/registry/",
                languages[n % len(languages)],
            )
        )
    rng.shuffle(plan)
    return plan


def sign_in(base: str, email: str, password: str) -> str | None:
    """The Cookie header of a signed-in session, or None when signing in failed."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/account/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    if token is None:
        return None
    data = urllib.parse.urlencode(
        {"csrf_token": html.unescape(token.group(1) or token.group(2)), "email": email, "password": password}
    ).encode()
    with opener.open(base + "/account/login", data=data, timeout=30) as response:
        response.read()
        landed = response.geturl()
    if "/account/login" in landed:
        return None
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def roster_plan(cookie: str, requests: int) -> list[tuple[str, str, dict]]:
    specs = [
        ("roster", {}),
        ("roster", {"page": 2}),
        ("roster filter", {"category": "science"}),
        ("roster filter", {"knowledge_system": "ilk"}),
        ("roster filter", {"gender": "female"}),
        ("roster search", {"q": "maria"}),
        ("roster sort", {"sort": "newest"}),
    ]
    plan = []
    for n in range(requests):
        kind, args = specs[n % len(specs)]
        plan.append(
            (kind, "/focal-point/roster" + ("?" + urllib.parse.urlencode(args) if args else ""), {"Cookie": cookie})
        )
    return plan


def _roster(base: str, generated: Generated, args, pid: int) -> tuple[Result | None, str]:
    """The roster measured as the focal point of the largest country, or why it was skipped."""
    cookie = sign_in(base, generated.focal_email, FOCAL_PASSWORD)
    if cookie is None:
        return None, f"SKIPPED: could not sign in as {generated.focal_email}"
    status = _fetch(base, ("probe", "/focal-point/roster", {"Cookie": cookie}))[2]
    if status != 200:
        return None, f"SKIPPED: /focal-point/roster answered {status}"
    page = f"roster /focal-point/roster ({generated.focal_country})"
    return measure(base, page, roster_plan(cookie, args.requests), args.concurrency, pid), ""


def _against_baseline(backend: str, result: Result, base: baseline.Baseline) -> list[str]:
    """The raw SQL's figures for the same plan, and the page's ratio to them."""
    ms = sorted(x * 1000 for x in base.latencies)
    ratio = result.p95_ms / p95(base.latencies)
    return [
        f"{backend:<11}   baseline: raw SQL, driver  n={len(ms):<5} p50 {statistics.median(ms):7.1f} ms  "
        f"p95 {p95(base.latencies):7.1f} ms  max {ms[-1]:7.1f} ms  (wall {base.wall:.1f} s)",
        f"{backend:<11}   ratio to the baseline: p95 {ratio:.1f}x, p50 "
        f"{statistics.median(result.latencies) / statistics.median(base.latencies):.1f}x",
    ]


def _by_kind(result: Result) -> list[str]:
    lines = []
    for kind, seconds in sorted(result.by_kind.items(), key=lambda kv: -max(kv[1])):
        ms = sorted(x * 1000 for x in seconds)
        lines.append(f"{'':<11}   {kind:<26} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms  max {ms[-1]:7.1f} ms")
    return lines


def _verdicts(backend: str, register: Result, register_base, roster: Result | None) -> list[str]:
    ratio = register.p95_ms / p95(register_base.latencies)
    met = register.p95_ms <= TARGET_P95_MS and ratio <= TARGET_RATIO
    lines = [
        f"{backend:<11} target register search p95 <= {TARGET_P95_MS} ms and <= {TARGET_RATIO}x its raw SQL: "
        f"{'met' if met else 'MISSED'} ({register.p95_ms:.1f} ms, {ratio:.1f}x)"
    ]
    if roster is not None:
        verdict = "met" if roster.p95_ms <= TARGET_ROSTER_P95_MS else "MISSED"
        lines.append(
            f"{backend:<11} target roster p95 <= {TARGET_ROSTER_P95_MS} ms: {verdict} ({roster.p95_ms:.1f} ms)"
        )
    return lines


def run_backend(backend: str, args) -> list[str]:
    lines = []
    database = common.database(backend)
    with database as url, tempfile.TemporaryDirectory(prefix="ipbes-bench-log-") as logdir:
        started = time.perf_counter()
        migrate.upgrade(url)
        print(f"[{backend}] migrated in {time.perf_counter() - started:.1f} s", flush=True)
        generated = generate(url, args.stakeholders, args.seed)
        print(
            f"[{backend}] generated {generated.stakeholders:,} stakeholders, {generated.organisations} "
            f"organisations in {generated.seconds:.1f} s; focal point of {generated.focal_country}",
            flush=True,
        )
        plan = register_plan(generated, args.requests, args.seed)
        with server.gunicorn(url, args.workers, Path(logdir)) as (base, process):
            register = measure(base, "public register /registry/", plan, args.concurrency, process.pid)
            focal_list = [("focal points", "/focal-points", {})] * max(20, args.requests // 4)
            results = [register, measure(base, "focal point list", focal_list, args.concurrency, process.pid)]
            roster, skipped = _roster(base, generated, args, process.pid)
        # The baselines run after gunicorn has stopped, from as many threads as there were clients.
        sql_plan = [(kind, baseline.register_queries(baseline.args_of(url, path))) for kind, path, _h in plan]
        register_base = baseline.measure(url, sql_plan, args.concurrency)
        lines.append(register.line(backend))
        lines += _against_baseline(backend, register, register_base)
        if args.verbose or register.p95_ms > TARGET_P95_MS:
            lines += _by_kind(register)
        lines.append(results[1].line(backend))
        if roster is None:
            lines.append(f"{backend:<11} focal point roster           {skipped}")
        else:
            roster_sql = [
                (kind, baseline.roster_queries(baseline.args_of(url, path), generated.focal_country))
                for kind, path, _h in roster_plan("", args.requests)
            ]
            lines.append(roster.line(backend))
            lines += _against_baseline(backend, roster, baseline.measure(url, roster_sql, args.concurrency))
            if args.verbose or roster.p95_ms > TARGET_ROSTER_P95_MS:
                lines += _by_kind(roster)
        lines += _verdicts(backend, register, register_base, roster)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="both")
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per page measured")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--verbose", action="store_true", help="latency per kind of query for every page")
    args = parser.parse_args(argv)
    if args.requests > 10_000 or args.concurrency > 32:
        parser.error("keep --requests <= 10000 and --concurrency <= 32")
    return common.print_report(
        f"Registry benchmark: {args.stakeholders:,} stakeholders, {args.requests} requests "
        f"per page, concurrency {args.concurrency}, gunicorn -w {args.workers}",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
