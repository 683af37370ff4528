"""Profile questions (the `profile` column): asked only of respondents not in the registry, so their choices must
be the codes the registry stores."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l

from core.reference.countries import member_state_rows
from stakeholders.vocabularies import CATEGORY, GENDER, STAKEHOLDER_TYPE
from surveys.definition import PROFILE_FIELDS
from surveys.xlsform.choices import Choices
from surveys.xlsform.problems import FormProblem
from surveys.xlsform.survey_rows import SurveyRow


def check_profile(
    sheet: str, row: SurveyRow, profile: str, *, asked: dict[str, int], choices: Choices, problems: list[FormProblem]
) -> None:
    """A profile question: a known field, asked once (`asked`: field -> row), a select_one whose choices are the
    registry's codes."""

    def refuse(column: str, message) -> None:  # not `problem`: the code scan of problem codes reads that name
        problems.append(FormProblem(sheet, row.number, column, message))

    if profile not in PROFILE_FIELDS:
        refuse(
            "profile",
            _l(
                "'%(value)s' is not a profile field; use one of %(fields)s",
                value=profile,
                fields=", ".join(PROFILE_FIELDS),
            ),
        )
        return
    if profile in asked:
        refuse(
            "profile",
            _l(
                "the profile field %(field)s is already asked on row %(row)s",
                field=profile,
                row=asked[profile],
            ),
        )
    asked[profile] = row.number
    if row.type != "select_one":
        refuse("type", _l("a profile question must be select_one"))
        return
    codes = registry_codes()[profile]
    for choice in choices.lists.get(row.list_name or "", ()):
        if choice.name not in codes:
            problems.append(
                FormProblem(
                    "choices",
                    choices.rows[row.list_name, choice.name],
                    "name",
                    _l("'%(name)s' is not a %(field)s code of the registry", name=choice.name, field=profile),
                )
            )


@cache
def registry_codes() -> dict[str, frozenset[str]]:
    """The codes a profile question's choices must use: those the registry stores."""
    return {
        "country": frozenset(row["iso2"] for row in member_state_rows()),
        "category": frozenset(CATEGORY.codes),
        "gender": frozenset(GENDER.codes),
        "stakeholder_type": frozenset(STAKEHOLDER_TYPE.codes),
    }
