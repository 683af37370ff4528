"""Wrappers over pybabel for the translation workflow, used by the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from core.config import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
BABEL_CFG = ROOT / "babel.cfg"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> Path:
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CFG),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "ipbes-engagement",
        "-o",
        str(output),
        str(ROOT),
    )
    return output


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def update() -> None:
    for language in LANGUAGES:
        if catalog_path(language).exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language, "--no-fuzzy-matching")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language)


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
