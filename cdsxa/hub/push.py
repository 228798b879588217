"""Receiving a push: a commune PC's batch of entries, applied at most once.

    receive(database, replicas, who, request) -> wire.PushAnswer

In this order, under the commune row's lock (a commune's pushes take turns):
1. the batch is checked: every entry of the token's commune and made on the pushing
   device (a token cannot speak for another PC or commune);
2. the entries the hub does not hold yet are applied to the commune's replica with
   the PC's own procedure (cdsxa.sync.apply: the shared rules, checks and conflict
   records), in one replica transaction that commits;
3. then the checkpoint: the entries, and the merges the replica found (its own
   entries), are appended to the commune's relay log (`hub_entry`, numbered by
   `seq`) and the values of anything erased are emptied there;
4. the replica's own entries are marked relayed.
A crash after 2 repeats the batch: the replica skips what it holds (its change log),
and the relay log takes what it lacks; after 3, the same. The answer is sent only
after 3 commits, so an entry named held is held.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cdsxa.db.base import utcnow
from cdsxa.db.models import ChangeLogEntry
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.enrolment import DeviceIdentity
from cdsxa.hub.models import Commune, Device, Entry
from cdsxa.hub.replica import Replica, Replicas
from cdsxa.sync import wire
from cdsxa.sync.apply import RemoteChangeError, apply_remote
from cdsxa.sync.entries import Change
from cdsxa.sync.outbox import outgoing

HUB_DEVICE_LABEL = "máy chủ tỉnh (bản sao dữ liệu của xã)"
# Never the digest of any token: the replica's device cannot authenticate.
_NO_TOKEN = "-"


class PushRefused(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def receive(database: HubDatabase, replicas: Replicas, who: DeviceIdentity,
            request: wire.PushRequest) -> wire.PushAnswer:
    changes = [entry.to_change() for entry in request.entries]
    _check_sender(who, changes)
    with database.transaction() as hub:
        commune = hub.get(Commune, who.commune_code, with_for_update=True)
        assert commune is not None  # the token's commune exists
        replica = replicas.get(who.commune_code)
        _know_replica_device(hub, replica)
        held = _held(hub, who.commune_code, [c.entry_id for c in changes])
        todo = [c for c in changes if c.entry_id not in held]
        try:
            with replica.transaction() as session:
                report = apply_remote(session, todo)
        except RemoteChangeError as error:
            raise PushRefused(422, "invalid_entry", error.message) from None
        refused = {entry_id: why for entry_id, why in report.refused}
        found = _replica_entries(replica)
        appended = _append(hub, commune, [c for c in todo if c.entry_id not in refused]
                           + found)
        _scrub(hub, who.commune_code, report.erased)
        held |= appended
    _mark_relayed(replica, [c.entry_id for c in found])
    return wire.PushAnswer(
        held=[i for i in dict.fromkeys(c.entry_id for c in changes) if i in held],
        refused=[wire.RefusedEntry(entry_id=i, message=m) for i, m in refused.items()],
        conflicts=len(report.conflicts), cursor=commune.last_seq)


def _check_sender(who: DeviceIdentity, changes: Sequence[Change]) -> None:
    for change in changes:
        if change.commune_code != who.commune_code:
            raise PushRefused(403, "other_commune", "Máy này chỉ được gửi dữ liệu của xã đã "
                              "đăng ký; đợt gửi có dữ liệu của xã khác nên bị từ chối.")
        if change.device != str(who.device_id):
            raise PushRefused(403, "other_device", "Đợt gửi có thay đổi không do máy này "
                              "ghi; mỗi máy chỉ gửi thay đổi của chính nó.")


def _know_replica_device(hub: Session, replica: Replica) -> None:
    """The replica's merges are entries of its device: a device of the commune that no
    token speaks for."""
    if hub.get(Device, (replica.commune_code, replica.device_id)) is None:
        hub.add(Device(commune_code=replica.commune_code, device_id=replica.device_id,
                       token_hash=_NO_TOKEN, label=HUB_DEVICE_LABEL,
                       protocol=wire.PROTOCOL_VERSION))
        hub.flush()


def _held(hub: Session, commune_code: int, entry_ids: Iterable[str]) -> set[str]:
    ids = sorted({uuid.UUID(i) for i in entry_ids})
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found |= {str(i) for i in hub.scalars(select(Entry.entry_id).where(
            Entry.commune_code == commune_code, Entry.entry_id.in_(ids[start:start + 500])))}
    return found


def _append(hub: Session, commune: Commune, changes: Sequence[Change]) -> set[str]:
    """The relay log takes each entry once, in the order given; returns their ids."""
    unique = list({c.entry_id: c for c in changes}.values())
    present = _held(hub, commune.commune_code, [c.entry_id for c in unique])
    now = utcnow()
    rows = []
    for change in unique:
        if change.entry_id in present:
            continue
        commune.last_seq += 1
        rows.append({
            "commune_code": commune.commune_code, "entry_id": uuid.UUID(change.entry_id),
            "seq": commune.last_seq, "device_id": uuid.UUID(change.device),
            "hlc": change.hlc.encode(),
            "base_version": change.base_version.encode() if change.base_version else None,
            "table_name": change.table, "record_id": uuid.UUID(change.record_id),
            "op": change.op, "values": dict(change.values), "received_at": now})
    if rows:
        hub.execute(insert(Entry), rows)
    hub.flush()
    return {c.entry_id for c in unique}


def _scrub(hub: Session, commune_code: int, erased: Sequence[tuple[str, str]]) -> None:
    """Nothing of an erased record stays in the relay log: its entries keep no values."""
    for table, record_id in erased:
        hub.execute(update(Entry).where(
            Entry.commune_code == commune_code, Entry.table_name == table,
            Entry.record_id == uuid.UUID(record_id)).values(values={}))


def _replica_entries(replica: Replica) -> list[Change]:
    """What the replica wrote of its own (the merges it found), not relayed yet: a few
    per batch at most (one per duplicate found)."""
    with replica.reading() as session:
        return outgoing(session, limit=10 * wire.MAX_BATCH_ENTRIES)


def _mark_relayed(replica: Replica, entry_ids: Sequence[str]) -> None:
    if not entry_ids:
        return
    with replica.transaction() as session:
        ids = [uuid.UUID(i) for i in entry_ids]
        for start in range(0, len(ids), 500):
            session.execute(update(ChangeLogEntry).where(
                ChangeLogEntry.id.in_(ids[start:start + 500]),
                ChangeLogEntry.acked_at.is_(None)).values(acked_at=utcnow()))
