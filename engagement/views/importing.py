"""Secretariat imports of engagement records (CSV/XLSX): upload, check, preview, confirm or cancel.

The same pages, steps and rules as the registry's import (core/imports, stakeholders/importing.py);
the file waits in the database between the check and the confirmation.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.imports.views import ImportPages
from core.staff.tasks import Task
from engagement import importing
from engagement.views import template_helpers

bp = Blueprint("engagement_import", __name__, template_folder="../templates", url_prefix="/staff/records/import")
bp.context_processor(template_helpers)
secretariat = roles_required(Role.SECRETARIAT)

FILE_HELP = _l(
    "CSV in UTF-8, separated by commas or semicolons, or an Excel .xlsx workbook (its first "
    "sheet). The first row holds the column names. At most 10 MB."
)
pages = ImportPages(importing.RECORDS, "engagement/import_", FILE_HELP)
pages.register(bp, secretariat)


def staff_tasks(session) -> list[Task]:
    return [
        pages.staff_task(
            session, label=_l("Record imports awaiting your confirmation"), endpoint="engagement_import.upload"
        )
    ]
