"""Statistical disclosure control for survey microdata, after sdcMicro and the IHSN guidance.

Pure pandas/numpy: k-anonymity of quasi-identifiers (global recoding, then local suppression),
keyed pseudonyms, a free-text scrubber and cell suppression for aggregate tables.
"""

SUPPRESSED_CODE = -8  # in numeric/coded output: a locally suppressed cell
NOT_ANSWERED_CODE = -9  # in numeric/coded output: not answered / missing

from analysis.disclosure.kanonymity import (  # noqa: E402
    AnonymisationResult,
    Recoding,
    RiskSummary,
    frequencies,
    k_anonymise,
    risk_summary,
)
from analysis.disclosure.pseudonyms import pseudonyms  # noqa: E402
from analysis.disclosure.scrub import Scrubber  # noqa: E402
from analysis.disclosure.tables import SuppressedTable, suppress_table  # noqa: E402

__all__ = [
    "NOT_ANSWERED_CODE",
    "SUPPRESSED_CODE",
    "AnonymisationResult",
    "Recoding",
    "RiskSummary",
    "Scrubber",
    "SuppressedTable",
    "frequencies",
    "k_anonymise",
    "pseudonyms",
    "risk_summary",
    "suppress_table",
]
