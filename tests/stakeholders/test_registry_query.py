import pytest

from core.text import search_key
from stakeholders import registry_query
from stakeholders.registry_query import RegistryFilters, Scope, breakdown, search
from tests.factories import make_organisation, make_stakeholder


def _names(rows):
    return [row.name for row in rows]


def test_public_scope_shows_only_consenting_active_people_of_approved_organisations(session):
    approved = make_organisation(session, name="Approved Institute")
    pending = make_organisation(session, name="Pending Institute", status="pending")
    make_stakeholder(session, name="Listed Person", organisation=approved)
    make_stakeholder(session, name="No Organisation")
    make_stakeholder(session, name="Not Consenting", public_listing=False)
    make_stakeholder(session, name="Waiting Organisation", organisation=pending)
    make_stakeholder(session, name="Deactivated", is_active=False)
    rows, total = search(session, RegistryFilters(), Scope.PUBLIC)
    assert _names(rows) == ["Listed Person", "No Organisation"] and total == 2
    _rows, everyone = search(session, RegistryFilters(), Scope.SECRETARIAT)
    assert everyone == 5


def test_search_ignores_case_and_accents_and_matches_organisations(session):
    institute = make_organisation(session, name="Instituto de Ecología")
    make_stakeholder(session, name="José Núñez")
    make_stakeholder(session, name="Ana Ruiz", organisation=institute)
    assert _names(search(session, RegistryFilters(q="jose nunez"), Scope.PUBLIC)[0]) == ["José Núñez"]
    assert _names(search(session, RegistryFilters(q="ECOLOGIA"), Scope.PUBLIC)[0]) == ["Ana Ruiz"]


def test_filters_by_region_category_and_knowledge_system(session):
    make_stakeholder(session, name="Kenyan Scientist", country="KE", category="science")
    make_stakeholder(session, name="French Holder", country="FR", category="ilk", knowledge_systems=("ilk",))
    make_stakeholder(
        session, name="Peruvian Holder", country="PE", category="ilk", knowledge_systems=("ilk", "scientific")
    )
    assert _names(search(session, RegistryFilters(region="WEOG"), Scope.PUBLIC)[0]) == ["French Holder"]
    assert _names(search(session, RegistryFilters(knowledge_system="ilk", sort="-name"), Scope.PUBLIC)[0]) == [
        "Peruvian Holder",
        "French Holder",
    ]
    assert breakdown(session, "category", RegistryFilters(), Scope.PUBLIC) == {"science": 1, "ilk": 2}
    assert breakdown(session, "knowledge_system", RegistryFilters(), Scope.PUBLIC) == {"scientific": 2, "ilk": 2}


def test_country_scope_cannot_be_widened_by_a_filter(session):
    make_stakeholder(session, name="In Kenya", country="KE", public_listing=False)
    make_stakeholder(session, name="In France", country="FR")
    rows, total = search(session, RegistryFilters(country="FR"), Scope.COUNTRY, country="KE")
    assert _names(rows) == ["In Kenya"] and total == 1


def test_filters_from_query_arguments_ignore_garbage():
    filters = RegistryFilters.from_args({"page": "abc", "sort": "drop table", "per_page": "100000", "q": " x "})
    assert (filters.page, filters.sort, filters.per_page, filters.q) == (1, "name", 100, "x")
    assert filters.as_args(page=2) == {"q": "x", "per_page": 100, "page": 2}


@pytest.mark.parametrize("few", [0, 2000])
def test_name_search_follows_renames_and_erasure_however_many_match(session, monkeypatch, few):
    """On SQLite a search reads a trigram index kept by triggers when its matches are few (`few`),
    and the names themselves otherwise; either way it sees every write."""
    monkeypatch.setattr(registry_query, "FEW_NAME_MATCHES", few)
    martin = make_stakeholder(session, name="Ana Martín")
    make_stakeholder(session, name="Marta Martins")
    make_stakeholder(session, name="Otieno Mwangi")
    assert _names(search(session, RegistryFilters(q="ana mart"), Scope.PUBLIC)[0]) == ["Ana Martín"]
    assert _names(search(session, RegistryFilters(q="martin"), Scope.PUBLIC)[0]) == ["Ana Martín", "Marta Martins"]

    martin.search_name = search_key("Ana Kamau")
    session.add(martin)
    session.commit()
    assert search(session, RegistryFilters(q="ana mart"), Scope.PUBLIC) == ([], 0)
    assert [row.stakeholder_id for row in search(session, RegistryFilters(q="kamau"), Scope.PUBLIC)[0]] == [martin.id]

    session.delete(martin)
    session.commit()
    assert search(session, RegistryFilters(q="kamau"), Scope.PUBLIC) == ([], 0)
    assert _names(search(session, RegistryFilters(q="mwangi"), Scope.PUBLIC)[0]) == ["Otieno Mwangi"]


@pytest.mark.parametrize("few", [0, 2000])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("100%", ["Lab 100% Natural"]),  # a wildcard typed is a character to find
        ("b_n", ["Ana B_Ng"]),
        ("o'bri", ["Siobhán O'Brien"]),
        ('say "hi', ['Say "Hi" Collective']),  # a quote does not end the trigram phrase
        ("王小明", ["王小明"]),
        ("عبد الل", ["عبد الله"]),
        ("ana b", ["Ana B_Ng", "Ana Bang"]),
        ("ana\x00 b", ["Ana B_Ng", "Ana Bang"]),  # a control character typed is left out, not an error
    ],
)
def test_a_name_search_finds_what_was_typed_literally_by_either_path(session, monkeypatch, few, query, expected):
    """The trigram index (SQLite, few matches) and the `LIKE` answer every query alike."""
    monkeypatch.setattr(registry_query, "FEW_NAME_MATCHES", few)
    for name in ("Lab 100% Natural", "Lab 1000 Natural", "Ana B_Ng", "Ana Bang", "Siobhán O'Brien"):
        make_stakeholder(session, name=name)
    for name in ('Say "Hi" Collective', "Say Hi Collective", "王小明", "عبد الله"):
        make_stakeholder(session, name=name)
    assert _names(search(session, RegistryFilters(q=query), Scope.PUBLIC)[0]) == expected
