"""The API's blueprint (flask-openapi3 records each route's models for the OpenAPI document)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from api.schemas import ErrorBody

PREFIX = "/api/v1"
TOKEN = [{"bearerAuth": []}]
OPEN = []  # open data: no token

# Every endpoint may answer these, with the same error body and a stable code.
ERRORS = {status: ErrorBody for status in (400, 401, 403, 404, 406, 429)}

bp = APIBlueprint("api", __name__, url_prefix=PREFIX, abp_responses=ERRORS, template_folder="templates")

SURVEYS = Tag(name="surveys", description="Waves, instruments and question catalogues in the six languages.")
RESULTS = Tag(name="results", description="Aggregated results, headline indicators and indicator tables.")
OPEN_DATA = Tag(name="open data", description="The public register and the public list of focal points.")
FOCAL = Tag(name="focal point", description="A focal point's own country: roster and tables.")
RELEASES = Tag(name="releases", description="The secretariat's anonymised releases.")
