"""Deterministic demo data for trying the platform (`flask --app app seed-demo`).

The same seed always gives the same accounts. Every demo account shares one password,
documented in the README; demo data is refused in production.
"""
from __future__ import annotations

import random
import unicodedata

from sqlmodel import Session, func, select

from core import audit
from core.accounts import passwords
from core.accounts.models import Role, User
from core.timeutil import utcnow

DEMO_PASSWORD = "ipbes-demo-2026"
DEMO_DOMAIN = "demo.ipbes.example.org"

STAFF = (
    ("admin", "Ada Administrator", Role.ADMIN, None, "en"),
    ("secretariat", "Sam Secretariat", Role.SECRETARIAT, None, "en"),
)

# One focal point per regional group, and one more where demo rosters need contrast.
FOCAL_POINTS = (
    ("KE", "Wanjiru Kamau", "en"),
    ("IN", "Priya Raghavan", "en"),
    ("PL", "Katarzyna Nowak", "en"),
    ("BR", "Mariana Souza", "es"),
    ("FR", "Camille Lefèvre", "fr"),
    ("EG", "Nour El-Sayed", "ar"),
)

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
# Roughly the language mix IPBES saw among stakeholders: mostly English.
LANGUAGE_WEIGHTS = {"en": 60, "es": 14, "fr": 12, "ar": 5, "ru": 5, "zh": 4}
STAKEHOLDER_ACCOUNTS = 40


class DemoError(RuntimeError):
    pass


def _ascii_slug(text: str, fallback: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "".join(ch for ch in folded.lower() if ch.isalnum())
    return slug or fallback


def seed_demo_data(session: Session, *, seed: int = 2026) -> list[str]:
    if session.exec(select(func.count()).select_from(User)).one():
        raise DemoError("the database already has accounts; demo data goes into an empty database.")
    rng = random.Random(seed)
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow by design
    now = utcnow()

    def account(email, name, role, country=None, locale="en"):
        user = User(
            email=email, name=name, password_hash=password_hash, role=role,
            focal_country=country, locale=locale, email_verified_at=now,
        )
        session.add(user)
        return user

    for local, name, role, country, locale in STAFF:
        account(f"{local}@{DEMO_DOMAIN}", name, role, country, locale)
    for country, name, locale in FOCAL_POINTS:
        account(f"focal.{country.lower()}@{DEMO_DOMAIN}", name, Role.FOCAL_POINT, country, locale)

    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    for index in range(1, STAKEHOLDER_ACCOUNTS + 1):
        locale = rng.choices(languages, weights)[0]
        given = rng.choice(GIVEN_NAMES[locale])
        family = rng.choice(FAMILY_NAMES[locale])
        name = f"{given} {family}".strip()
        email = f"{_ascii_slug(given, 'stakeholder')}.{index:03d}@{DEMO_DOMAIN}"
        account(email, name, Role.STAKEHOLDER, None, locale)
    session.flush()
    audit.record(session, "demo.seeded", seed=seed)
    session.commit()
    return [
        f"Demo data added (seed {seed}). Every demo account's password: {DEMO_PASSWORD}",
        f"  admin:        admin@{DEMO_DOMAIN}",
        f"  secretariat:  secretariat@{DEMO_DOMAIN}",
        "  focal points: " + ", ".join(f"focal.{c.lower()}@{DEMO_DOMAIN}" for c, _, _ in FOCAL_POINTS),
        f"  stakeholders: {STAKEHOLDER_ACCOUNTS} accounts such as the first listed under /staff/users",
    ]
