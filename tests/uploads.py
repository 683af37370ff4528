"""Files for the import pages, and uploading one as the secretariat's browser does."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart


def csv_bytes(rows, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, url: str, kind: str, content: bytes, name: str = "list.csv"):
    """Post a file of `kind` to an import page; the preview page."""
    # Encoded in memory: the test client's own temporary file for large bodies is never closed.
    body, _length, boundary = stream_encode_multipart(
        {"kind": kind, "file": FileStorage(io.BytesIO(content), filename=name)}, use_tempfile=False
    )
    # The check runs as a job (at once in tests: JOBS_IMMEDIATE); the upload redirects to its page.
    return client.post(
        url, data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}", follow_redirects=True
    )


def token_of(response) -> str | None:
    """The token a valid preview hands to its confirm button (None when the file has problems)."""
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None
