"""A `Section` per indicator group (`group_section`), and the survey results (`survey.survey_section`):
each module turns the builder's results for its group into a headline card, figures and tables."""

from __future__ import annotations

from collections.abc import Callable

from presentation.builder import Builder
from presentation.model import Section
from presentation.sections import capacity, commitment, communication, diversity, impact, participation

GROUP_SECTIONS: dict[str, Callable[[Builder], Section]] = {
    "commitment": commitment.section,
    "capacity": capacity.section,
    "participation": participation.section,
    "diversity": diversity.section,
    "impact": impact.section,
    "communication": communication.section,
}


def group_section(builder: Builder, group: str) -> Section:
    return GROUP_SECTIONS[group](builder)
