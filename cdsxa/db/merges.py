"""Which records were merged into which (a duplicate made on two PCs), as this PC
recorded it: local bookkeeping rows of the `setting` table,
`sync.merged_into.<table>.<id>` -> the survivor's id. They never travel.

In the db layer because erasure needs it too: erasing a person erases every
record merged into them, whose rows still hold the same person's data.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.db.models import Setting

MERGED_PREFIX = "sync.merged_into."


def merged_into(session: Session, table: str, record_id: str) -> str | None:
    found = _value(session, f"{MERGED_PREFIX}{table}.{record_id}")
    return found if isinstance(found, str) else None


def set_merged_into(session: Session, table: str, loser: str, survivor: str) -> None:
    key = f"{MERGED_PREFIX}{table}.{loser}"
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(survivor)))
    else:
        row.value = json.dumps(survivor)


def redirects(session: Session) -> dict[tuple[str, str], str]:
    """Every (table, loser id) -> survivor id recorded here."""
    rows = session.execute(select(Setting.key, Setting.value).where(
        Setting.key.startswith(MERGED_PREFIX, autoescape=True))).all()
    found = {}
    for key, value in rows:
        table, _dot, record_id = key[len(MERGED_PREFIX):].rpartition(".")
        found[(table, record_id)] = json.loads(value)
    return found


def merged_from(session: Session, table: str, survivor: str) -> list[str]:
    """The records merged into `survivor` (directly or through others)."""
    prefix = f"{MERGED_PREFIX}{table}."
    rows = session.execute(select(Setting.key, Setting.value).where(
        Setting.key.startswith(prefix, autoescape=True))).all()
    into = {key[len(prefix):]: json.loads(value) for key, value in rows}
    found, frontier = [], {survivor}
    while frontier:
        frontier = {loser for loser, target in into.items() if target in frontier}
        found.extend(sorted(frontier))
    return found


def _value(session: Session, key: str) -> object:
    row = session.get(Setting, key)
    return None if row is None else json.loads(row.value)
