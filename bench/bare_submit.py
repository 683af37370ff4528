"""The physical baseline of a survey submission: a bare Flask endpoint doing the same inserts.

    gunicorn bench.bare_submit:app      (started by bench/submit.py with DATABASE_URL set)

`POST /bare/<token>` takes the form the platform's review page posts (the CSRF token is ignored)
and, in one transaction: finds the invitation's response, wins it with the same conditional UPDATE
(`... WHERE submission_key = :key AND content_digest IS NULL`, the answers kept as the draft and the
profile columns set), deletes its answers and inserts one row per answer, typed as the platform
types them (the shipped annual survey records no metadata rows). A post whose key was used for the
same content gets the same redirect. No session, no CSRF check, no validation, no relevance, no ORM: what is left is Flask,
the driver and the database, which is what the platform's submission is compared to.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, date, datetime

from flask import Flask, abort, redirect, request
from sqlalchemy import text

from core.db import make_engine

SELECT = text(
    "SELECT r.id, r.submission_key, r.content_digest, s.country, s.category, s.gender, "
    "s.stakeholder_type, c.regional_group FROM invitation i "
    "JOIN response r ON r.wave_id = i.wave_id AND r.stakeholder_id = i.stakeholder_id "
    "LEFT JOIN stakeholder s ON s.id = r.stakeholder_id LEFT JOIN country c ON c.iso2 = s.country "
    "WHERE i.token = :token"
)
WIN = (
    "UPDATE response SET status = 'submitted', content_digest = :digest, submitted_at = :now, updated_at = :now, "
    "draft = {draft}, country = :country, regional_group = :region, category = :category, gender = :gender, "
    "stakeholder_type = :type WHERE id = :id AND submission_key = :key AND content_digest IS NULL"
)
DELETE = text("DELETE FROM answer WHERE response_id = :id")
INSERT = text(
    "INSERT INTO answer (response_id, question, value_text, value_number, value_date) "
    "VALUES (:response_id, :question, :value_text, :value_number, :value_date)"
)


def _types(engine) -> dict[str, str]:
    """Question name -> type, read once from the only instrument version (as the platform caches it)."""
    from sqlmodel import Session

    from surveys import instruments
    from surveys.models import InstrumentVersion

    with Session(engine) as session:
        version = session.get(
            InstrumentVersion, session.execute(text("SELECT max(id) FROM instrumentversion")).one()[0]
        )
        return {q.name: q.type for q in instruments.definition_of(version).questions()}


def _row(response_id: int, name: str, kind: str, values: list[str]) -> dict:
    row = {"response_id": response_id, "question": name, "value_text": None, "value_number": None, "value_date": None}
    if kind == "select_multiple":
        row["value_text"] = " ".join(values)
    elif kind in ("integer", "decimal", "range"):
        row["value_number"] = float(values[0])
    elif kind == "date":
        row["value_date"] = date.fromisoformat(values[0])
    else:
        row["value_text"] = values[0]
    return row


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])
    types = _types(engine)
    win = text(WIN.format(draft="CAST(:draft AS JSON)" if engine.dialect.name == "postgresql" else ":draft"))

    @app.get("/ready")
    def ready():
        return "ok"

    @app.post("/bare/<token>")
    def submit(token: str):
        answers = {
            name[2:]: request.form.getlist(name) for name in request.form if name.startswith("q.") and name[2:] in types
        }
        draft = {name: values if types[name] == "select_multiple" else values[0] for name, values in answers.items()}
        digest = hashlib.sha256(json.dumps(draft, sort_keys=True).encode()).hexdigest()
        key = request.form.get("submission_key", "")
        now = datetime.now(UTC).replace(tzinfo=None)
        with engine.begin() as connection:
            found = connection.execute(SELECT, {"token": token}).one_or_none()
            if found is None or found.submission_key != key:
                abort(409)
            if found.content_digest is not None:
                if found.content_digest != digest:
                    abort(409)
                return redirect(f"/survey/i/{token}/done", 303)
            won = connection.execute(
                win,
                {
                    "digest": digest,
                    "now": now,
                    "draft": json.dumps(draft),
                    "country": found.country,
                    "region": found.regional_group,
                    "category": found.category,
                    "gender": found.gender,
                    "type": found.stakeholder_type,
                    "id": found.id,
                    "key": key,
                },
            ).rowcount
            if won == 1:
                rows = [_row(found.id, name, types[name], values) for name, values in answers.items()]
                connection.execute(DELETE, {"id": found.id})
                connection.execute(INSERT, rows)
        return redirect(f"/survey/i/{token}/done", 303)

    return app


app = create_app() if "DATABASE_URL" in os.environ else None
