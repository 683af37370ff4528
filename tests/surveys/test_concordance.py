"""The concordance between instrument versions (issue 16): the plan of a comparison, the entries the
secretariat saves, the proposals, and the pages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from analysis.harmonise import MAPPED, NONE, REFUSED, SAME
from surveys import concordance, concordance_pages
from surveys.concordance_models import ChoiceMatch, QuestionMatch
from surveys.definition import Choice, Definition, Page, Question
from tests.factories import make_instrument_version, make_wave, six


def _definition(questions: dict, form_id: str) -> Definition:
    """questions: name -> (type, choices or None, label)."""
    items, lists = [], {}
    for name, (kind, choices, text) in questions.items():
        list_name = f"{name}_list" if choices else None
        items.append(Question(name=name, type=kind, labels=six(text), list_name=list_name))
        if choices:
            lists[list_name] = tuple(Choice(name=c, labels=six(c.title())) for c in choices)
    return Definition(form_id, "1", six("S"), (Page("p", six("P"), tuple(items)),), lists)


OLD = {
    "motivation": ("select_multiple", ("networking", "learning", "funding"), "Why do you take part?"),
    "sector": ("select_one", ("public", "private"), "Your sector"),
    "years": ("integer", None, "Years"),
    "heard": ("select_one", ("yes", "no"), "Did you hear of IPBES?"),
}
NEW = {
    "motivation": ("select_multiple", ("networking", "peers", "learning", "funding", "duty"), "Why do you take part?"),
    "sector": ("select_one", ("private", "public"), "Your sector"),
    "years": ("integer", None, "Years"),
    "aware": ("select_one", ("yes", "no", "unsure"), "Did you hear of IPBES?"),
}


@pytest.fixture
def versions(session):
    old = make_instrument_version(session, definition=_definition(OLD, "old"), code="survey-2019")
    new = make_instrument_version(session, definition=_definition(NEW, "new"), code="annual-survey")
    return old, new


def test_questions_compare_as_they_are_only_with_the_same_choices(session, versions):
    old, new = versions
    plan = concordance.plan_between(session, old.id, new.id)
    assert plan.status("sector") == SAME  # the same choices in another order
    assert plan.status("years") == SAME
    assert plan.status("motivation") == REFUSED
    assert plan.status("aware") is None  # no question of that name before, and no entry
    assert concordance.plan_between(session, new.id, new.id).status("motivation") == SAME


def test_a_several_to_one_entry_maps_the_later_choices_into_the_earlier_set(session, versions, app):
    old, new = versions
    links = (("networking", "networking"), ("networking", "peers"), ("learning", "learning"))
    with app.test_request_context():
        concordance.save_match(
            session, data=concordance.MatchData(old.id, new.id, "motivation", "motivation", MAPPED, links)
        )
        concordance.save_match(session, data=concordance.MatchData(old.id, new.id, "", "aware", NONE))
    link = concordance.plan_between(session, old.id, new.id).link("motivation")
    assert link.status == MAPPED
    assert [(c.code, c.earlier, c.later) for c in link.categories] == [
        ("networking", ("networking",), ("networking", "peers")),
        ("learning", ("learning",), ("learning",)),
    ]  # funding and duty: no equivalent
    assert concordance.plan_between(session, old.id, new.id).status("aware") == NONE
    # Saving again replaces the entry.
    with app.test_request_context():
        concordance.save_match(
            session,
            data=concordance.MatchData(old.id, new.id, "motivation", "motivation", MAPPED, (("funding", "funding"),)),
        )
    assert len(session.exec(select(QuestionMatch)).all()) == 2
    assert [(r.earlier_choice, r.later_choice) for r in session.exec(select(ChoiceMatch))] == [("funding", "funding")]


@pytest.mark.parametrize(
    "data",
    [
        concordance.MatchData(0, 0, "motivation", "motivation", MAPPED, (("networking", "networking"),)),
        concordance.MatchData(None, None, "nothing", "motivation", MAPPED, (("networking", "networking"),)),
        concordance.MatchData(None, None, "sector", "motivation", MAPPED, (("public", "networking"),)),
        concordance.MatchData(None, None, "motivation", "motivation", MAPPED, (("mandate", "networking"),)),
        concordance.MatchData(None, None, "motivation", "motivation", MAPPED, ()),
    ],
)
def test_entries_that_make_no_sense_are_refused(session, versions, app, data):
    old, new = versions
    ids = (old.id, old.id) if data.earlier_version_id == 0 else (old.id, new.id)
    data = replace(data, earlier_version_id=ids[0], later_version_id=ids[1])
    with app.test_request_context(), pytest.raises(concordance.ConcordanceError):
        concordance.save_match(session, data=data)
    assert session.exec(select(QuestionMatch)).first() is None


def test_proposals_pair_questions_by_name_or_label_and_choices_by_name(session, versions):
    old, new = versions
    proposals = {p.later_question: p for p in concordance_pages.proposals(session, old.id, new.id)}
    assert set(proposals) == {"motivation", "aware"}
    assert proposals["aware"].earlier_question == "heard"  # the same label
    assert set(proposals["aware"].links) == {("yes", "yes"), ("no", "no")}
    assert set(proposals["motivation"].links) == {
        ("networking", "networking"),
        ("learning", "learning"),
        ("funding", "funding"),
    }


def test_the_secretariat_keeps_the_concordance_on_its_pages(client, session, secretariat, versions):
    old, new = versions
    make_wave(session, version=old, name="Survey 2019", year=2019, status="closed")
    make_wave(session, version=new, name="Annual survey 2024", year=2024, status="closed")
    index = client.get("/staff/surveys/concordance").get_data(as_text=True)
    pair = f"/staff/surveys/concordance/{old.id}/{new.id}"
    assert pair in index
    page = client.get(pair).get_data(as_text=True)
    assert "Choices differ: not compared until matched" in page and "Proposals" in page
    accepted = client.post(f"{pair}/proposals", data={"question": ["aware"]})
    assert accepted.status_code == 302
    assert concordance.plan_between(session, old.id, new.id).link("aware").earlier == "heard"
    form = client.get(f"{pair}/questions/motivation").get_data(as_text=True)
    assert 'name="link-peers"' in form
    saved = client.post(
        f"{pair}/questions/motivation",
        data={"earlier_question": "motivation", "link-networking": "networking", "link-peers": "networking"},
    )
    assert saved.status_code == 302
    link = concordance.plan_between(session, old.id, new.id).link("motivation")
    assert [c.later for c in link.categories] == [("networking", "peers")]
    none = client.post(f"{pair}/questions/sector", data={"earlier_question": "__none__"})
    assert none.status_code == 302
    assert concordance.plan_between(session, old.id, new.id).status("sector") == NONE
    match = session.exec(select(QuestionMatch).where(QuestionMatch.later_question == "sector")).one()
    client.post(f"/staff/surveys/concordance/matches/{match.id}/delete")
    assert concordance.plan_between(session, old.id, new.id).status("sector") == SAME
