"""Taking in the topic catalogue the province publishes (it arrives with a pull).

Topics are reference data, not commune records: a topic is added or updated by its
code and never removed (sessions name it; the province retires one by making it
inactive). Taken in the pull's transaction, before the entries that may name it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from cdsxa.db.activity import Topic
from cdsxa.security.access import Permission, require
from cdsxa.sync import wire


def take(session: Session, topics: Sequence[wire.TopicWire]) -> int:
    """Add or update every topic given; returns how many changed here."""
    require(session, Permission.SYNC)
    changed = 0
    for topic in topics:
        fields = topic.model_dump()
        row = session.get(Topic, topic.code)
        if row is None:
            session.add(Topic(**fields))
            changed += 1
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed += 1
    session.flush()
    return changed
