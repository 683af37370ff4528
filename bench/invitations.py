"""Benchmark: a wave's invitations to 10,000 people, sent by the background job to a local SMTP sink.

For each backend: a fresh migrated database, the registry of `--people` stakeholders
(`bench/registry.py`'s generator) all of whom accept survey email, an open wave for everyone, and an
SMTP server on 127.0.0.1 (aiosmtpd) that accepts and counts every message. Then the invitations job
runs as a worker runs it (surveys.mailing, in this process): each message rendered in the person's
language, sent over one SMTP connection, and each invitation committed with its send. Prints the time,
the messages per second and the SMTP connections beside the target (issue 18): 10,000 in at most 60 s.

    .venv/bin/python bench/invitations.py --backend sqlite|postgresql|both [--people 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import create_app  # noqa: E402
from bench import common  # noqa: E402
from bench import registry as registry_bench  # noqa: E402
from core import migrate  # noqa: E402
from core.db import get_engine, make_engine  # noqa: E402
from core.jobs.models import Job  # noqa: E402
from core.jobs.queue import queue_of  # noqa: E402
from stakeholders.models import StakeholderAttribute  # noqa: E402
from surveys import invitations, mailing  # noqa: E402
from surveys.models import SurveyOptOut  # noqa: E402
from tests.factories import make_instrument_version, make_wave  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

TARGET_SECONDS = 60
TARGET_MESSAGES = 10_000


class AioSink:
    """aiosmtpd's handler: accepts every message; counts messages and the SMTP sessions they came in."""

    def __init__(self, messages, sessions):
        self.messages, self.sessions, self._seen = messages, sessions, set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.value += 1
        if id(session) not in self._seen:
            self._seen.add(id(session))
            self.sessions.value += 1
        return "250 OK"


class PlainSink(socketserver.StreamRequestHandler):
    """The least an SMTP server does: a reply to each command, the message read to its final dot."""

    counters = None  # (messages, sessions), set in the sink's process

    def handle(self) -> None:
        messages, sessions = self.counters
        sessions.value += 1
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            command = line[:4].upper()
            if command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while (data := self.rfile.readline()) and data != b".\r\n":
                    pass
                messages.value += 1
                self.wfile.write(b"250 OK\r\n")
            elif command == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def _serve(kind: str, port: int, messages, sessions, ready, stop) -> None:
    if kind == "aiosmtpd":
        controller = Controller(AioSink(messages, sessions), hostname="127.0.0.1", port=port)
        controller.start()
        ready.set()
        stop.wait()
        controller.stop()
        return
    PlainSink.counters = (messages, sessions)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), PlainSink)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    stop.wait()
    server.shutdown()


