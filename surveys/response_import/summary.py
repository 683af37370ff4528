"""What the mapping page shows of an uploaded file, worked out once by the read job.

Reading a file of 100,000 rows takes seconds, so no page reads it: the read job
(`jobs.run_read`) reads the waiting upload, proposes a mapping and keeps this summary as its
result (JSON): the file's description, each column's distinct values with their counts (the most
frequent `KEPT` of them), a few samples, and the proposal. The mapping page, its "show the values"
step and its check button then work from the summary alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from surveys.response_import.plan import Mapping, SourceFile
from surveys.response_import.reading import ROW

KEPT = 1_000  # distinct values kept per column: more than the editor shows (200), enough to propose from
SAMPLE_ROWS = 50
SAMPLES = 3


@dataclass(frozen=True)
class FileSummary:
    source: SourceFile
    counts: dict[str, dict[str, int]]  # column -> value -> rows holding it, most frequent first
    distinct: dict[str, int]  # column -> how many distinct values it has in all
    samples: dict[str, list[str]]
    proposed: Mapping
    saved: bool  # the proposal started from the mapping kept for files of this shape

    def to_dict(self) -> dict:
        return {
            "source": self.source.to_dict(),
            "counts": self.counts,
            "distinct": self.distinct,
            "samples": self.samples,
            "proposed": self.proposed.to_dict(),
            "saved": self.saved,
        }

    @classmethod
    def from_dict(cls, data: dict) -> FileSummary:
        return cls(
            source=SourceFile.from_dict(data["source"]),
            counts=data["counts"],
            distinct=data["distinct"],
            samples=data["samples"],
            proposed=Mapping.from_dict(data["proposed"]),
            saved=bool(data["saved"]),
        )

    def distinct_values(self) -> dict[str, dict[str, None]]:
        """The kept values of each column, as `values.distinct_values` gives them, to propose from."""
        return {key: dict.fromkeys(counts) for key, counts in self.counts.items()}


def column_counts(source: SourceFile, rows: list[dict[str, str]]) -> dict[str, Counter]:
    """Each column's values and how many rows hold each, in the order they first come (one pass)."""
    counters: dict[str, Counter] = {key: Counter() for key in source.columns}
    for row in rows:
        for key, value in row.items():
            if key != ROW:
                counters[key][value] += 1
    return {key: counter for key, counter in counters.items() if counter}


def summarise(
    source: SourceFile, rows: list[dict[str, str]], counters: dict[str, Counter], proposed: Mapping, *, saved: bool
) -> FileSummary:
    samples = {
        key: list(dict.fromkeys(row[key] for row in rows[:SAMPLE_ROWS] if row.get(key)))[:SAMPLES]
        for key in source.columns
    }
    return FileSummary(
        source=source,
        counts={key: dict(counter.most_common(KEPT)) for key, counter in counters.items()},
        distinct={key: len(counter) for key, counter in counters.items()},
        samples={key: found for key, found in samples.items() if found},
        proposed=proposed,
        saved=saved,
    )
