"""The indicator tables' numbers (`data`): the open-data tables' numbers, after the page's disclosure rule.
A focal point's token never receives the number of a cell the rule hid; the secretariat gets every number,
shares from 0 to 1 beside their bounds, and the row's base n."""

from __future__ import annotations

from analysis.indicators import GROUPS
from presentation.disclosure import SUPPRESSED_MARK
from tests.api.conftest import FOCAL_KE, SECRETARIAT, bearer, make_token

SHARE = "A share from 0 to 1."


def _tables(client, headers, query: str = "") -> list[dict]:
    found = []
    for group in GROUPS:
        answer = client.get(f"/api/v1/indicators/{group}/tables{query}", headers=headers)
        assert answer.status_code == 200, (group, answer.json)
        found += answer.json["items"]
    return found


def _shown_columns(table: dict) -> dict[str, int]:
    return {title: position for position, title in enumerate(table["columns"])}


def test_a_focal_point_never_receives_a_hidden_cells_number(app, client, session, seeded):
    threshold = app.config.get("AGGREGATE_THRESHOLD", 5)
    headers = bearer(make_token(app, session, FOCAL_KE))
    hidden_seen = checked = 0
    for query in ("", "?category=government"):
        for table in _tables(client, headers, query):
            fields = table["data"]["fields"]
            assert len(table["data"]["rows"]) == len(table["rows"])
            position = _shown_columns(table)
            for shown, row in zip(table["rows"], table["data"]["rows"], strict=True):
                assert len(row["values"]) == len(fields)
                for field, value in zip(fields, row["values"], strict=True):
                    column = position.get(field["title"])
                    if field["name"] in row["hidden"]:
                        hidden_seen += 1
                        assert value is None and row["reason"], (table["title"], field, row)
                    if column is not None and shown[column] == SUPPRESSED_MARK:
                        # What the page does not show (hidden, or not known), the numbers do not carry.
                        assert value is None, (table["title"], field, row)
                    if field["type"] == "integer" and value is not None:  # the row's base n
                        checked += 1
                        assert value == 0 or value >= threshold, (table["title"], row)
    assert checked
    assert hidden_seen, "the demo data should give the focal point some hidden cells"


def test_the_secretariat_gets_every_number_with_its_bounds_and_base(app, client, session, seeded):
    headers = bearer(make_token(app, session, SECRETARIAT))
    shares = 0
    for table in _tables(client, headers):
        fields = table["data"]["fields"]
        for row in table["data"]["rows"]:
            assert row["hidden"] == [] and row["reason"] is None
            for field, value in zip(fields, row["values"], strict=True):
                if field.get("description") == SHARE and value is not None:
                    shares += 1
                    assert isinstance(value, int | float) and 0 <= value <= 1, (table["title"], field, value)
    assert shares
    one = client.get("/api/v1/indicators/commitment/tables/0", headers=headers).json
    assert one["data"]["fields"][-1]["type"] == "integer"  # the base n closes each row
