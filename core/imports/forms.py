"""Forms of the import pages: upload a file, then confirm or cancel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired

from core.forms import choices


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), validators=[DataRequired()])
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    submit = SubmitField(_l("Check the file"))

    def __init__(self, *args, kinds: dict, file_help, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((name, kind.label) for name, kind in kinds.items())
        self.file.description = file_help  # each family of imports states its own limits


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    confirm = SubmitField(_l("Confirm the import"))
    cancel = SubmitField(_l("Cancel"))
