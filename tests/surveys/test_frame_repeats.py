"""The columns of a repeat's table in the tidy frame are typed as the responses frame's are."""

from datetime import date

import numpy as np
import pandas as pd

from surveys.definition import Choice, Question
from surveys.frame_repeats import _columns
from tests.factories import six

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
