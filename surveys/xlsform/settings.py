"""The settings sheet: form_id, version, default language and the form's title in six languages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from surveys.definition import Labels
from surveys.xlsform.columns import NAME
from surveys.xlsform.problems import FormProblem
from surveys.xlsform.sheets import Sheet, six


@dataclass
class Settings:
    form_id: str = ""
    version: str = ""
    default_language: str = "en"
    titles: Labels = field(default_factory=dict)


def parse_settings(sheet: Sheet | None, problems: list[FormProblem]) -> Settings:
    settings = Settings()
    if sheet is None or not sheet.rows:
        problems.append(
            FormProblem("settings", 2, "form_id", _l("the settings sheet with form_id and form titles is missing"))
        )
        return settings
    number, cells = sheet.rows[0]
    settings.form_id, settings.version = cells.get("form_id", ""), cells.get("version", "")
    if not settings.form_id:
        problems.append(FormProblem(sheet.name, number, "form_id", _l("the form_id is missing")))
    elif not NAME.match(settings.form_id):
        problems.append(
            FormProblem(
                sheet.name,
                number,
                "form_id",
                _l(
                    "'%(name)s' is not a valid name: use letters, digits and _ and start with a letter",
                    name=settings.form_id,
                ),
            )
        )
    language = cells.get("default_language", "")
    if language:
        match = re.search(r"\(([A-Za-z_-]+)\)\s*$", language)
        if match and match[1] in LANGUAGES:
            settings.default_language = match[1]
        else:
            problems.append(
                FormProblem(
                    sheet.name,
                    number,
                    "default_language",
                    _l("write the language as in the column headers, e.g. English (en)"),
                )
            )
    settings.titles = six(sheet, number, cells, "form_title", problems)
    return settings
