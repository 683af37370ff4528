"""The columns of a repeat's table in the tidy frame are typed as the responses frame's are."""

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from surveys.definition import Choice, Page, Question, Repeat
from surveys.frame import responses_frame
from surveys.frame_repeats import _columns, repeat_frames
from surveys.models import Answer
from tests.factories import make_definition, make_instrument_version, make_response, make_wave, six

CHOICES = (Choice("bus", six("Bus")), Choice("car", six("Car")))


def _values(text=None, number=None, day=None):
    return pd.DataFrame({"value_text": text, "value_number": number, "value_date": day})


def test_choices_numbers_and_dates_are_typed_and_unanswered_instances_stay_missing():
    multiple = Question(name="how", type="select_multiple", labels=six("How?"), list_name="ways")
    columns = _columns(multiple, CHOICES, _values(text=["bus car", "car", None]))
    assert list(columns) == ["how__bus", "how__car"]
    assert np.array_equal(columns["how__bus"], [1.0, 0.0, np.nan], equal_nan=True)
    one = Question(name="main", type="select_one", labels=six("Main?"), list_name="ways")
    assert list(_columns(one, CHOICES, _values(text=["car", None]))["main"].categories) == ["bus", "car"]
    when = Question(name="when", type="date", labels=six("When?"))
    assert str(_columns(when, (), _values(day=[date(2026, 1, 2), None]))["when"][0])[:10] == "2026-01-02"


def test_a_repeats_answers_never_fill_an_old_versions_top_level_question_of_the_same_name(session, backend):
    """Version 1 asked `comments` once per response; version 2 asks it per member of a repeat. The
    responses frame keeps version 1's column, with only the top-level answers in it."""
    old = make_instrument_version(session)
    definition = make_definition(version="2")
    comments = definition.question("comments")
    member = Repeat(name="member", labels=six("Member"), items=(comments,))
    pages = tuple(
        replace(page, items=tuple(i for i in page.items if getattr(i, "name", "") != "comments"))
        for page in definition.pages
    )
    new = make_instrument_version(
        session, definition=replace(definition, pages=(*pages, Page("members", six("Members"), (member,))))
    )
    first = make_wave(session, version=old, name="Survey 2025", year=2025)
    second = make_wave(session, version=new, name="Survey 2026", year=2026)
    before = make_response(session, first, {"engaged": "yes", "comments": "Once"})
    after = make_response(session, second, {"engaged": "no"})
    session.add(Answer(response_id=after.id, question="comments", instance=1, value_text="First member"))
    session.add(Answer(response_id=after.id, question="comments", instance=2, value_text="Second member"))
    session.commit()

    frame = responses_frame(session, [first.id, second.id]).set_index("response_id")
    assert frame.loc[before.id, "comments"] == "Once"
    assert pd.isna(frame.loc[after.id, "comments"])  # not one of the members' answers
    members = repeat_frames(session, [first.id, second.id])["member"]
    assert members["comments"].tolist() == ["First member", "Second member"]
