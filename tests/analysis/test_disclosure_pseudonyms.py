"""Keyed pseudonyms for respondents."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from analysis.disclosure import pseudonyms


def test_pseudonyms_are_keyed_hashes_that_do_not_show_the_key_or_the_id():
    ids = pd.Series([101, 102, 101, None], index=[4, 5, 6, 7], name="respondent")
    first = pseudonyms(ids, b"release-key-1")
    assert first[4] == hmac.new(b"release-key-1", b"101", hashlib.sha256).hexdigest()[:16]
    assert first[4] == first[6] and first[4] != first[5]
    assert first[7] is None
    assert first.index.tolist() == [4, 5, 6, 7]
    assert all("101" not in p and "release" not in p for p in first.dropna())


def test_another_key_gives_unlinkable_pseudonyms():
    ids = pd.Series(range(1000))
    assert not set(pseudonyms(ids, b"key-a")) & set(pseudonyms(ids, b"key-b"))
    assert pseudonyms(ids, b"key-a").equals(pseudonyms(ids, b"key-a"))


def test_length_and_key_are_checked():
    assert pseudonyms(pd.Series(["x"]), b"k", length=32).str.len().tolist() == [32]
    with pytest.raises(ValueError):
        pseudonyms(pd.Series(["x"]), b"")
    with pytest.raises(ValueError):
        pseudonyms(pd.Series(["x"]), b"k", length=65)
