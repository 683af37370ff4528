"""The concordance tables: which question of one instrument version matches which of another, and
how their choices map (`surveys.concordance` keeps them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class QuestionMatch(SQLModel, table=True):
    """A question of an earlier instrument version matched to a question of a later one.

    `relation` is "mapped" (compared on the choices its `ChoiceMatch` rows say) or "none" (no
    equivalent: never compared)."""

    __table_args__ = (
        UniqueConstraint("later_version_id", "later_question", "earlier_version_id"),
        CheckConstraint("relation IN ('mapped', 'none')", name="ck_questionmatch_relation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    earlier_version_id: int = Field(foreign_key="instrumentversion.id", index=True, ondelete="CASCADE")
    earlier_question: str = Field(default="", max_length=100)  # "" when the relation is "none"
    later_version_id: int = Field(foreign_key="instrumentversion.id", index=True, ondelete="CASCADE")
    later_question: str = Field(max_length=100)
    relation: str = Field(default="mapped", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class ChoiceMatch(SQLModel, table=True):
    """One link between a choice of the later question and a choice of the earlier one.

    Several later choices linked to one earlier choice is a several-to-one mapping (the later
    answers are recoded into the earlier choice); a choice with no link has no equivalent."""

    __table_args__ = (UniqueConstraint("match_id", "later_choice", "earlier_choice"),)

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="questionmatch.id", index=True, ondelete="CASCADE")
    earlier_choice: str = Field(max_length=100)
    later_choice: str = Field(max_length=100)
