"""A re-base: a PC whose generation is not the hub's gets back what it may lack.

A PC restored from an old backup lacks the entries it pushed after that backup (the
hub holds them; its own pulls skip them, since a PC holds its own). It names the
generation it holds; the hub answers with this device's entries of that generation
and later, page by page, and with the generation to go on with. The PC applies them
as received (they travel to no one again), its clock moves past them, and its pushes
go on. A PC that merely lost the answer of its last push gets back the few entries of
that push, which it holds already: nothing changes.

A PC whose generation is ahead of the hub's has pushed more than the hub holds: the
hub's database was restored from a backup. The answer says so (`hub_behind`), and the
PC sends again everything it made and pulls again from the start (docs/sync-protocol.md).
"""

from __future__ import annotations

from sqlalchemy import select

from cdsxa.hub.database import HubDatabase
from cdsxa.hub.enrolment import DeviceIdentity
from cdsxa.hub.models import Entry
from cdsxa.hub.pull import wire_entry
from cdsxa.hub.push import sync_state
from cdsxa.sync import wire


def own_entries(database: HubDatabase, who: DeviceIdentity, generation: int, after: int,
                limit: int) -> wire.RebaseAnswer:
    limit = max(1, min(limit, wire.MAX_PULL_ENTRIES))
    with database.transaction() as hub:
        current = sync_state(hub, who).generation
        rows = hub.scalars(select(Entry).where(
            Entry.commune_code == who.commune_code, Entry.device_id == who.device_id,
            Entry.generation >= min(generation, current), Entry.seq > after)
            .order_by(Entry.seq).limit(limit)).all()
        entries = [wire_entry(row, who.commune_code) for row in rows]
    more = len(rows) == limit
    return wire.RebaseAnswer(entries=entries, after=rows[-1].seq if rows else after,
                             more=more, generation=current, hub_behind=generation > current)
