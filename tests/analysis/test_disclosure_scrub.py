"""Free-text scrubbing: emails, URLs, phone numbers of every region, registry names in any script."""

from __future__ import annotations

import re
import time
import unicodedata

import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat

from analysis.disclosure import Scrubber
from analysis.disclosure.names import fold

FAST = settings(max_examples=200, deadline=None)
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
FORMATS = (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164)
NAMES = [
    "José Álvarez",
    "Zoë Ångström-Lefèvre",
    "Иван Петров",
    "Ёлкина",
    "محمد علي",
    "王小明",
    "Nguyễn Thị Minh",
    "O'Brien",
    "Kwame Nkrumah",
]
ORGANISATIONS = ["Université de Genève", "Fundación Biodiversidad", "中国科学院", "Российская академия наук"]
FILLER = [
    "the",
    "survey",
    "was",
    "useful",
    "we",
    "met",
    "in",
    "spring",
    "and",
    "talked",
    "with",
    "about",
    "report",
    "très",
    "bien",
    "спасибо",
    "شكرا",
    "很好",
    "120",
    "members",
    "2019-2021",
]


@pytest.fixture(scope="module")
def everywhere():
    return Scrubber(names=NAMES, organisations=ORGANISATIONS, phone_regions=REGIONS)


def examples():
    for region in REGIONS:
        number = phonenumbers.example_number(region)
        if number is not None:
            for style in FORMATS:
                yield region, phonenumbers.format_number(number, style)


def test_example_numbers_of_every_region_are_found_in_every_format(everywhere):
    missed = [
        (region, text)
        for region, text in examples()
        if everywhere.scrub(f"Call me on {text} tomorrow.") != "Call me on [phone] tomorrow."
    ]
    assert missed == []


def test_national_numbers_are_found_with_only_their_own_region_listed():
    missed = []
    for region, text in examples():
        if Scrubber([], [], [region]).scrub(f"tel:{text}, thanks") != "tel:[phone], thanks":
            missed.append((region, text))
    assert missed == []


def test_without_regions_only_international_numbers_are_found():
    scrubber = Scrubber([], [], [])
    assert scrubber.scrub("+33 1 42 68 53 00 or 01 42 68 53 00") == "[phone] or 01 42 68 53 00"


def test_emails_urls_and_numbers_next_to_each_other():
    scrubber = Scrubber([], [], ["FR", "GB"])
    text = (
        "Mail ana.b+x@example.org, ana (at) example.org or see https://ipbes.net/a?b=1). "
        "Phones: 06 12 34 56 78 07 81 22 33 44 and (+44) 20 7946 0958; www.example.com."
    )
    assert scrubber.scrub(text) == ("Mail [email], [email] or see [url]). Phones: [phone] [phone] and [phone]; [url].")


def test_dates_years_and_small_counts_are_kept():
    scrubber = Scrubber([], [], REGIONS)
    text = "In 2019-2021 we had 120 members; we met on 2021-03-15 and 15/03/2021."
    assert scrubber.scrub(text) == text


def test_names_ignore_case_accents_and_find_chinese_inside_words(everywhere):
    assert everywhere.scrub("JOSE ALVAREZ and josé álvarez") == "[name] and [name]"
    assert everywhere.scrub("иван петров сказал, ЕЛКИНА тоже") == "[name] сказал, [name] тоже"
    assert everywhere.scrub("قال محمد علي ومحمد علي") == "قال [name] [name]"
    assert everywhere.scrub("我是王小明的朋友,在中国科学院工作") == "我是[name]的朋友,在[organisation]工作"
    assert everywhere.scrub("Universite de geneve, obrienne, O’Brien") == "[organisation], obrienne, [name]"


def test_names_are_whole_words_in_spaced_scripts(everywhere):
    assert everywhere.scrub("Kwame Nkrumahs and Nkrumah Kwame") == "Kwame Nkrumahs and Nkrumah Kwame"


def test_a_name_inside_an_email_is_removed_with_it(everywhere):
    assert everywhere.scrub("jose.alvarez@unige.ch") == "[email]"


def test_series_keep_missing_values_and_count_replacements(everywhere):
    series = pd.Series(["José Álvarez <jose@x.org>", None, 612345678, "fine"], index=[3, 5, 7, 9])
    scrubbed, counts = everywhere.scrub_series(series)
    assert scrubbed.tolist() == ["[name] <[email]>", None, "[phone]", "fine"]
    assert scrubbed.index.tolist() == [3, 5, 7, 9]
    assert counts == {"[email]": 1, "[url]": 0, "[phone]": 1, "[name]": 1, "[organisation]": 0}
    assert everywhere.scrub(None) is None


def variants(name: str):
    stripped = "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn")
    return st.sampled_from([name, name.upper(), name.lower(), stripped, unicodedata.normalize("NFD", name)])


personal = st.one_of(
    st.sampled_from(NAMES + ORGANISATIONS).flatmap(variants),
    st.builds(
        lambda user, host: f"{user}@{host}.org",
        st.from_regex(r"[a-z][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True),
        st.from_regex(r"[a-z]{2,10}", fullmatch=True),
    ),
    st.builds(
        lambda region, style: phonenumbers.format_number(phonenumbers.example_number(region), style),
        st.sampled_from([r for r in REGIONS if phonenumbers.example_number(r) is not None]),
        st.sampled_from(FORMATS),
    ),
)


@FAST
@given(
    st.lists(st.one_of(st.sampled_from(FILLER), personal), min_size=1, max_size=12),
    st.sampled_from([" ", ", ", "; ", "\n"]),
)
def test_no_email_phone_or_name_survives(everywhere, pieces, separator):
    out = everywhere.scrub(separator.join(pieces))
    assert "@" not in out
    digits = "".join(re.findall(r"\d", out))
    for piece in pieces:
        piece_digits = "".join(re.findall(r"\d", piece))
        if len(piece_digits) >= 4 and piece not in FILLER:
            assert piece_digits not in digits
    folded = fold(out)[0]
    for name in NAMES + ORGANISATIONS:
        if name in ("王小明", "中国科学院"):  # found inside words: the characters themselves must be gone
            assert name not in out
        else:
            assert not re.search(rf"(?<!\w){re.escape(fold(name)[0])}(?!\w)", folded)


def test_a_hundred_thousand_names_stay_fast():
    names = [f"Name{i} Family{i}" for i in range(100_000)]
    started = time.perf_counter()
    scrubber = Scrubber(names=names, organisations=[f"Institute {i}" for i in range(10_000)], phone_regions=REGIONS)
    texts = pd.Series([f"I met Name{i} Family{i} from Institute {i % 10_000} on day {i % 28}" for i in range(2_000)])
    scrubbed, counts = scrubber.scrub_series(texts)
    elapsed = time.perf_counter() - started
    assert counts["[name]"] == 2_000 and counts["[organisation]"] == 2_000
    assert scrubbed[5] == "I met [name] from [organisation] on day 5"
    assert elapsed < 30, f"{elapsed:.1f} s"
