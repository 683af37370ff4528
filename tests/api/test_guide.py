"""The guide's Python example runs: extracted from docs/guide-api.md and run against the app served
on 127.0.0.1, with a secretariat token on the demo data."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from werkzeug.serving import make_server

from tests.api.conftest import SECRETARIAT, make_token

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-api.md"


def _example() -> str:
    section = GUIDE.read_text(encoding="utf-8").split("## Python (requests and pandas)", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_guides_python_example_runs(app, session, seeded, monkeypatch, capsys):
    token = make_token(app, session, SECRETARIAT)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("IPBES_API", f"http://127.0.0.1:{server.server_port}/api/v1")
        monkeypatch.setenv("IPBES_TOKEN", token)
        exec(compile(_example(), str(GUIDE), "exec"), {"__name__": "guide"})  # noqa: S102 - our own documentation
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert "listed stakeholders" in capsys.readouterr().out
