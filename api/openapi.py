"""The OpenAPI 3.1 document of the API, assembled from what flask-openapi3 recorded of each route
(paths, operations, the pydantic models' JSON schemas)."""

from __future__ import annotations

from flask import Flask
from flask_openapi3 import APIBlueprint
from flask_openapi3.models import APISpec, Components, Info, Schema, Server, Tag

DESCRIPTION = """The read API of the IPBES stakeholder engagement platform.

Send a personal access token (made on your account page, under "API tokens") as
`Authorization: Bearer <token>`. The register and the list of focal points are open data and need none.
Lists are paginated (`page`, `per_page`; links in the `Link` header and in `links`), answers carry an
ETag (send it back in `If-None-Match` for a 304), tables come as CSV too (`Accept: text/csv` or
`?format=csv`), and errors read `{"error": {"code": "...", "message": "..."}}`."""

SECURITY_SCHEMES = {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal access token."}}


def document(app: Flask, bp: APIBlueprint) -> dict:
    """The document, built once per app (routes do not change while it runs)."""
    cached = app.extensions.get("api.openapi")
    if cached is not None:
        return cached
    tags, seen = [], set()
    for path_item in bp.paths.values():
        for operation in path_item.model_dump(exclude_none=True, warnings=False).values():
            for name in operation.get("tags", []):
                seen.add(name)
    tags = [tag for tag in bp.tags if tag.name in seen] or [Tag(name=name) for name in sorted(seen)]
    spec = APISpec(
        openapi="3.1.0",
        info=Info(title="IPBES engagement platform API", version="1.0.0", description=DESCRIPTION),
        servers=[Server(url="/")],
        paths=bp.paths,
        tags=tags,
        components=Components(
            schemas={
                name: value if isinstance(value, Schema) else Schema(**value)
                for name, value in bp.components_schemas.items()
            },
            securitySchemes=SECURITY_SCHEMES,
        ),
    )
    found = spec.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)
    app.extensions["api.openapi"] = found
    return found
