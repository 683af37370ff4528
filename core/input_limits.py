"""Limits on what a request may carry, applied in one place for every form.

- The body may be at most MAX_CONTENT_LENGTH bytes (`MAX_REQUEST_MB`): Werkzeug refuses a longer
  declared body with 413 before reading it, and stops reading an undeclared one at the limit.
- Form values (and names) lose their control characters other than tab, CR and LF: they have no
  visible meaning, PostgreSQL refuses NUL in text, and stripping them here keeps both backends
  identical for every form, the survey pages included.
- A form field that does not decode as UTF-8 is refused with 400 and a page saying so: in a
  URL-encoded body (Werkzeug would store the percent-escapes as text) and in a multipart body alike
  (Werkzeug would turn the bytes into U+FFFD without a word). Uploaded files are bytes and are not
  decoded here.
"""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl

from flask import Flask, Request, render_template
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser, MultiPartParser

from core.text import strip_control


class InvalidFormEncoding(BadRequest):
    description = "The form body is not valid UTF-8."


# Werkzeug decodes multipart fields with errors="replace" and no way to ask otherwise; a codec of our own
# that ignores the `errors` argument makes the decoding strict.
STRICT_UTF8 = "ipbes_strict_utf8"


def _strict_utf8(name: str) -> codecs.CodecInfo | None:
    if name != STRICT_UTF8:
        return None
    return codecs.CodecInfo(
        name=STRICT_UTF8,
        encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "strict", True),
    )


codecs.register(_strict_utf8)


class StrictMultiPartParser(MultiPartParser):
    """Werkzeug's multipart parser, strict about UTF-8 in form fields (the default charset)."""

    def get_part_charset(self, headers) -> str:
        charset = super().get_part_charset(headers)
        return STRICT_UTF8 if charset == "utf-8" else charset


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

    def _parse_multipart(self, stream, mimetype, content_length, options):
        parser = StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        try:
            form, files = parser.parse(stream, boundary, content_length)
        except UnicodeDecodeError:
            raise InvalidFormEncoding() from None
        return stream, form, files


class LimitedRequest(Request):
    form_data_parser_class = TextFormParser


def _invalid_encoding(error):
    return render_template("error.html", status=400, error=error, encoding=True), 400


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    app.register_error_handler(InvalidFormEncoding, _invalid_encoding)
