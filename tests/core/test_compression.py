import gzip
import hashlib
import re

from app import ROOT


def test_an_html_page_is_gzipped_when_the_browser_accepts_it(client):
    response = client.get("/account/login", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"<html" in gzip.decompress(response.data)


def test_brotli_is_preferred_and_plain_requests_stay_plain(client):
    assert client.get("/account/login", headers={"Accept-Encoding": "gzip, br"}).headers["Content-Encoding"] == "br"
    plain = client.get("/account/login")
    assert "Content-Encoding" not in plain.headers and b"<html" in plain.data


def test_pages_link_versioned_static_files_that_are_cached_for_a_year(client):
    page = client.get("/account/login").get_data(as_text=True)
    digest = hashlib.sha256((ROOT / "core/static/css/site.css").read_bytes()).hexdigest()[:12]
    assert f'href="/static/css/site.css?v={digest}"' in page
    assert not re.search(r'(href|src)="/static/[^"?]+"', page)

    versioned = client.get(f"/static/css/site.css?v={digest}")
    cache = versioned.headers["Cache-Control"]
    assert versioned.status_code == 200 and "max-age=31536000" in cache and "immutable" in cache
    assert "public" in cache and "no-cache" not in cache
    versioned.close()
    unversioned = client.get("/static/css/site.css")
    assert "no-cache" in unversioned.headers["Cache-Control"]
    unversioned.close()
