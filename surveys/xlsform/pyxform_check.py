"""What pyxform, the reference implementation of XLSForm, says about a workbook our checks passed."""

from __future__ import annotations

import re
from io import BytesIO
from warnings import catch_warnings, simplefilter

from flask_babel import lazy_gettext as _l

from surveys.xlsform.problems import FormProblem
from surveys.xlsform.settings import Settings


def pyxform_problems(data: bytes, settings: Settings) -> list[FormProblem]:
    """What pyxform, the reference implementation of XLSForm, says about the workbook."""
    # pyxform takes about a second to import: loaded when a form is checked, not by every app process.
    from pyxform import builder  # noqa: PLC0415
    from pyxform.errors import PyXFormError  # noqa: PLC0415
    from pyxform.xls2json import get_xlsform, workbook_to_json  # noqa: PLC0415

    try:
        with catch_warnings():
            simplefilter("ignore", UserWarning)  # openpyxl's notes on other programs' files
            workbook = get_xlsform(BytesIO(data), file_type=".xlsx")
        form = workbook_to_json(workbook, form_name=settings.form_id or "data", warnings=[])
        # pyxform writes XML with one title only; the six are ours to check.
        form["title"] = settings.titles.get(settings.default_language or "en") or settings.form_id
        builder.create_survey_element_from_dict(form).to_xml(validate=False, warnings=[])
    except PyXFormError as error:
        context = getattr(error, "context", None) or {}
        message = re.sub(r"^\[row : \d+\]\s*", "", str(error))
        row = context.get("row")
        if row is None:
            found = re.search(r"\[row : (\d+)\]", str(error))
            row = int(found[1]) if found else 0
        sheet = context.get("sheet") or next((name for name in ("choices", "settings") if name in message), "survey")
        return [FormProblem(sheet, int(row), context.get("column") or "", message)]
    except Exception as error:  # noqa: BLE001 -- pyxform fails on some malformed input with plain errors
        return [FormProblem("survey", 0, "", _l("pyxform could not read the form: %(error)s", error=str(error)))]
    return []
