"""Exports in the shapes of real tools import through the page with the mapping it proposes."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import func, select

from surveys.models import Response
from tests.surveys.response_import.export_fixtures import EXPORTS, expected
from tests.surveys.response_import.storing_helpers import annual_past_wave
from tests.surveys.response_import.test_page_response_import import fields


@pytest.fixture
def past_wave(session):
    return annual_past_wave(session)


@pytest.mark.parametrize("name", ["limesurvey_codes.csv", "kobo_labels.csv", "surveymonkey.xlsx", "redcap.csv"])
def test_an_export_imports_through_the_page(client, session, secretariat, past_wave, name):
    rows, refused = expected(name)
    base = f"/staff/surveys/waves/{past_wave.id}/import"
    upload = client.post(
        base, data={"file": (io.BytesIO((EXPORTS / name).read_bytes()), name)}, content_type="multipart/form-data"
    )
    mapping_url = upload.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    job_url = client.post(mapping_url, data={**fields(page), "check": "1"}).headers["Location"]
    preview = client.get(job_url).get_data(as_text=True)
    assert re.search(rf'id="rows-refused">{len(refused)}<', preview)
    assert re.search(rf'id="rows-accepted">{len(rows)}<', preview.replace(",", ""))
    done = client.get(client.post(job_url + "/confirm", data={"leave_out": "y"}).headers["Location"])
    assert f"{len(rows)} responses imported" in done.get_data(as_text=True).replace(",", "")
    session.expire_all()
    count = select(func.count()).select_from(Response).where(Response.wave_id == past_wave.id)
    assert session.exec(count).one() == len(rows)
