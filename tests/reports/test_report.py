"""`flask report`: one self-contained HTML file, in the language asked for, with nothing from the internet."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from html.parser import HTMLParser

from flask_babel import force_locale
from sqlmodel import select

from presentation.disclosure import Disclosure
from presentation.headline import RegionalShare
from reports.build import build_report
from reports.data import load
from surveys.models import Wave
from tests.reading import translated

GROUPS = ("commitment", "capacity", "participation", "diversity", "impact", "communication")
WAVE = "Annual survey 2026"


def _report(runner, tmp_path, *waves, lang="fr"):
    out = tmp_path / f"report-{lang}.html"
    args = ["report", "--lang", lang, "--out", str(out)]
    for wave in waves:
        args += ["--wave", wave]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


class Links(HTMLParser):
    """Every address the browser would load or follow: src/href attributes and url() in CSS."""

    def __init__(self):
        super().__init__()
        self.addresses, self.script_sources, self._in_style = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "data", "srcset", "poster", "action"):
            if attrs.get(name):
                self.addresses.append(attrs[name])
        if tag == "script" and "src" in attrs:
            self.script_sources.append(attrs["src"])
        self.addresses += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs.get("style") or "")
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.addresses += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.addresses += re.findall(r"@import\s+['\"]?([^'\";]+)", data)

    def handle_endtag(self, tag):
        self._in_style = False


def test_french_report_is_self_contained_and_covers_every_group(app, seeded, tmp_path):
    page = _report(seeded, tmp_path, WAVE, lang="fr")

    assert re.search(r'<html lang="fr" dir="ltr"', page)
    assert WAVE in page
    for group in GROUPS:
        assert f'<section class="report-section" id="{group}">' in page
    assert 'id="survey"' in page and 'id="methods"' in page
    assert page.count('class="plotly-graph-div"') >= 6
    # Labels in the report's language: regional groups and survey choices come translated.
    text = html.unescape(page)
    assert "États d'Afrique" in text
    assert translated(app, "fr", "Level of participation") in text
    assert translated(app, "fr", "Survey results") in text
    # The key questions, in the instrument's own French, with the agreement items' summary.
    assert "Quels produits de l'IPBES avez-vous utilisés au cours des 12 derniers mois ?" in text
    assert translated(app, "fr", "Agreement items: share in the two most favourable levels") in text
    # A multiple-choice question's figure says what its shares are of (the instrument's default base).
    assert translated(app, "fr", "Shares of respondents who ticked at least one choice.") in text
    assert "l'ONU" in text and "l'onu" not in text  # acronyms keep their capitals inside titles

    links = Links()
    links.feed(page)
    assert links.script_sources == []  # plotly.js is inline, once
    assert page.count("Plotly.newPlot") >= 6
    external = [a for a in links.addresses if re.match(r"\s*(https?:)?//", a)]
    assert external == []


def test_arabic_report_reads_right_to_left(app, seeded, tmp_path):
    page = _report(seeded, tmp_path, WAVE, lang="ar")

    assert re.search(r'<html lang="ar" dir="rtl"', page)
    text = html.unescape(page)
    assert translated(app, "ar", "Diversity") in text
    assert (
        translated(app, "ar", "African States") in text and translated(app, "ar", "African States") != "African States"
    )


def test_two_waves_are_compared(seeded, tmp_path):
    page = _report(seeded, tmp_path, "Annual survey 2025", WAVE, lang="en")

    assert "Annual survey 2025: respondents" in page and f"{WAVE}: respondents" in page
    assert f"Change from Annual survey 2025 to {WAVE}" in page
    assert "Benjamini-Hochberg" in page and "Adjusted p-value" in page


def test_wave_names_are_never_markup(seeded, session, tmp_path):
    wave = session.exec(select(Wave).where(Wave.name == WAVE)).one()
    wave.name = '<script>alert("x")</script> <b>2026</b>'
    session.add(wave)
    session.commit()

    page = _report(seeded, tmp_path, str(wave.id), lang="en")

    assert '<script>alert("x")' not in page and "<b>2026</b>" not in page
    assert "&lt;script&gt;alert" in page  # shown as text in the HTML...
    # ...and inside the figures, where plotly would otherwise draw <b> as bold.
    assert "\\u003cb\\u003e2026" not in page and "&lt;b&gt;2026&lt;\\u002fb&gt;" in page


def test_unknown_wave_is_a_clear_error(seeded, tmp_path):
    out = tmp_path / "report.html"
    result = seeded.invoke(args=["report", "--wave", "No such wave", "--lang", "fr", "--out", str(out)])

    assert result.exit_code != 0
    assert "No survey wave" in result.output and "No such wave" in result.output
    assert not out.exists()


def test_unsupported_language_is_refused(seeded, tmp_path):
    result = seeded.invoke(args=["report", "--wave", WAVE, "--lang", "de", "--out", str(tmp_path / "r.html")])

    assert result.exit_code != 0 and "de" in result.output


def test_a_countrys_report_has_the_regional_share_as_its_diversity_card(app, seeded, session):
    data = load(session, [WAVE])
    share = RegionalShare(country_n=40, region_n=400, country_people=5e6, region_people=1e8)
    with app.test_request_context(), force_locale("en"):
        context = build_report(data, "en", disclosure=Disclosure(5), regional_share=share)
        plain = build_report(data, "en")

    card = next(card for card in context["cards"] if card.group == "diversity")
    assert card.code == "regional_share" and card.value == "2.00" and card.n == 40  # 10% of the region, 5% of people
    assert next(c for c in plain["cards"] if c.group == "diversity").code == "regional_evenness"
    section = next(s for s in context["sections"] if s.id == "diversity")
    assert section.card is card


def test_the_indicator_groups_honour_a_questions_base(app, seeded, session):
    data = load(session, [WAVE])
    catalog = data.catalog.copy()
    catalog.loc[catalog["name"] == "barriers", "base"] = "shown"
    shown = replace(data, catalog=catalog)
    with app.test_request_context(), force_locale("en"):
        answered_report, shown_report = build_report(data, "en"), build_report(shown, "en")

    def barriers(context):
        section = next(s for s in context["sections"] if s.id == "capacity")
        return next(f.table for f in section.figures if f.title.startswith("Barriers"))

    assert barriers(answered_report).note == "Shares of respondents who ticked at least one choice."
    assert barriers(shown_report).note == "Shares of respondents shown the question."
    n = [int(row.cells[2].replace(",", "")) for row in barriers(answered_report).rows]
    m = [int(row.cells[2].replace(",", "")) for row in barriers(shown_report).rows]
    assert all(b >= a for a, b in zip(n, m))  # those shown it who ticked nothing join the base
