"""What a release is built from, read from the database: the tidy frame, the question catalog,
who gave each response, the country hierarchy and, for free text, the registry's names."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from analysis.disclosure import Scrubber
from core.accounts.models import User
from core.reference.models import Country
from exports.build import Source
from exports.geography import CountryRow, geography
from stakeholders.models import Organisation, OrganisationName, Stakeholder
from surveys.frame import question_catalog, responses_frame
from surveys.models import Response

MIN_ACRONYM = 3  # shorter acronyms ("UN", "EU") are words more than names


def load_source(session: Session, wave_ids, *, free_text: bool) -> Source:
    wave_ids = sorted(set(wave_ids))
    frame = responses_frame(session, wave_ids, include_pii=False)
    catalog = question_catalog(session, wave_ids)
    return Source(
        frame=frame,
        catalog=catalog,
        stakeholder_ids=_stakeholder_ids(session, frame),
        geography=geography(_countries(session)),
        scrubber=registry_scrubber(session, frame) if free_text else None,
    )


def _stakeholder_ids(session: Session, frame: pd.DataFrame) -> pd.Series:
    """The stakeholder behind each row of `frame` (missing for open links and erased people)."""
    if frame.empty:
        return pd.Series([], dtype="Int64")
    wave_ids = sorted({int(w) for w in frame["wave_id"].unique()})
    rows = session.exec(
        select(Response.id, Response.stakeholder_id).where(
            Response.wave_id.in_(wave_ids), Response.status == "submitted"
        )
    ).all()
    owner = pd.Series({response: stakeholder for response, stakeholder in rows}, dtype="Int64")
    return owner.reindex(frame["response_id"].to_numpy()).reset_index(drop=True)


def _countries(session: Session) -> list[CountryRow]:
    rows = session.exec(select(Country.iso2, Country.m49_subregion, Country.regional_group)).all()
    return [CountryRow(iso2, subregion, group) for iso2, subregion, group in rows]


def registry_scrubber(session: Session, frame: pd.DataFrame | None = None) -> Scrubber:
    """A scrubber that knows every person's and organisation's name in the registry, and reads phone
    numbers in the formats of every country the registry and the respondents name."""
    names: set[str] = set()
    for name in session.exec(select(User.name).where(User.name != "")).all():
        full = " ".join(name.split())
        names.add(full)
        parts = full.split(" ")
        if len(parts) > 1:
            names.add(parts[-1])  # the family name alone
    organisations = {name for name in session.exec(select(Organisation.name)).all() if name.strip()}
    organisations |= {name for name in session.exec(select(OrganisationName.name)).all() if name.strip()}
    organisations |= {
        acronym for acronym in session.exec(select(Organisation.acronym)).all() if len(acronym.strip()) >= MIN_ACRONYM
    }
    regions = {code for code in session.exec(select(Stakeholder.country).distinct()).all() if code}
    regions |= {code for code in session.exec(select(Organisation.country).distinct()).all() if code}
    if frame is not None and len(frame):
        regions |= {str(code) for code in frame["country"].dropna().unique()}
    return Scrubber(names=sorted(names), organisations=sorted(organisations), phone_regions=sorted(regions))