@contextlib.contextmanager
def smtp_sink(kind: str):
    """An SMTP server on 127.0.0.1 in a process of its own (in this one it would compete for the GIL
    with the sender): yields (port, messages, sessions), the counters as shared values."""
    context = multiprocessing.get_context("spawn")
    messages, sessions = context.Value("i", 0), context.Value("i", 0)
    ready, stop = context.Event(), context.Event()
    port = free_port()
    process = context.Process(target=_serve, args=(kind, port, messages, sessions, ready, stop), daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the SMTP sink did not start")
        yield port, messages, sessions
    finally:
        stop.set()
        process.join(10)


def everyone_accepts_email(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        attributes, opt_outs = StakeholderAttribute.__table__.name, SurveyOptOut.__table__.name
        connection.execute(
            text(
                f"INSERT INTO {attributes} (stakeholder_id, field, code) "
                "SELECT s.id, 'communication', 'email' FROM stakeholder s WHERE NOT EXISTS ("
                f"SELECT 1 FROM {attributes} a WHERE a.stakeholder_id = s.id "
                "AND a.field = 'communication' AND a.code = 'email')"
            )
        )
        connection.execute(text(f"DELETE FROM {opt_outs}"))
    engine.dispose()


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    with smtp_sink(args.sink) as sink, common.database(backend) as url, tempfile.TemporaryDirectory() as results:
        migrate.upgrade(url)
        registry_bench.generate(url, args.people, args.seed)
        everyone_accepts_email(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "TESTING": True,
                "JOBS_IMMEDIATE": True,  # the job runs here, as a worker would run it
                "JOB_RESULTS_DIR": results,
                "MAIL_BACKEND": "smtp",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": sink[0],
                "MAIL_USE_TLS": False,
                "BASE_URL": "https://engagement.example.org",
            }
        )
        return _send(app, backend, sink)


def _send(app, backend: str, sink) -> list[str]:
    _port, messages, sessions = sink
    with app.app_context():
        engine = get_engine()
        with Session(engine, expire_on_commit=False) as session:
            wave = make_wave(session, version=make_instrument_version(session))
            reachable = len(invitations.reachable_audience(session, wave))
            started, cpu = time.perf_counter(), time.process_time()
            job = mailing.enqueue_invitations(session, wave=wave, owner_id=None, locale="en", queue=queue_of(app))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            job = session.get(Job, job.id, populate_existing=True)
        engine.dispose()
    assert job.state == "done", (job.state, job.error)
    assert messages.value == reachable == job.result["sent"], (messages.value, reachable, job.result)
    sent, connections = messages.value, sessions.value
    floor, floor_cpu = physical_baseline(app.config["DATABASE_URL"], sink[0], sent)
    assert messages.value == 2 * sent, (messages.value, sent)
    projected = seconds * TARGET_MESSAGES / sent
    verdict = "met" if projected <= TARGET_SECONDS else "MISSED"
    scale = "" if sent >= TARGET_MESSAGES else f" (projected to {TARGET_MESSAGES:,}: {projected:.0f} s)"
    return [
        f"{backend:<11} {sent:,} invitations in {seconds:.1f} s ({sent / seconds:,.0f}/s){scale} "
        f"over {connections} SMTP connection(s), sender CPU {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}; "
        f"target {TARGET_MESSAGES:,} in <= {TARGET_SECONDS} s: {verdict}",
        f"{'':<11} baseline (as many addresses read by the driver, a message of the same size built with the "
        f"standard library, all sent over one connection): {floor:.1f} s, CPU {floor_cpu:.1f} s; "
        f"ratio {seconds / floor:.1f}x (CPU {cpu / floor_cpu:.1f}x)",
    ]


def physical_baseline(url: str, port: int, count: int) -> tuple[float, float]:
    """(seconds, CPU seconds) of the floor under the job: `count` addresses read with the database
    driver, and to each a two-part message (text and HTML, about an invitation's size) built with
    `email.message` and sent with `smtplib` over one connection; no templates, languages, tokens or
    per-message commits."""
    import smtplib
    from email.message import EmailMessage

    text_body = "Dear colleague,\n\nYou are invited to the IPBES stakeholder survey.\n" + "x" * 900
    html_body = f"<p>{text_body}</p>"
    engine = make_engine(url)
    started, cpu_started = time.perf_counter(), time.process_time()
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(f"SELECT email FROM user_account ORDER BY id LIMIT {int(count)}")
        addresses = [row[0] for row in cursor.fetchall()]
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for address in addresses:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "survey@example.org", address, "IPBES survey"
            message.set_content(text_body)
            message.add_alternative(html_body, subtype="html")
            smtp.send_message(message)
    engine.dispose()
    return time.perf_counter() - started, time.process_time() - cpu_started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--sink",
        choices=("plain", "aiosmtpd"),
        default="aiosmtpd",
        help="the SMTP server: aiosmtpd's, or a minimal one that only answers (less CPU beside the sender)",
    )
    args = parser.parse_args(argv)
    return common.print_report("Invitations to a local SMTP sink", run_backend, args)


if __name__ == "__main__":
    raise SystemExit(main())
