"""Benchmark and survey of the XLSForm importer on the corpus of real forms (issue 15).

Imports every workbook of the corpus (the directory named by XLSFORM_CORPUS, else
../shared/data/xlsforms beside the repository, else --dir) with `parse_xlsform`, prints one line
per form (accepted, with the kinds of warnings, or refused with the first line of its summary),
the counts, and the time of the largest form, best of --repeat runs. Target: at most 2 s.

    python bench/xlsform_import.py [--dir DIR] [--repeat 3] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from surveys.xlsform.problems import XLSFormError  # noqa: E402
from surveys.xlsform.reading import parse_xlsform  # noqa: E402

TARGET_SECONDS = 2.0


def corpus_dir(given: str | None) -> Path | None:
    for candidate in (given, os.environ.get("XLSFORM_CORPUS"), str(ROOT.parent / "shared" / "data" / "xlsforms")):
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.xlsx")):
            return Path(candidate)
    return None


def outcome(path: Path) -> tuple[str, str]:
    try:
        parse_xlsform(path.read_bytes(), path.name)
    except XLSFormError as error:
        lines = error.summary_lines() if hasattr(error, "summary_lines") else [str(p) for p in error.problems]
        return "refused", f"{len(error.problems)} problem(s); " + " | ".join(lines[:3])
    return "accepted", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quiet", action="store_true", help="only the counts and the time")
    options = parser.parse_args()
    folder = corpus_dir(options.dir)
    if folder is None:
        sys.exit("No corpus: set XLSFORM_CORPUS or pass --dir (see tests/surveys/data/xlsforms/README.md).")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    paths = sorted(folder.glob("*.xlsx"))
    counts: dict[str, int] = {}
    with app.test_request_context():
        for path in paths:
            kind, detail = outcome(path)
            counts[kind] = counts.get(kind, 0) + 1
            if not options.quiet:
                print(f"{kind:9} {path.name}: {detail}"[:400])
        largest = max(paths, key=lambda p: p.stat().st_size)
        data = largest.read_bytes()
        timings = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            try:
                parse_xlsform(data, largest.name)
            except XLSFormError:
                pass
            timings.append(time.perf_counter() - start)
    print(", ".join(f"{count} {kind}" for kind, count in sorted(counts.items())) + f" of {len(paths)} forms")
    best = min(timings)
    verdict = "meets" if best <= TARGET_SECONDS else "misses"
    print(
        f"largest form {largest.name} ({len(data) / 1e6:.2f} MB): {best:.2f} s, {verdict} the {TARGET_SECONDS} s target"
    )


if __name__ == "__main__":
    main()
