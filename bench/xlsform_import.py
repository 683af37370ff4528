"""Benchmark and survey of the XLSForm importer on the corpus of real forms (issue 15).

Imports every workbook of the corpus with `parse_xlsform`: the committed ones
(tests/surveys/data/xlsforms), with the copyleft ones from the directory named by --dir, else
XLSFORM_CORPUS, else ../shared/data/xlsforms beside the repository, when one holds them. Prints one
line per form (accepted, or refused with the first lines of its summary), the counts, then for the
largest form and the largest accepted one: the import time, best of --repeat runs (wall and CPU),
beside the baseline measured in the same run, pyxform's own `convert` of the same workbook (to XML,
without ODK Validate), and the ratio of their CPU times. Target: at most 2 s for the largest form.
The machine's load is printed with the figures.

    python bench/xlsform_import.py [--dir DIR] [--repeat 3] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from warnings import catch_warnings, simplefilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from surveys.xlsform.problems import XLSFormError  # noqa: E402
from surveys.xlsform.reading import parse_xlsform  # noqa: E402

TARGET_SECONDS = 2.0
COMMITTED = ROOT / "tests" / "surveys" / "data" / "xlsforms"


def corpus(given: str | None) -> list[Path]:
    """The committed workbooks, and those of the first directory found that holds others (the copyleft ones)."""
    paths = {path.name: path for path in COMMITTED.glob("*.xlsx")}
    for candidate in (given, os.environ.get("XLSFORM_CORPUS"), str(ROOT.parent / "shared" / "data" / "xlsforms")):
        if candidate and Path(candidate).is_dir():
            for path in Path(candidate).glob("*.xlsx"):
                paths.setdefault(path.name, path)
            break
    return sorted(paths.values(), key=lambda path: path.name)


def outcome(path: Path) -> tuple[str, str]:
    try:
        parse_xlsform(path.read_bytes(), path.name)
    except XLSFormError as error:
        return "refused", f"{len(error.problems)} problem(s); " + " | ".join(error.summary_lines()[:3])
    return "accepted", ""


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, float]:
    """The shortest wall and CPU times of `repeat` runs of `action`."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def import_form(data: bytes, name: str) -> None:
    try:
        parse_xlsform(data, name)
    except XLSFormError:
        pass  # a refusal is an import too: the time to read the form and say why


def pyxform_convert(data: bytes) -> None:
    from pyxform.errors import PyXFormError  # noqa: PLC0415
    from pyxform.xls2xform import convert  # noqa: PLC0415

    try:
        with catch_warnings():
            simplefilter("ignore", UserWarning)  # openpyxl's notes on other programs' files
            convert(xlsform=BytesIO(data), file_type=".xlsx", warnings=[])
    except PyXFormError:
        pass


def compare(label: str, path: Path, kind: str, repeat: int) -> float:
    """Prints the importer's time on `path` beside pyxform's; returns the importer's wall time."""
    data = path.read_bytes()
    import_form(data, path.name)  # warm: pyxform's import and Babel's catalogues load once per process
    pyxform_convert(data)
    ours_wall, ours_cpu = best_of(repeat, lambda: import_form(data, path.name))
    base_wall, base_cpu = best_of(repeat, lambda: pyxform_convert(data))
    print(
        f"{label} {path.name} ({len(data) / 1e6:.2f} MB, {kind}): import {ours_wall:.2f} s wall / {ours_cpu:.2f} s CPU;"
        f" pyxform convert {base_wall:.2f} s wall / {base_cpu:.2f} s CPU; ratio {ours_cpu / base_cpu:.2f}x (CPU)"
    )
    return ours_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None, help="a directory holding the copyleft workbooks too")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quiet", action="store_true", help="only the counts and the times")
    options = parser.parse_args()
    paths = corpus(options.dir)
    if not paths:
        sys.exit("No corpus: see tests/surveys/data/xlsforms/README.md.")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    outcomes: dict[Path, str] = {}
    with app.test_request_context():
        for path in paths:
            kind, detail = outcome(path)
            outcomes[path] = kind
            if not options.quiet:
                print(f"{kind:9} {path.name}: {detail}"[:400])
        counts = {kind: list(outcomes.values()).count(kind) for kind in sorted(set(outcomes.values()))}
        print(", ".join(f"{count} {kind}" for kind, count in counts.items()) + f" of {len(paths)} forms")
        print(f"load average {Path('/proc/loadavg').read_text().split()[0]} (1 min), best of {options.repeat} runs")
        largest = max(paths, key=lambda p: p.stat().st_size)
        best = compare("largest form", largest, outcomes[largest], options.repeat)
        accepted = [path for path in paths if outcomes[path] == "accepted"]
        if accepted and largest not in accepted:
            # a refused form stops before pyxform's own check: the largest accepted one runs the whole import
            compare("largest accepted form", max(accepted, key=lambda p: p.stat().st_size), "accepted", options.repeat)
    verdict = "meets" if best <= TARGET_SECONDS else "misses"
    print(f"the largest form {verdict} the {TARGET_SECONDS} s target")


if __name__ == "__main__":
    main()
