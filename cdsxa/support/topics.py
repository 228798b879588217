"""The catalogue of support topics: data from the province, not an enum in code."""

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


def by_code(session: Session) -> dict[str, TopicView]:
    return {t.code: t for t in catalogue(session, include_inactive=True)}
