from datetime import date

from sqlmodel import select

from core.timeutil import utcnow
from stakeholders.frames import participation_frame, registry_frame
from stakeholders.models import Stakeholder, StakeholderAttribute
from tests.factories import make_activity, make_organisation, make_participation, make_stakeholder


def test_registry_and_participation_frames_hold_the_profile_and_the_records(session):
    wanjiku = make_stakeholder(
        session,
        name="Wanjiku Otieno",
        country="KE",
        gender="female",
        category="science",
        knowledge_systems=("scientific", "ilk"),
        disciplines=("social_sciences",),
    )
    pierre = make_stakeholder(
        session,
        name="Pierre Dubois",
        country="FR",
        gender="male",
        category="ngo",
        sector="ngo",
        knowledge_systems=(),
        disciplines=("humanities", "economics"),
    )
    erased = make_stakeholder(session, name="Gone Person", country="BR", with_account=False)
    erased.is_active, erased.erased_at = False, utcnow()
    # A code since retired from the controlled list still counts for the person who chose it.
    session.add(StakeholderAttribute(stakeholder_id=pierre.id, field="discipline", code="retired_code"))
    organisation = make_organisation(session, name="Red de Biodiversidad", country="BR")
    review = make_activity(session)
    call = make_activity(session, title="Call for experts", activity_type="call_experts", start=date(2026, 1, 10))
    make_participation(session, review, stakeholder=wanjiku, role="reviewer", comments=12)
    make_participation(session, call, stakeholder=pierre, role="nominated")
    make_participation(session, call, stakeholder=pierre, role="selected")
    make_participation(session, review, organisation=organisation, role="reviewer", comments=3)

    registry = registry_frame(session).set_index("stakeholder_id")
    assert len(registry) == len(session.exec(select(Stakeholder)).all()) == 3
    assert registry.loc[wanjiku.id, ["country", "regional_group", "gender", "category"]].tolist() == [
        "KE",
        "AFR",
        "female",
        "science",
    ]
    assert registry.loc[pierre.id, "regional_group"] == "WEOG"
    assert registry.loc[wanjiku.id, "knowledge_system__ilk"] == 1
    assert registry.loc[pierre.id, "knowledge_system__scientific"] == 0
    assert registry.loc[
        pierre.id, ["discipline__humanities", "discipline__economics", "discipline__natural_sciences"]
    ].tolist() == [1, 1, 0]
    assert registry.loc[pierre.id, "discipline__retired_code"] == 1
    # Every code of the list has a column, chosen by someone or not.
    assert "knowledge_system__citizen_science" in registry
    assert registry.loc[erased.id, "erased"] and not registry.loc[erased.id, "is_active"]
    assert str(registry["registered_at"].dt.tz) == "UTC"

    records = participation_frame(session)
    assert len(records) == 4
    by_role = records.groupby("role", observed=True).size().to_dict()
    assert by_role == {"nominated": 1, "reviewer": 2, "selected": 1}
    reviewer = records[(records["role"] == "reviewer") & records["stakeholder_id"].notna()].iloc[0]
    assert (reviewer["year"], reviewer["comments"], reviewer["regional_group"], reviewer["gender"]) == (
        2025,
        12,
        "AFR",
        "female",
    )
    org_row = records[records["organisation_id"].notna()].iloc[0]
    assert org_row["stakeholder_id"] is None or str(org_row["stakeholder_id"]) == "<NA>"
    assert (org_row["country"], org_row["regional_group"]) == ("BR", "GRULAC")
    assert records.loc[records["activity_type"] == "call_experts", "year"].unique().tolist() == [2026]


def test_empty_registry_gives_empty_frames_with_their_columns(session):
    registry = registry_frame(session)
    assert registry.empty and {"stakeholder_id", "regional_group", "discipline__humanities"} <= set(registry.columns)
    records = participation_frame(session)
    assert records.empty and {"activity_id", "role", "year", "gender"} <= set(records.columns)
