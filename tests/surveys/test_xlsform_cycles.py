"""Dependency cycles among relevant, constraint, calculation and choice_filter are refused (issue 15)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.xlsform.cycles import Node, find_cycles
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from tests.surveys.xlsform_builder import workbook


def text(name: str, **columns) -> dict:
    return {"type": "text", "name": name, "label": name, **columns}


def cycle_messages(survey: list[dict]) -> list[tuple[int, str, str]]:
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(workbook(survey, [], {"form_id": "f"}))
    return [(p.row, p.column, p.text) for p in caught.value.problems if "depend on each other" in p.text]


def test_two_questions_relevant_on_each_other_are_refused_naming_both():
    survey = [text("a", relevant="${b} = 'x'"), text("b", relevant="${a} = 'x'"), text("c")]

    assert cycle_messages(survey) == [
        (2, "relevant", "these questions depend on each other, so the form could never be completed: "
         "a (row 2) → b (row 3) → a (row 2)")
    ]  # fmt: skip


def test_a_question_relevant_on_itself_is_refused():
    assert [(row, column) for row, column, _ in cycle_messages([text("a", relevant="${a} != ''")])] == [(2, "relevant")]


def test_a_longer_cycle_through_other_columns_is_refused_once():
    survey = [
        text("a", relevant="${c} = 'x'"),
        text("b", calculation="concat(${a}, 'x')"),
        text("c", constraint=". != ${b}"),
        text("d", relevant="${a} = 'x'"),
    ]

    messages = cycle_messages(survey)

    assert len(messages) == 1
    assert "a (row 2) → b (row 3) → c (row 4) → a (row 2)" in messages[0][2]


def test_a_page_relevant_on_its_own_question_is_a_cycle():
    survey = [
        {"type": "begin group", "name": "p", "label": "P", "relevant": "${a} = 'x'"},
        text("a"),
        {"type": "end group"},
    ]

    assert "p (row 2) → a (row 3) → p (row 2)" in cycle_messages(survey)[0][2]


def test_a_constraint_on_its_own_question_and_chains_without_cycles_are_accepted():
    survey = [text("a", constraint="${a} != 'x'"), text("b", relevant="${a} = 'y'"), text("c", relevant="${b} = 'z'")]

    assert [q.name for q in parse_xlsform(workbook(survey, [], {"form_id": "f"})).questions()] == ["a", "b", "c"]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 7), st.sets(st.integers(0, 7), max_size=3), max_size=8))
def test_a_cycle_is_found_exactly_when_a_question_can_reach_itself(graph):
    nodes = [
        Node(f"q{n}", n, {"relevant": " and ".join(f"${{q{m}}} = 1" for m in sorted(graph.get(n, ())))}, ())
        for n in range(8)
    ]

    def reaches_itself(start: int) -> bool:
        seen, todo = set(), list(graph.get(start, ()))
        while todo:
            node = todo.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    in_cycles = {node.row for members, _ in find_cycles(nodes) for node in members}
    assert in_cycles == {n for n in range(8) if reaches_itself(n)}


def test_cycle_finding_does_not_recurse_on_a_long_chain():
    nodes = [Node(f"q{n}", n, {"relevant": f"${{q{n + 1}}} = 1"}, ()) for n in range(5000)]
    nodes.append(Node("q5000", 5000, {"relevant": "${q0} = 1"}, ()))

    ((members, column),) = find_cycles(nodes)

    assert len(members) == 5001 and column == "relevant"
