"""The catalogue of support topics: data from the province, not an enum in code."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.db.activity import Topic


@dataclass(frozen=True)
class TopicView:
    code: str
    name: str
    name_en: str
    category: str
    outcome: str | None


def catalogue(session: Session, include_inactive: bool = False) -> list[TopicView]:
    query = select(Topic).order_by(Topic.position)
    if not include_inactive:
        query = query.where(Topic.active.is_(True))
    return [TopicView(t.code, t.name, t.name_en, t.category, t.outcome)
            for t in session.scalars(query)]


def by_code(session: Session, codes: Iterable[str] | None = None) -> dict[str, TopicView]:
    """The catalogue by code (inactive topics included), or only the given codes:
    a save looks up its own topics rather than reading the whole catalogue."""
    query = select(Topic.code, Topic.name, Topic.name_en, Topic.category, Topic.outcome)
    if codes is not None:
        query = query.where(Topic.code.in_(set(codes)))
    return {row.code: TopicView(*row) for row in session.execute(query)}
