"""What needs doing, for the staff landing page: each domain registers a function that counts its own.

Core knows no domain package, so app.py registers each package's `staff_tasks(session)` here
(`register`); the landing page (`core.staff.views.home`) shows what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlmodel import Session

TASKS = "staff.tasks"  # key in app.extensions


@dataclass(frozen=True)
class Task:
    label: str  # e.g. "Organisations awaiting approval"
    count: int
    url: str  # the page where it is done


def register(app: Flask, tasks: Callable[[Session], list[Task]]) -> None:
    """Add a domain's counts to the landing page; `tasks` runs in the request (it may call url_for)."""
    app.extensions.setdefault(TASKS, []).append(tasks)


def collect(session: Session) -> list[Task]:
    return [task for tasks in current_app.extensions.get(TASKS, []) for task in tasks(session)]
