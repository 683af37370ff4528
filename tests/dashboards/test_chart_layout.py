"""Charts as the dashboard shows them, in every language: counts tick in whole numbers, plotly's own title gives
way to the caption (it does not wrap), long category labels wrap, and numbers follow the language."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_babel import force_locale

from dashboards.components import LABEL_WIDTH, for_screen, wrapped
from presentation.charts import Charts
from presentation.labels import Labeller

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
LONG = "Latin American and Caribbean States"


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@pytest.mark.usefixtures("context")
@pytest.mark.parametrize("top, step", [(2, 1), (5, 1), (60, None)])
def test_counts_tick_in_whole_numbers(top, step):
    figure = Charts(Labeller("en"), as_figures=True).counts(
        "Records", ["2025", "2026"], {"a": [top - 1, 1], "b": [1, 0]}
    )
    assert figure.layout.yaxis.dtick == step and figure.layout.yaxis.tickformat == ",d"


def test_long_labels_wrap_on_words_and_short_ones_stay():
    assert wrapped("Africa") == "Africa"
    lines = wrapped(LONG).split("<br>")
    assert len(lines) > 1 and all(len(line) <= LABEL_WIDTH for line in lines) and " ".join(lines) == LONG


@pytest.mark.usefixtures("context")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_shares_on_screen_in_every_language(lang):
    lab = Labeller(lang)
    with force_locale(lang):
        rows = [
            {"label": LONG, "estimate": 0.46, "low": 0.38, "high": 0.54, "n": 1234},
            {"label": "Africa", "estimate": 0.2, "low": 0.1, "high": 0.3, "n": 8, "small": True},
        ]
        original = Charts(lab, as_figures=True).shares("A title far too long to fit on a phone's screen", rows)
        shown = for_screen(original)
        interval = lab.share_with_interval(0.46, 0.38, 0.54)

    assert shown.layout.title.text is None and original.layout.title.text  # the cached figure is left alone
    assert list(shown.data[0].y) == [wrapped(LONG), "Africa"] == list(shown.layout.yaxis.categoryarray)
    assert shown.layout.height > original.layout.height  # room for the wrapped lines
    ticks = list(shown.layout.xaxis.ticktext)
    assert len(set(ticks)) == len(ticks) == 6 and ticks[-1] == lab.percent(1.0)
    assert len(shown.layout.separators) == 2  # the language's decimal then group symbol
    hover = shown.data[0].customdata[0]
    assert interval in hover and lab.number(1234) in hover


@pytest.mark.usefixtures("context")
def test_one_cached_chart_shown_to_many_readers_at_once():
    """Threaded workers lay out the same cached figure together. plotly's copy takes each trace's type out of the
    source and puts it back, so a copy made meanwhile read a bar as a scatter and the page failed (a 500)."""
    rows = [
        {"label": f"Group {i}", "estimate": 0.5, "low": 0.4, "high": 0.6, "n": 50, "small": i % 2} for i in range(6)
    ]
    for index, row in enumerate(rows):
        row["series"] = f"Wave {index % 3}"
    cached = Charts(Labeller("en"), as_figures=True).shares("Shares", rows, series_key="series")
    failures = []

    def show(_):
        for _ in range(150):
            try:
                assert {trace.type for trace in for_screen(cached).data} == {"bar"}
            except Exception as error:  # noqa: BLE001 (any failure of a reader is the finding)
                failures.append(repr(error))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(show, range(8)))
    assert failures == [] and {trace.type for trace in cached.data} == {"bar"}
