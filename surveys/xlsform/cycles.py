"""Dependency cycles among questions: a form whose questions wait on each other can never be completed.

A question (or group) depends on the questions its `relevant`, `constraint`, `calculation` and
`choice_filter` name, and a question depends on the groups around it (it is shown only when they
are). `a` relevant on `b` while `b` is relevant on `a`, a question relevant on itself, or a page
relevant on a question of that page, is a cycle. A constraint may name its own question (it means
`.`), and nothing else counts as a cycle of one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")
COLUMNS = ("relevant", "constraint", "calculation", "choice_filter")


@dataclass(frozen=True)
class Node:
    name: str
    row: int
    cells: dict[str, str]
    parents: tuple[str, ...]  # the groups around it, outermost first


def edges(node: Node, names: set[str]) -> dict[str, str]:
    """name depended on -> the column that names it."""
    found: dict[str, str] = {}
    for column in COLUMNS:
        for name in REFERENCE.findall(node.cells.get(column, "")):
            if name in names and not (column == "constraint" and name == node.name):
                found.setdefault(name, column)
    for parent in node.parents:
        found.setdefault(parent, "")
    return found


def find_cycles(nodes: Iterable[Node]) -> list[tuple[list[Node], str]]:
    """Each cycle (strongly connected set of two or more, or a node naming itself), in form order, with the
    column of its first node that closes it."""
    nodes = list(nodes)
    by_name = {node.name: node for node in nodes}
    graph = {node.name: edges(node, set(by_name)) for node in nodes}
    found = []
    for component in _components(graph):
        members = sorted((by_name[name] for name in component), key=lambda node: node.row)
        first = members[0]
        if len(members) > 1 or first.name in graph[first.name]:
            column = next((graph[first.name][n] for n in component if n in graph[first.name]), "")
            found.append((members, column))
    return sorted(found, key=lambda cycle: cycle[0][0].row)


def _components(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, without recursion (forms have thousands of rows)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[name] = min(low[name], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[name])
            if low[name] == index[name]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == name:
                        break
                components.append(component)
    return components
