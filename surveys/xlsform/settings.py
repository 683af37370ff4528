"""The settings sheet: form_id, version, default language and the form's title.

As pyxform does, a form without a settings sheet or without `form_id` takes its id from the file
name, and a form without a title takes its id as title. The default language may be written as
`English (en)`, `en`, or a name of the language in any of the six UN languages; plain `label`
columns are in that language (English when the settings do not say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from surveys.definition import Labels
from surveys.xlsform.columns import NAME, language_code
from surveys.xlsform.problems import IGNORED, FormProblem
from surveys.xlsform.sheets import Sheet, six

PLAIN = "default"  # the language key of a plain `form_title` column before the default language is known


@dataclass
class Settings:
    form_id: str = ""
    version: str = ""
    default_language: str | None = "en"  # None: a language other than the six
    titles: Labels = field(default_factory=dict)


def name_from(text: str) -> str:
    """A valid XLSForm name made of `text`, as pyxform makes one of a file name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "form"
    return name if NAME.match(name) else f"_{name}"


def default_language(sheet: Sheet | None, problems: list[FormProblem]) -> str | None:
    """The code of the settings' default language (English when not given), None for another language."""
    number, cells = sheet.rows[0] if sheet and sheet.rows else (0, {})
    written = cells.get("default_language", "")
    code = language_code(written, "en")
    if code is None:
        problems.append(
            FormProblem(
                "settings",
                number,
                "default_language",
                _l("this column is left aside"),
                kind=IGNORED,
                detail=f"default_language {written}",
            )
        )
    return code


def parse_settings(sheet: Sheet | None, problems: list[FormProblem], filename: str) -> Settings:
    settings = Settings(default_language=default_language(sheet, problems))
    number, cells = sheet.rows[0] if sheet and sheet.rows else (2, {})
    settings.version = cells.get("version", "")
    written = cells.get("form_id", "")
    settings.form_id = written or name_from(PurePath(filename).stem)
    if not NAME.match(settings.form_id):
        settings.form_id = name_from(written)
        problems.append(
            FormProblem(
                "settings",
                number,
                "form_id",
                _l("'%(name)s' is not a valid name: read as %(id)s", name=written, id=settings.form_id),
                kind=IGNORED,
                detail=f"form_id {written}",
            )
        )
    plain = sheet.translated.get("form_title", {}).pop(PLAIN, None) if sheet else None
    if (
        sheet
        and plain
        and settings.default_language
        and settings.default_language not in sheet.translated["form_title"]
    ):
        sheet.translated["form_title"][settings.default_language] = plain
        cells.setdefault(f"form_title::{settings.default_language}", cells.get(f"form_title::{PLAIN}", ""))
    if sheet and sheet.texts(cells, "form_title"):
        settings.titles = six(sheet, number, cells, "form_title", problems)
    else:  # in the definition's default language: English when the settings name another than the six
        settings.titles = {
            settings.default_language if settings.default_language in LANGUAGES else "en": settings.form_id
        }
    return settings
