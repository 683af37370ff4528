"""Size limits of application code, checked in CI: no function over 60 lines, no module over 500.

    python scripts/check_sizes.py            # the application packages and app.py
    python scripts/check_sizes.py PATHS...   # only these files or folders
    python scripts/check_sizes.py -v         # also list the allowed places

A function's length runs from its `def` (decorators excluded) to its last line, docstring and comments
included; a method or nested function counts on its own. A module's length is its number of lines.

Exits 1 when a function or module over the limit is not in ALLOWED, and prints each such one. ALLOWED is
empty: every place is within the limits, and a new one over them fails CI.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500
PACKAGES = [
    "app.py",
    "core",
    "stakeholders",
    "surveys",
    "engagement",
    "analysis",
    "dashboards",
    "reports",
    "exports",
    "presentation",
]

# "path" for a module, "path:qualified.name" for a function. Paths are relative to the repository root.
ALLOWED: set[str] = set()  # places allowed over the limits; keep it empty


def python_files(paths: list[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name).resolve()
        if path.suffix == ".py":
            if path.exists():
                yield path
        else:
            yield from sorted(path.rglob("*.py"))


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function in the tree with its qualified name (`Class.method`, `outer.inner`)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, prefix + node.name + ".")
        else:
            yield from functions(node, prefix)


def oversized(file: Path) -> Iterator[tuple[str, str]]:
    """(key, description) for the module and each function in it over the limits."""
    text = file.read_text(encoding="utf-8")
    path = file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else file.as_posix()
    lines = text.count("\n")
    if lines > MAX_MODULE_LINES:
        yield path, f"module has {lines} lines (max {MAX_MODULE_LINES})"
    for name, node in functions(ast.parse(text, filename=path)):
        length = node.end_lineno - node.lineno + 1
        if length > MAX_FUNCTION_LINES:
            yield f"{path}:{name}", f"line {node.lineno}: function {name} has {length} lines (max {MAX_FUNCTION_LINES})"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [arg for arg in argv if arg != "-v"]
    found = {}
    for file in python_files(paths or [str(ROOT / name) for name in PACKAGES]):
        found.update(oversized(file))
    new = {key: text for key, text in found.items() if key not in ALLOWED}
    for key, text in sorted(found.items()):
        if key in new or verbose:
            print(f"{key.split(':')[0]}: {text}{'' if key in new else '  [allowed]'}")
    if not paths:
        for key in sorted(ALLOWED - found.keys()):
            print(f"stale allowance, no longer over the limit: remove {key!r} from ALLOWED in scripts/check_sizes.py")
    allowed = len(found) - len(new)
    print(f"{len(new)} not allowed over the limits ({allowed} allowed)")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
