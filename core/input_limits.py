"""Limits on what a request may carry, applied in one place for every form.

- The body may be at most MAX_CONTENT_LENGTH bytes (`MAX_REQUEST_MB`): Werkzeug refuses a longer
  declared body with 413 before reading it, and stops reading an undeclared one at the limit.
- Form values (and names) lose their control characters other than tab, CR and LF: they have no
  visible meaning, PostgreSQL refuses NUL in text, and stripping them here keeps both backends
  identical for every form, the survey pages included.
- A URL-encoded body whose percent-escapes do not decode as UTF-8 is refused with 400 and a page
  saying so, instead of storing the escapes as text.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Request, render_template
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser

from core.text import strip_control


class InvalidFormEncoding(BadRequest):
    description = "The form body is not valid UTF-8."


class TextFormParser(FormDataParser):
    """Werkzeug's parser, strict about UTF-8 and without control characters in fields."""

    def parse(self, stream, mimetype, content_length, options=None):
        stream, form, files = super().parse(stream, mimetype, content_length, options)
        cleaned = self.cls((strip_control(key), strip_control(value)) for key, value in form.items(multi=True))
        return stream, cleaned, files

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            items = parse_qsl(stream.read().decode(), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            # Not a ValueError for the caller: Werkzeug would turn that into an empty form.
            raise InvalidFormEncoding() from None
        return stream, self.cls(items), self.cls()


class LimitedRequest(Request):
    form_data_parser_class = TextFormParser


def _invalid_encoding(error):
    return render_template("error.html", status=400, error=error, encoding=True), 400


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    app.register_error_handler(InvalidFormEncoding, _invalid_encoding)
