"""A page per indicator group: the report's section for that group (headline card, summary
tables, charts with their tables, caveats), over the filtered frames."""

from __future__ import annotations

from dashboards.view import PageContent, View
from presentation.sections import group_section


def builder(group: str):
    def build(view: View) -> PageContent:
        section = group_section(view.builder, group)
        return PageContent(section.title, [section])

    return build
