"""Before and after on one registry: two checkouts served in turn over the same generated database.

    .venv/bin/python bench/registry_compare.py --backend sqlite --before /tmp/before --before-revision 0016_rep

`--before` is a checkout of the earlier commit (`git archive COMMIT | tar -x -C DIR`, with its
compiled translations); the after side is this checkout. The database is generated once, at
`--before-revision`; each round serves the before checkout at that revision, then migrates to head
and serves this one, then migrates back, so the two are measured back to back under the same load.
Each side gets the plans of `bench/registry.py` (the public register, and the roster as the focal
point of the largest country) from `--concurrency` clients, and prints p50, p95, gunicorn's CPU
time a request and the load average.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common, server  # noqa: E402
from bench import registry as bench  # noqa: E402
from core import migrate  # noqa: E402


def _summary(result: bench.Result | None, skipped: str) -> str:
    if result is None or not result.latencies:
        return skipped or "no successful request"
    ms = sorted(x * 1000 for x in result.latencies)
    return (
        f"p50 {statistics.median(ms):6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
        f"server CPU {1000 * result.server_cpu / len(ms):5.1f} ms a request  errors {dict(result.errors)}  {result.load}"
    )


def run_backend(backend: str, args) -> list[str]:
    lines = []
    with common.database(backend) as url, tempfile.TemporaryDirectory(prefix="ipbes-compare-log-") as logdir:
        migrate.upgrade(url, args.before_revision)
        generated = bench.generate(url, args.stakeholders, args.seed)
        plan = bench.register_plan(generated, args.requests, args.seed)
        sides = (("before", Path(args.before).resolve(), args.before_revision), ("after", ROOT, "head"))
        try:
            for number in range(1, args.rounds + 1):
                for side, tree, revision in sides:
                    if revision == "head":
                        migrate.upgrade(url)
                    else:
                        migrate.downgrade(url, revision)
                    server.ROOT = tree  # gunicorn serves the app of this checkout
                    with server.gunicorn(url, args.workers, Path(logdir)) as (base, process):
                        register = bench.measure(base, "register", plan, args.concurrency, process.pid)
                        roster, skipped = bench._roster(base, generated, args, process.pid)
                    lines.append(f"{backend:<11} round {number} {side:<6} register {_summary(register, '')}")
                    lines.append(f"{backend:<11} round {number} {side:<6} roster   {_summary(roster, skipped)}")
                    print(lines[-2], lines[-1], sep="\n", flush=True)
        finally:
            server.ROOT = ROOT
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--before", required=True, help="a checkout of the earlier commit")
    parser.add_argument("--before-revision", required=True, help="the earlier commit's migration head")
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per page measured")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.requests > 10_000 or args.concurrency > 32 or args.rounds > 10:
        parser.error("keep --requests <= 10000, --concurrency <= 32 and --rounds <= 10")
    return common.print_report(
        f"Registry before/after: {args.stakeholders:,} stakeholders, {args.requests} requests per page, "
        f"concurrency {args.concurrency}, gunicorn -w {args.workers}, {args.rounds} rounds",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
