"""What a page is: its path and title (`Page`), what it is given to build itself (`View`: the
selection, the user's scope and language, and the builder over the selected frames, created on
first use: not every page needs it), and what it builds (`PageContent`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from dashboards import data
from dashboards.filters import Filters
from dashboards.scope import Scope
from dashboards.selection import Selection
from presentation.builder import Builder
from presentation.labels import Labeller
from presentation.model import Section


@dataclass(frozen=True)
class Page:
    path: str  # under /dashboard/, "" for the overview
    title: object  # lazy string
    build: Callable  # View -> PageContent
    controls: Callable | None = None  # View -> the page's own controls (components)


@dataclass
class View:
    selection: Selection
    scope: Scope
    lang: str
    compare: object = None  # () -> {label: Selection}: a focal point's region and all countries, made on demand

    @property
    def filters(self) -> Filters:
        return self.selection.filters

    @cached_property
    def comparisons(self) -> dict:
        return self.compare() if self.compare is not None else {}

    @cached_property
    def lab(self) -> Labeller:
        return Labeller(self.lang)

    @cached_property
    def builder(self) -> Builder:
        return builder_for(self.selection, self.lang)


def builder_for(selection: Selection, lang: str) -> Builder:
    """A builder over the selection; indicator results are shared by every page and language that
    looks at the same selection (they hold codes and numbers, no words), and the parts read from the
    registry alone by every wave seen with the same registry and population filters, impact's counts
    of its records by every view with the same records and the same filters on them."""
    results = data.remembered(f"dashboard:results:{selection.key}:{selection.filters.query()}", dict)
    of_registry = data.remembered(f"dashboard:registry-results:{selection.registry_key}", dict)
    of_records = data.remembered(f"dashboard:impact-results:{selection.impact_key}", dict)
    history = selection.data.history
    return Builder(
        selection.data,
        lang,
        as_figures=True,
        weighted=(history, selection.weighting),
        results=results,
        registry_results=of_registry,
        records_results=of_records,
    )


@dataclass
class PageContent:
    """A page's body: sections in the presentation model's types (cards, figures with their tables,
    tables, caveats and notes), rendered to Dash components by `components` and to files by
    `downloads`."""

    title: str
    sections: list[Section]
    intro: list[str] = field(default_factory=list)


def without_place(filters: Filters, regional_group: str | None = None) -> Filters:
    return replace(filters, country=None, regional_group=regional_group)
