"""What the registry's import rows refer to, read in a few queries per file rather than one per row.

`Lookups` holds the recorded countries, organisations, accounts, profiles, activities and
participation a file names; `RegistryCells` adds the organisation columns to the shared cell readers.
The engagement records' import uses the same look-ups for the stakeholders it names.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from core.accounts.models import User
from core.imports.cells import Cells, Countries
from core.reference.models import Country
from core.text import search_key
from stakeholders.models import Activity, Organisation, Participation, Stakeholder

_CHUNK = 900  # stay under SQLite's bound-parameter limit


def _chunks(values: Iterable, size: int = _CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Lookups(Countries):
    """What rows refer to, read in a few queries rather than one per row."""

    def __init__(self, session: Session):
        super().__init__(session)
        # The registry's own checks (`services.profile_problems`) look countries and organisations up
        # with `session.get`, which the identity map answers without a query only while something holds
        # the object: hold them for the file's rows.
        self._held: list = list(session.exec(select(Country)))
        self._organisations: dict[tuple[str, str | None], int] | None = None
        self.users: dict[str, User] = {}  # lower-case email -> account
        self.stakeholders: dict[int, Stakeholder] = {}  # user id -> profile
        self.activities: set[int] = set()
        self.participation: dict[tuple, Participation] = {}

    def organisation(self, name: str, country: str | None) -> int | None:
        """The live organisation of this name and country, as `services.find_organisation` matches it."""
        if self._organisations is None:
            self._organisations = {}
            live = self.session.exec(
                select(Organisation).where(Organisation.status.in_(("pending", "approved"))).order_by(Organisation.id)
            )
            for organisation in live:
                self._held.append(organisation)
                self._organisations.setdefault((organisation.search_name, organisation.country), organisation.id)
        return self._organisations.get((search_key(name), country))

    def load_accounts(self, emails: Iterable[str]) -> None:
        wanted = {e for e in emails if e}
        for chunk in _chunks(wanted):  # stored addresses are normalised: the index answers most
            for user in self.session.exec(select(User).where(User.email.in_(chunk))):
                self.users[user.email.lower()] = user
        missing = wanted - set(self.users)
        if missing:  # an address stored before normalisation: one pass over those alone, not one per chunk
            for user in self.session.exec(select(User).where(func.lower(User.email) != User.email)):
                if user.email.lower() in missing:
                    self.users.setdefault(user.email.lower(), user)
        for chunk in _chunks(u.id for u in self.users.values()):
            for stakeholder in self.session.exec(select(Stakeholder).where(Stakeholder.user_id.in_(chunk))):
                self.stakeholders[stakeholder.user_id] = stakeholder

    def stakeholder_for(self, email: str) -> Stakeholder | None:
        user = self.users.get(email)
        return self.stakeholders.get(user.id) if user else None

    def load_activities(self, ids: Iterable[int]) -> None:
        wanted = set(ids)
        for chunk in _chunks(wanted):
            self.activities.update(self.session.exec(select(Activity.id).where(Activity.id.in_(chunk))))
        for chunk in _chunks(self.activities):
            for record in self.session.exec(select(Participation).where(Participation.activity_id.in_(chunk))):
                party = ("s", record.stakeholder_id) if record.stakeholder_id else ("o", record.organisation_id)
                self.participation[(record.activity_id, *party, record.role)] = record


class RegistryCells(Cells):
    """The shared cell readers, with the organisation a row names."""

    def organisation(self, lookups: Lookups) -> tuple[bool, int | None]:
        """(named, id) from the organisation and organisation_country columns."""
        name = self.text("organisation")
        country_given = bool(self.row.get("organisation_country"))
        country = self.country("organisation_country", lookups)
        if not name:
            if country_given:
                self.problem("organisation", _l("Give the organisation's name as well as its country."))
            return False, None
        if country_given and country is None:
            return True, None  # the country is already reported
        organisation_id = lookups.organisation(name, country)
        if organisation_id is None:
            self.problem("organisation", _l("No organisation named %(name)s is recorded in this country.", name=name))
        return True, organisation_id
