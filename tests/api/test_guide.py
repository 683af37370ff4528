"""The guide's Python and R examples run: extracted from docs/guide-api.md and run against the app served
on 127.0.0.1, with a secretariat token on the demo data. The R one needs Rscript and httr2 (Debian:
r-base-core, r-cran-httr2, r-cran-jsonlite) and is skipped without them."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.api.conftest import SECRETARIAT, make_token

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-api.md"


def _example(heading: str, language: str) -> str:
    section = GUIDE.read_text(encoding="utf-8").split(f"## {heading}", 1)[1]
    return re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)


@contextlib.contextmanager
def _served(app):
    """The app on 127.0.0.1 (a free port), for the length of the block: its API's address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_guides_python_example_runs(app, session, seeded, monkeypatch, capsys):
    token = make_token(app, session, SECRETARIAT)
    with _served(app) as base:
        monkeypatch.setenv("IPBES_API", base)
        monkeypatch.setenv("IPBES_TOKEN", token)
        code = _example("Python (requests and pandas)", "python")
        exec(compile(code, str(GUIDE), "exec"), {"__name__": "guide"})  # noqa: S102 - our own documentation
    assert "listed stakeholders" in capsys.readouterr().out


def _has_httr2() -> bool:
    if shutil.which("Rscript") is None:
        return False
    found = subprocess.run(["Rscript", "-e", "library(httr2)"], capture_output=True, timeout=60)
    return found.returncode == 0


@pytest.mark.skipif(not _has_httr2(), reason="Rscript with httr2 (r-base-core, r-cran-httr2) runs the R example")
def test_the_guides_r_example_runs(app, session, seeded, tmp_path):
    token = make_token(app, session, SECRETARIAT)
    script = tmp_path / "guide.R"
    script.write_text(_example("R (httr2)", "r"), encoding="utf-8")
    with _served(app) as base:
        environment = os.environ | {"IPBES_API": base, "IPBES_TOKEN": token}
        result = subprocess.run(["Rscript", str(script)], env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "estimate" in result.stdout  # the results' data frame was printed
    assert re.search(r"^[1-9]\d* listed stakeholders$", result.stdout, re.M), result.stdout
