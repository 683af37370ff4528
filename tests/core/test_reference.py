from collections import Counter

from sqlmodel import select

from core.collation import sort_key
from core.reference.countries import country_choices, country_name
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
    assert names["DE"] == "Allemagne" and names["CI"] == "Côte d'Ivoire"
    french = [name for _, name in country_choices(session, "fr")]
    assert french.index("Allemagne") < french.index("Géorgie")
    english = [name for _, name in country_choices(session, "en")]
    assert english.index("Côte d'Ivoire") < english.index("Croatia") < english.index("Czechia")


def test_countries_carry_the_uns_names_without_their_article(session):
    english = dict(country_choices(session, "en"))
    assert english["CD"] == "Democratic Republic of the Congo" and english["CG"] == "Congo"
    assert (english["MM"], english["KN"], english["BA"]) == (
        "Myanmar",
        "Saint Kitts and Nevis",
        "Bosnia and Herzegovina",
    )
    assert english["PS"] == "State of Palestine"
    assert dict(country_choices(session, "fr"))["US"] == "États-Unis d'Amérique"
    assert dict(country_choices(session, "es"))["TR"] == "Türkiye"
    assert country_name("BO", "ru") == "Боливия (Многонациональное Государство)"  # not an article: kept


def test_a_territory_that_is_not_a_state_keeps_a_neutral_name():
    assert country_name("XK", "fr") == "Kosovo" and country_name("HK", "en") == "Hong Kong SAR China"


def test_collation_puts_accented_letters_among_their_base_letters():
    assert sorted(["Czechia", "Croatia", "Côte d'Ivoire"], key=sort_key("en")) == [
        "Côte d'Ivoire",
        "Croatia",
        "Czechia",
    ]
    assert sorted(["Géorgie", "Égypte", "Allemagne"], key=sort_key("fr")) == ["Allemagne", "Égypte", "Géorgie"]


def test_language_choices_are_sorted_in_the_readers_language():
    from core.i18n import language_choices

    assert [name for _, name in language_choices("fr")] == [
        "anglais",
        "arabe",
        "chinois",
        "espagnol",
        "français",
        "russe",
    ]
    assert [code for code, _ in language_choices("en")] == ["ar", "zh", "en", "fr", "ru", "es"]
