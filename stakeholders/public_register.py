"""What the public register shows about organisations: approved ones only, in the reader's language.

Who may appear is decided by `registry_query.Scope.PUBLIC`; this module only adds the
organisation side (the public organisation page, and organisation names for a page of rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from stakeholders.models import Organisation, OrganisationName


def approved_organisation(session: Session, organisation_id: int) -> Organisation | None:
    """The organisation if the public may see it: approved (not pending, rejected or merged)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.status != "approved":
        return None
    return organisation


def organisation_names(session: Session, names: dict[int, str], language: str) -> dict[int, str]:
    """`{id: name}` with each name replaced by its `language` version when there is one.

    The batch form of `services.localised_name` for a page of rows: one query, not one per row.
    """
    if not names:
        return {}
    localised = dict(
        session.exec(
            select(OrganisationName.organisation_id, OrganisationName.name).where(
                OrganisationName.organisation_id.in_(sorted(names)), OrganisationName.language == language
            )
        ).all()
    )
    return {organisation_id: localised.get(organisation_id, name) for organisation_id, name in names.items()}


def row_organisation_names(session: Session, rows: Iterable, language: str) -> dict[int, str]:
    """Localised organisation names for registry rows (`organisation_id`, `organisation_name`)."""
    return organisation_names(
        session, {row.organisation_id: row.organisation_name for row in rows if row.organisation_id}, language
    )
