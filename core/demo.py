"""Deterministic demo data for trying the platform (`flask --app app seed-demo`).

The same seed always gives the same accounts. Every demo account shares one password,
documented in the README; demo data is refused in production.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

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


class DemoError(RuntimeError):
    pass


# Domain packages add their own demo data after the accounts, in the order given:
# seeder(session, rng, password_hash, scale) -> summary lines. `scale` shrinks the data (tests use a tenth).
Seeder = Callable[[Session, random.Random, str, float], list[str]]


def seed_demo_data(
    session: Session, *, seeders: Sequence[Seeder] = (), seed: int = 2026, scale: float = 1.0
) -> list[str]:
    if session.exec(select(func.count()).select_from(User)).one():
        raise DemoError("the database already has accounts; demo data goes into an empty database.")
    rng = random.Random(seed)
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow by design
    now = utcnow()

    def account(email, name, role, country=None, locale="en"):
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            role=role,
            focal_country=country,
            locale=locale,
            email_verified_at=now,
        )
        session.add(user)
        return user

    for local, name, role, country, locale in STAFF:
        account(f"{local}@{DEMO_DOMAIN}", name, role, country, locale)
    for country, name, locale in FOCAL_POINTS:
        account(f"focal.{country.lower()}@{DEMO_DOMAIN}", name, Role.FOCAL_POINT, country, locale)

    session.flush()
    extra = [line for seeder in seeders for line in seeder(session, rng, password_hash, scale)]
    audit.record(session, "demo.seeded", seed=seed)
    session.commit()
    return [
        *extra,
        f"Demo data added (seed {seed}). Every demo account's password: {DEMO_PASSWORD}",
        f"  admin:        admin@{DEMO_DOMAIN}",
        f"  secretariat:  secretariat@{DEMO_DOMAIN}",
        "  focal points: " + ", ".join(f"focal.{c.lower()}@{DEMO_DOMAIN}" for c, _, _ in FOCAL_POINTS),
        f"  stakeholders: stakeholder.0001@{DEMO_DOMAIN}, stakeholder.0002@{DEMO_DOMAIN}, ...",
    ]
