"""Forms of the secretariat's registry import: upload a file, then confirm or cancel."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired

from core.forms import choices
from stakeholders.importing import KINDS


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), validators=[DataRequired()])
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file to import."))],
        description=_l("CSV in UTF-8, separated by commas or semicolons, or an Excel .xlsx workbook (its first "
                       "sheet). The first row holds the column names. At most 10 MB and 200,000 rows."),
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    submit = SubmitField(_l("Check the file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((name, kind.label) for name, kind in KINDS.items())


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    confirm = SubmitField(_l("Confirm the import"))
    cancel = SubmitField(_l("Cancel"))
