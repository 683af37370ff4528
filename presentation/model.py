"""What a report or a dashboard page is made of, already in words: sections of a headline card,
figures (each with the table of its values), tables and notes. Renderers draw these: the report's
template, the dashboard's components, the downloads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    cells: list[str]
    small: bool = False  # fewer than 10 respondents behind the figure: printed in grey
    flagged: bool = False  # e.g. an under-represented group
    # For the disclosure rule (`presentation.disclosure`): the people every figure of the row rests
    # on (its n), and the raw counts of people shown, by column index.
    base: int | None = None
    counts: dict[int, int] = field(default_factory=dict)
    # The smallest count of people the row's figures are computed from, the row not being one group of a
    # partition (an index over groups): a small one hides the row's figures, with no secondary suppression.
    least: int | None = None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[Row]
    note: str = ""
    text_columns: int = 1  # leading columns of words; the rest are numbers, aligned to the end
    # For the disclosure rule: a figure's column -> the count columns it derives from, and the
    # counts of people the note states (a small one drops the note).
    rests_on: dict[int, tuple[int, ...]] = field(default_factory=dict)
    note_counts: tuple[int, ...] = ()
    # The figures as a download wants them, one value a cell: (columns, rows) with numbers as numbers (an estimate,
    # its bounds and n in columns of their own). None: the shown cells are what is downloaded.
    data: tuple[list[str], list[list]] | None = None


@dataclass
class Figure:
    title: str
    html: object
    table: Table | None = None
    bases: tuple[int, ...] = ()  # without a table: the n of each thing drawn (for the disclosure rule)


@dataclass
class Card:
    group: str
    title: str
    measure: str
    value: str
    year: str
    change: str
    status: str
    status_label: str
    symbol: str
    base: str = ""  # "n = 412", and whether that is too small for a trend
    small: bool = False  # the base is under the headline minimum: no trend is claimed
    n: int | None = None  # the people the value rests on (for the disclosure rule)
    code: str = ""  # the measure's code (`analysis.indicators` headline measure)
    # The value and change as numbers, for machines (the API): `value` and `change` are their text.
    number: float | None = None
    unit: str = ""  # "share" (0-1), "count", "ratio", ...
    change_number: float | None = None


@dataclass
class Section:
    id: str
    title: str
    card: Card | None = None
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
