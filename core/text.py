"""Text as the platform keeps it: labels and codes normalised where they enter, search keys
compared without case or accents, in any script."""

import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """`text` without control characters other than tab, CR and LF (PostgreSQL refuses NUL)."""
    return CONTROL_CHARACTERS.sub("", text)


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    # Control characters go too (a NUL typed in a search would end the query string in SQLite's full-text
    # index and is refused by PostgreSQL); tabs and line breaks are spaces, as below.
    stripped = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    return " ".join(stripped.casefold().split())


LIKE_ESCAPE = "\\"


def contains_pattern(key: str) -> str:
    """A `LIKE` pattern (with `escape=LIKE_ESCAPE`) for text containing `key` as typed: a `%` or `_`
    in a search is a character to find, not a wildcard."""
    escaped = key.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


# Characters that show as nothing but make two equal-looking labels differ ("Male" and "Male\u200b").
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def clean_label(text: str) -> str:
    """A label, code or answer as the platform keeps it: Unicode NFC (one encoding per accented
    letter), without whitespace at either end (non-breaking spaces included) or invisible
    zero-width characters there. Spaces inside are kept (French typography needs its
    non-breaking ones)."""
    return unicodedata.normalize("NFC", text or "").strip().strip(INVISIBLE).strip()
