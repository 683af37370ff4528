"""Everything a report needs, read into DataFrames in one go through the domain packages' services.

The only module of `reports/` that is handed a session. Survey responses are read without PII
questions; free-text answers are read (the frame holds them) but never shown.
"""

from __future__ import annotations

from sqlmodel import Session

from engagement import frames as records
from presentation.data import ReportData
from stakeholders.frames import member_states_frame, participation_frame, registry_frame
from surveys.analysis_inputs import invitations_frame
from surveys.catalogue import find_waves, wave_ids_up_to
from surveys.concordance import comparisons
from surveys.frame import question_catalog, responses_frame


class ReportError(LookupError):
    """The report cannot be made as asked (an unknown wave...)."""


def load(session: Session, wave_references) -> ReportData:
    waves, unknown = find_waves(session, wave_references)
    if unknown:
        raise ReportError(f"No survey wave with id or name {unknown[0]!r}.")
    if not waves:
        raise ReportError("Name at least one survey wave.")
    chosen = [w.id for w in waves]
    history_ids = sorted(set(wave_ids_up_to(session, max(w.year for w in waves))) | set(chosen))
    history = responses_frame(session, history_ids, include_pii=False)
    survey = history[history["wave_id"].isin(chosen)].reset_index(drop=True)
    for column in survey.select_dtypes("category"):
        survey[column] = survey[column].cat.remove_unused_categories()
    return ReportData(
        waves=tuple(waves),
        survey=survey,
        history=history,
        catalog=question_catalog(session, chosen),
        registry=registry_frame(session),
        participation=participation_frame(session),
        evidence=records.evidence_frame(session),
        actions=records.barrier_actions_frame(session),
        impact=records.impact_frame(session),
        concerns=records.concerns_frame(session),
        calls=records.calls_frame(session),
        invitations=invitations_frame(session, history_ids),
        member_states=member_states_frame(session),
        comparisons=comparisons(session, history_ids),
    )
