"""Search keys: names compared without case or accents, in any script."""

import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """`text` without control characters other than tab, CR and LF (PostgreSQL refuses NUL)."""
    return CONTROL_CHARACTERS.sub("", text)


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
