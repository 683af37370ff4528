"""The dashboard's pages: each has a path under /dashboard/, a title, its own controls (besides the
filter bar every page has) and a function from a `View` to its `PageContent`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from reports.build import GROUP_TITLES


@dataclass(frozen=True)
class Page:
    path: str  # under /dashboard/, "" for the overview
    title: object  # lazy string
    build: Callable  # View -> PageContent
    controls: Callable | None = None  # (View-less) (filters, context) -> list of components
    filter_names: tuple[str, ...] = ("wave", "regional_group", "country", "category", "gender", "knowledge_system")
    extra: dict = field(default_factory=dict)


def pages() -> list[Page]:
    from dashboards.pages import diversity, explorer, groups, map, overview

    found = [Page("", _l("Overview"), overview.build)]
    found += [Page(f"group/{group}", title, groups.builder(group)) for group, title in GROUP_TITLES.items()]
    return found + [explorer.PAGE, map.PAGE, diversity.PAGE]


def page_for(pathname: str | None) -> Page | None:
    path = (pathname or "").split("/dashboard/", 1)[-1].strip("/")
    for page in pages():
        if page.path == path:
            return page
    return None
