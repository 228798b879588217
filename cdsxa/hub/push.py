"""Receiving a push: a commune PC's batch of entries, applied at most once.

    receive(database, replicas, who, request) -> wire.PushAnswer

In this order, under the commune row's lock (a commune's pushes take turns):
1. the batch is checked: every entry of the token's commune and made on the pushing
   device (a token cannot speak for another PC or commune), and the PC's generation is
   the one the hub gave it last (else 412: it re-bases first, cdsxa.hub.rebase), or
   this is the batch that gave it, delivered again;
2. the entries the hub does not hold yet are applied to the commune's replica with
   the PC's own procedure (cdsxa.sync.apply: the shared rules, checks and conflict
   records), in one replica transaction that commits;
3. then the checkpoint: the entries, and the merges the replica found (its own
   entries), are appended to the commune's relay log (`hub_entry`, numbered by
   `seq`) and the values of anything erased are emptied there;
4. the replica's own entries are marked relayed.
The batch's audit events (who did what, pseudonymised: cdsxa.sync.wire.AuditWire) are
kept with the checkpoint, each once.
A crash after 2 repeats the batch: the replica skips what it holds (its change log),
and the relay log takes what it lacks; after 3, the same. The answer is sent only
after 3 commits, so an entry named held is held.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cdsxa.db.base import utcnow
from cdsxa.db.models import ChangeLogEntry
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.enrolment import DeviceIdentity
from cdsxa.hub.models import AuditEvent as HubAuditEvent
from cdsxa.hub.models import Commune, Device, DeviceSync, Entry
from cdsxa.hub.replica import Replica, Replicas
from cdsxa.sync import wire
from cdsxa.sync.apply import RemoteChangeError, apply_remote
from cdsxa.sync.entries import Change
from cdsxa.sync.outbox import outgoing

HUB_DEVICE_LABEL = "máy chủ tỉnh (bản sao dữ liệu của xã)"
# Never the digest of any token: the replica's device cannot authenticate.
_NO_TOKEN = "-"


REBASE_NEEDED = ("Dữ liệu trên máy này không khớp với những gì máy chủ tỉnh đã nhận từ máy "
                 "này (máy được khôi phục từ bản sao lưu cũ, được sao chép, hoặc mất câu trả "
                 "lời lần gửi trước). Phần mềm sẽ lấy lại phần còn thiếu rồi gửi tiếp; không "
                 "mất dữ liệu.")


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
        standing = sync_state(hub, who)
        batch = uuid.UUID(request.batch_id)
        again = (request.generation == standing.generation - 1
                 and standing.last_batch == batch)
        if request.generation != standing.generation and not again:
            raise PushRefused(412, "rebase_needed", REBASE_NEEDED)
        replica = replicas.get(who.commune_code)
        _know_replica_device(hub, replica)
        held = _held(hub, who.commune_code, [c.entry_id for c in changes])
        todo = [c for c in changes if c.entry_id not in held]
        try:
            with replica.transaction() as session:
                report = apply_remote(session, todo)
        except RemoteChangeError as error:
            raise PushRefused(422, "invalid_entry", _refusal_text(error, changes)) from None
        refused = {entry_id: why for entry_id, why in report.refused}
        found = _replica_entries(replica)
        appended = _append(hub, commune, [c for c in todo if c.entry_id not in refused]
                           + found, standing.generation)
        _scrub(hub, who.commune_code, report.erased)
        held |= appended
        audit_held = _keep_audit(hub, who, request.audit)
        if not again:
            standing.generation += 1
            standing.last_batch = batch
    _mark_relayed(replica, [c.entry_id for c in found])
    ids = list(dict.fromkeys(c.entry_id for c in changes))
    held_all = all(i in held for i in ids)
    return wire.PushAnswer(
        held=[] if held_all else [i for i in ids if i in held], held_all=held_all,
        refused=[wire.RefusedEntry(entry_id=i, message=m) for i, m in refused.items()],
        conflicts=len(report.conflicts), cursor=commune.last_seq,
        generation=standing.generation, audit_held=audit_held)


def _refusal_text(error: RemoteChangeError, changes: Sequence[Change]) -> str:
    """What was wrong, where, never the value: a refusal carries no commune data (the
    rules' own message quotes the value, for the PC's log)."""
    tables = {c.entry_id: c.table for c in changes}
    table = tables.get(error.entry_id or "")
    where = f"mục {error.entry_id} (bảng {table})" if table else "một mục của đợt"
    return (f"Máy chủ tỉnh không nhận đợt thay đổi này: {where} có giá trị mà quy tắc của "
            "CĐS Xã không cho phép, nên chưa áp dụng mục nào của đợt. Dữ liệu vẫn an toàn "
            "trên máy; hãy báo cán bộ quản trị của xã.")


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


def sync_state(hub: Session, who: DeviceIdentity) -> DeviceSync:
    """The device's sync generation (made at 0 with its first exchange)."""
    standing = hub.get(DeviceSync, (who.commune_code, who.device_id))
    if standing is None:
        standing = DeviceSync(commune_code=who.commune_code, device_id=who.device_id,
                              generation=0, last_batch=None)
        hub.add(standing)
        hub.flush()
    return standing


def _append(hub: Session, commune: Commune, changes: Sequence[Change],
            generation: int = 0) -> set[str]:
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
            "op": change.op, "values": dict(change.values), "received_at": now,
            "generation": generation})
    if rows:
        hub.execute(insert(Entry), rows)
    hub.flush()
    return {c.entry_id for c in unique}


def _keep_audit(hub: Session, who: DeviceIdentity,
                events: Sequence[wire.AuditWire]) -> list[str]:
    """The audit events of the batch, each held once; returns every id held."""
    wanted = {uuid.UUID(e.event_id): e for e in events}
    present: set[uuid.UUID] = set()
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        present |= set(hub.scalars(select(HubAuditEvent.event_id).where(
            HubAuditEvent.commune_code == who.commune_code,
            HubAuditEvent.event_id.in_(ids[start:start + 500]))))
    rows = [{"commune_code": who.commune_code, "event_id": event_id,
             "device_id": who.device_id, "at": datetime.fromisoformat(e.at),
             "actor": e.actor, "action": e.action, "object_table": e.object_table,
             "object_id": uuid.UUID(e.object_id) if e.object_id else None,
             "change_id": uuid.UUID(e.change_id) if e.change_id else None,
             "received_at": utcnow()}
            for event_id, e in wanted.items() if event_id not in present]
    if rows:
        hub.execute(insert(HubAuditEvent), rows)
    return [str(i) for i in ids]


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
