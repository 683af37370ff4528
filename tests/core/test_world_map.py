"""The country outlines a survey page's map draws: served to anyone (a respondent follows a link, signed in or
not) under an address carrying the file's fingerprint, cached for a year; an old address is a 404."""


def _address(app) -> str:
    with app.test_request_context():
        return app.jinja_env.globals["world_map_url"]()


def test_the_outlines_are_served_to_anyone_and_cached_a_year(app, client):
    response = client.get(_address(app))

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert len(response.get_json()["objects"]["countries"]["geometries"]) > 150
    assert response.cache_control.max_age == 31_536_000
    assert response.cache_control.public and response.cache_control.immutable


def test_an_old_fingerprint_is_not_found(app, client):
    fingerprint = _address(app).split("/")[2]

    assert client.get(_address(app).replace(fingerprint, "0" * 12)).status_code == 404
