"""The read API under /api/v1/: personal access tokens, JSON (and CSV for tables), an OpenAPI 3.1
document generated from the pydantic models (flask-openapi3) and a reference page served by the app.

Views (`api.views`) are thin: they read through `api.reading` and `api.people`, which call the
services the pages use, so the API keeps the pages' access rules and the one disclosure rule.
"""
