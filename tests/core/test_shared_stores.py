"""Nothing several processes must share lives in process memory."""

from core.ratelimit import Throttle
from tests.factories import DEFAULT_PASSWORD, make_user


def test_redis_throttle_counts_are_shared_between_instances(redis_url):
    first, second = Throttle(redis_url), Throttle(redis_url)
    for _ in range(3):
        first.hit("3 per minute", "login-email", "shared@example.org")
    assert not second.allowed("3 per minute", "login-email", "shared@example.org")
    assert second.retry_after("3 per minute", "login-email", "shared@example.org") > 0
    second.clear("3 per minute", "login-email", "shared@example.org")
    assert first.allowed("3 per minute", "login-email", "shared@example.org")


def test_two_app_processes_over_one_database_share_throttling_and_sessions(app_with, redis_url, session):
    """Two app instances stand for two processes behind a load balancer."""
    one = app_with(RATELIMIT_STORAGE_URL=redis_url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    two = app_with(RATELIMIT_STORAGE_URL=redis_url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    make_user(session, email="someone@example.org")
    client_one, client_two = one.test_client(), two.test_client()
    for client in (client_one, client_two, client_one, client_two, client_one):
        client.post("/account/login", data={"email": "someone@example.org", "password": "bad password!"})
    blocked = client_two.post("/account/login", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429

    # A session opened on one process is valid on the other, and a logout on one ends it on both.
    make_user(session, email="other@example.org")
    client_one.post("/account/login", data={"email": "other@example.org", "password": DEFAULT_PASSWORD})
    client_two.set_cookie("session", client_one.get_cookie("session").value)
    assert client_two.get("/account/").status_code == 200
    client_one.post("/account/logout")
    assert client_two.get("/account/").status_code == 302

    with one.app_context():
        from core.extensions import cache

        cache.set("shared-key", 42)
    with two.app_context():
        assert cache.get("shared-key") == 42
