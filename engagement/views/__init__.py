"""Blueprints of the engagement records, and the template helpers they share."""

from __future__ import annotations

from core.reference.regions import regional_group_label
from engagement import vocabularies as vocab


def template_helpers() -> dict:
    return {
        # record_label("impact_type", code): a code of engagement/vocabularies.py in the reader's language
        "record_label": lambda vocabulary, code: vocab.ALL[vocabulary].label(code),
        "region_label": regional_group_label,
    }
