"""Pseudonymous respondent ids from a keyed hash (HMAC-SHA256).

Without the key nobody can recompute an id from a known account or stakeholder id; a fresh
key per release makes two releases impossible to join on it.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd


def pseudonyms(values: pd.Series, key: bytes, length: int = 16) -> pd.Series:
    """HMAC-SHA256 of each value's text (UTF-8) as hex, cut to `length` characters.

    Missing values stay missing. Equal values get equal pseudonyms under the same key, and a
    whole float is hashed as the integer it holds: an id column that pandas turned into floats
    because one value was missing must still link with the same ids in another wave.
    """
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("the key must be non-empty bytes")
    if not 1 <= length <= 64:
        raise ValueError(f"length must be between 1 and 64 hex characters, not {length}")
    key = bytes(key)
    hashes = [
        None if pd.isna(value) else hmac.new(key, _text(value), hashlib.sha256).hexdigest()[:length]
        for value in values.tolist()
    ]
    return pd.Series(hashes, index=values.index, name=values.name, dtype=object)


def _text(value) -> bytes:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).encode("utf-8")
