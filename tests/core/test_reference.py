from collections import Counter

from sqlmodel import select

from core.reference.countries import country_choices
from core.reference.models import Country


def test_the_193_member_states_with_their_regional_groups(session):
    members = session.exec(select(Country).where(Country.is_un_member)).all()
    assert len(members) == 193
    assert Counter(c.regional_group for c in members) == {"AFR": 54, "APAC": 54, "EEG": 23, "GRULAC": 33, "WEOG": 29}
    kenya = session.get(Country, "KE")
    assert (kenya.iso3, kenya.m49, kenya.regional_group) == ("KEN", 404, "AFR")
    assert session.get(Country, "US").regional_group == "WEOG"


def test_non_member_observer_states_have_no_regional_group(session):
    palestine = session.get(Country, "PS")
    assert palestine.is_un_member is False and palestine.regional_group is None


def test_territories_can_be_recorded(runner, session):
    result = runner.invoke(args=["countries", "add-territory", "--iso2", "xk", "--iso3", "XKX", "--name", "Kosovo"])
    assert result.exit_code == 0, result.output
    assert session.get(Country, "XK").regional_group is None
    again = runner.invoke(args=["countries", "add-territory", "--iso2", "XK", "--iso3", "XKX", "--name", "Kosovo"])
    assert again.exit_code != 0 and "already recorded" in again.output


def test_country_choices_are_named_and_sorted_in_the_readers_language(session):
    names = dict(country_choices(session, "fr"))
    assert names["DE"] == "Allemagne" and names["CI"] == "Côte d’Ivoire"
    spanish = [name for _, name in country_choices(session, "es")]
    assert spanish == sorted(spanish, key=str.casefold)
