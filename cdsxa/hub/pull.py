"""Answering a pull: the commune's relay log after the client's cursor.

Other devices' entries only (a PC holds its own), oldest first, at most `limit`; and
the topic catalogue the commune's replica holds, when the client's differs.
The cursor is a position in the commune's `seq`: the commune's `last_seq` is read
before the entries, so an entry numbered up to it has been committed (a push numbers
and commits its entries under the commune row's lock) and none is skipped by a
push that commits while the pull reads.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.db.activity import Topic
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.enrolment import DeviceIdentity
from cdsxa.hub.models import Commune, Entry
from cdsxa.hub.replica import Replicas
from cdsxa.sync import wire


def entries_after(database: HubDatabase, who: DeviceIdentity, after: int,
                  limit: int, replicas: Replicas | None = None,
                  catalogue_version: str | None = None,
                  after_entry: str | None = None) -> wire.PullAnswer:
    limit = max(1, min(limit, wire.MAX_PULL_ENTRIES))
    with database.transaction() as hub:
        last = hub.scalar(select(Commune.last_seq).where(
            Commune.commune_code == who.commune_code))
        last = int(last or 0)
        if after > last:  # the PC has seen more than the hub holds: a restored hub
            raise HubBehind()
        if after and after_entry is not None and _entry_at(hub, who.commune_code,
                                                           after) != after_entry:
            raise HubBehind()  # numbered again since: a restored hub that moved on
        rows = hub.scalars(select(Entry).where(
            Entry.commune_code == who.commune_code, Entry.seq > after, Entry.seq <= last,
            Entry.device_id != who.device_id).order_by(Entry.seq).limit(limit)).all()
        entries = [wire_entry(row, who.commune_code) for row in rows]
        full = len(rows) == limit
        cursor = rows[-1].seq if full else max(after, last)
        at_cursor = _entry_at(hub, who.commune_code, cursor) if cursor else None
    topics, version = (_catalogue(replicas, who.commune_code) if replicas is not None
                       else (None, None))
    return wire.PullAnswer(entries=entries, cursor=cursor, cursor_entry=at_cursor,
                           more=full and cursor < last,
                           catalogue=topics if version != catalogue_version else None,
                           catalogue_version=version)


HUB_BEHIND = ("Máy này đã nhận nhiều hơn những gì máy chủ tỉnh đang giữ (máy chủ được khôi "
              "phục từ bản sao lưu). Phần mềm sẽ gửi lại mọi thay đổi của máy này và nhận lại "
              "từ đầu; không mất dữ liệu.")


def _entry_at(hub: Session, commune_code: int, seq: int) -> str | None:
    found = hub.scalar(select(Entry.entry_id).where(Entry.commune_code == commune_code,
                                                    Entry.seq == seq))
    return str(found) if found is not None else None


class HubBehind(Exception):
    """A cursor past the commune's last entry: the hub's database went back in time."""


def _catalogue(replicas: Replicas, commune_code: int,
               ) -> tuple[list[wire.TopicWire] | None, str | None]:
    """The commune's topic catalogue at the hub and its version (a hash of it)."""
    if not replicas.exists(commune_code):
        return None, None
    with replicas.get(commune_code).reading() as session:
        topics = [wire.TopicWire(code=t.code, name=t.name, name_en=t.name_en,
                                 category=t.category, outcome=t.outcome, position=t.position,
                                 active=t.active)
                  for t in session.scalars(select(Topic).order_by(Topic.code))]
    text = json.dumps([t.model_dump() for t in topics], ensure_ascii=False, sort_keys=True)
    return topics, hashlib.sha256(text.encode()).hexdigest()[:32]


def wire_entry(row: Entry, commune_code: int) -> wire.WireEntry:
    return wire.WireEntry(
        entry_id=str(row.entry_id), table=row.table_name, record_id=str(row.record_id),
        commune_code=commune_code, op=row.op, hlc=row.hlc,  # type: ignore[arg-type]
        device=str(row.device_id), base_version=row.base_version, values=row.values)
