"""The app's session class: it carries a typed actor instead of untyped info keys."""

from typing import Any

from sqlalchemy.orm import Session

from cdsxa.common.actor import Actor


class NoActorError(RuntimeError):
    """A session was used without an actor (not made by cdsxa.db.engine.Database)."""


class AppSession(Session):
    """A session of one Database, acting as one Actor.

    `written` collects the tables its flushes wrote (what changed, for the GUI);
    `remote` is set while changes that came from elsewhere are applied, so the
    change-log hook keeps their stamps and writes no entry of its own.
    """

    def __init__(self, *args: Any, actor: Actor, writes: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.writes = writes
        self.written: set[str] = set()
        self.remote = False
        # The clock reading stamped by the flush under way, for its change-log entries.
        self.flush_clock: int | None = None


def actor_of(session: Session) -> Actor:
    if not isinstance(session, AppSession):
        raise NoActorError("this session was not made by cdsxa.db.engine.Database")
    return session.actor
