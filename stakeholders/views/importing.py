"""Secretariat imports of stakeholders, organisations and participation (CSV/XLSX).

Upload -> every row checked -> a report and a preview -> confirm (all rows in one transaction)
or nothing at all. The file waits in the database between the two steps (`PendingImport`), so any
app process may receive the confirmation. The steps are the shared import pages (core/imports).
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.imports.views import ImportPages
from core.staff.tasks import Task
from stakeholders import importing

bp = Blueprint("registry_import", __name__, template_folder="../templates", url_prefix="/staff/registry/import")
secretariat = roles_required(Role.SECRETARIAT)

FILE_HELP = _l(
    "CSV in UTF-8, separated by commas or semicolons, or an Excel .xlsx workbook (its first "
    "sheet). The first row holds the column names. At most 10 MB and 200,000 rows."
)
pages = ImportPages(importing.REGISTRY, "registry_import/", FILE_HELP)
pages.register(bp, secretariat)


def staff_tasks(session) -> list[Task]:
    return [
        pages.staff_task(
            session, label=_l("Registry imports awaiting your confirmation"), endpoint="registry_import.upload"
        )
    ]
