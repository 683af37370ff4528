"""The secretariat's translation pages: what a version still lacks, its translation workbook, and the
workbook coming back. The status table also appears on the instrument page (`survey_admin.instrument`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from core.i18n import current_language, language_name
from surveys import forms_admin, instruments, translation_status, translation_workbook
from surveys.models import Instrument, InstrumentVersion
from surveys.xlsform.problems import XLSFormError

bp = Blueprint("survey_translation", __name__, template_folder="../templates", url_prefix="/staff/surveys")
secretariat = roles_required(Role.SECRETARIAT)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LAYOUTS = {"form": translation_workbook.form_workbook, "languages": translation_workbook.language_workbook}


@bp.app_template_global()
def translation_rows(version: InstrumentVersion) -> list[tuple[str, dict[str, int], int]]:
    """(language name, cells missing by sheet, total) for each language the version lacks."""
    locale = current_language()
    missing = translation_status.missing_cells(instruments.definition_of(version))
    return [(language_name(code, locale), by_sheet, sum(by_sheet.values())) for code, by_sheet in missing.items()]


def _version_or_404(version_id: int) -> tuple[InstrumentVersion, Instrument]:
    session = get_session()
    version = session.get(InstrumentVersion, version_id) or abort(404)
    return version, session.get(Instrument, version.instrument_id)


@bp.route("/versions/<int:version_id>/translations", methods=["GET", "POST"])
@secretariat
def translations(version_id: int):
    version, instrument = _version_or_404(version_id)
    form = forms_admin.TranslationUploadForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            stored, created, moved = instruments.store_translations(
                get_session(),
                version=version,
                data=upload.read(),
                filename=upload.filename or "translations.xlsx",
                user_id=current_user.id,
            )
        except XLSFormError as error:
            problems = error.problems
        else:
            _report(stored, created, moved)
            return redirect(url_for("survey_translation.translations", version_id=stored.id))
    page = render_template(
        "survey_admin/translation.html", version=version, instrument=instrument, form=form, problems=problems
    )
    return page, 422 if problems else 200


def _report(stored: InstrumentVersion, created: bool, moved: list) -> None:
    if created:
        flash(_("The translations are merged into version %(number)s.", number=stored.number), "success")
    else:
        flash(
            _("These translations are those of version %(number)s: nothing new was stored.", number=stored.number),
            "info",
        )
    if moved:
        flash(
            ngettext(
                "%(num)s draft wave now uses version %(number)s.",
                "%(num)s draft waves now use version %(number)s.",
                len(moved),
                number=stored.number,
            ),
            "info",
        )


@bp.route("/versions/<int:version_id>/translations/<layout>.xlsx")
@secretariat
def workbook(version_id: int, layout: str):
    version, instrument = _version_or_404(version_id)
    if layout not in LAYOUTS:
        abort(404)
    filename = f"{instrument.code}-v{version.number}-translation-{layout}.xlsx"
    return Response(
        LAYOUTS[layout](instruments.definition_of(version)),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
