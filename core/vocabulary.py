"""Controlled lists: codes are stored, labels are translated when shown.

Each domain package defines its own lists (stakeholders/vocabularies.py, engagement/vocabularies.py)
with this class; imports accept a code or its English label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    name: str
    labels: dict  # code -> lazy label, in display order

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, code: str | None) -> str:
        return str(self.labels[code]) if code in self.labels else (code or "")

    def choices(self) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in self.labels.items()]

    def parse(self, value: str) -> str | None:
        """A code from a code or an English label (imports accept either), or None."""
        wanted = value.strip().casefold()
        for code, label in self.labels.items():
            if wanted in (code.casefold(), english(label).casefold()):
                return code
        return None


def english(label) -> str:
    """The untranslated msgid of a lazy label (the English text, since English is the source)."""
    return label._args[0]
