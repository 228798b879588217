"""The PC side of sync: what goes out (`outgoing`), applying what comes in
(`apply_remote`), and putting back a value that lost (`reverse`).

apply_remote follows the rules' receiving procedure (docs/sync-rules.md,
tests/test_sync_rules.py `Replica`) in one transaction: every entry is checked
first and the whole batch refused if one is wrong; entries already in the
change log are skipped; each clock is taken in by the HLC receive rule (an entry
from a device whose clock is too far ahead is refused alone, and reported);
states are merged field by field (cdsxa.sync.workspace), written in remote mode
(no change-log entry of their own: nothing echoes), and each entry is kept in the
change log as received, acknowledged, with the conflicts it made.

Rows written for remote changes are stamped with the winning clock: hlc and
device_id from it, updated_at its wall time, updated_by "device:<its device id>"
(a change carries no author's name).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from cdsxa.db.engine import Database

from cdsxa.common.clock import ClockDriftError, Hlc, HlcClock, pack, unpack, wall_clock_ms
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.text import fold
from cdsxa.commune import calendar
from cdsxa.db.base import utcnow
from cdsxa.db.models import ChangeLogEntry, SyncConflict, ThisDevice
from cdsxa.db.session import actor_of
from cdsxa.register.erase import purge_search_index
from cdsxa.security import audit
from cdsxa.security.access import SYSTEM, Permission, require, require_village
from cdsxa.sync import journal, values
from cdsxa.sync.duplicates import merge_change
from cdsxa.sync.entries import DELETED, MERGED_INTO, Change, canonical_json, unseen
from cdsxa.sync.outbox import outgoing
from cdsxa.sync.records import DERIVED, Conflict
from cdsxa.sync.workspace import Workspace

__all__ = ["Report", "RemoteChangeError", "apply_remote", "outgoing", "reverse"]


class RemoteChangeError(UserError):
    """A received batch that cannot be applied; nothing of it was."""

    def __init__(self, detail: str, entry_id: str | None = None) -> None:
        where = f" (mục {entry_id})" if entry_id else ""
        super().__init__(f"Dữ liệu đồng bộ nhận được không hợp lệ, chưa áp dụng thay đổi "
                         f"nào của đợt này: {detail}{where}.")
        self.entry_id = entry_id
        self.detail = detail


@dataclass
class Report:
    applied: int = 0  # entries applied and recorded
    already_seen: int = 0  # entries skipped: in the change log already, or repeated
    conflicts: list[Conflict] = field(default_factory=list)
    merged: list[tuple[str, str, str]] = field(default_factory=list)  # table, loser, survivor
    refused: list[tuple[str, str]] = field(default_factory=list)  # entry id, why (clock)
    waiting: int = 0  # records known only in part (changes before their insert)
    erased: list[tuple[str, str]] = field(default_factory=list)  # table, id: none of it kept


def apply_remote(target: Database | Session, changes: Sequence[Change],
                 rebasing: bool = False) -> Report:
    """Apply a batch received from the hub, all or nothing (RemoteChangeError).

    `rebasing`: the entries are this PC's own, given back by the hub in a re-base
    (cdsxa.hub.rebase: a restored backup lacks them); otherwise an entry carrying
    this PC's device id is refused."""
    if not isinstance(target, Session):
        with target.transaction(SYSTEM) as session:
            return _apply(session, changes, target.commune_code, rebasing)
    with target.begin_nested():
        return _apply(target, changes, actor_of(target).commune_code, rebasing)


def _apply(session: Session, changes: Sequence[Change], commune: int | None,
           rebasing: bool = False) -> Report:
    require(session, Permission.SYNC)
    today = calendar.today(session)
    for change in changes:
        _check(change, commune, today)
    seen = _seen(session, {change.entry_id for change in changes})
    try:
        todo = unseen(changes, seen)
    except ValueError as error:
        raise RemoteChangeError(f"một mục có hai nội dung khác nhau ({error})") from None
    report = Report(already_seen=len(changes) - len(todo))
    device = _DeviceClock(session)
    if rebasing:
        if any(change.device != device.device for change in todo):
            raise RemoteChangeError("đồng bộ lại chỉ trả về thay đổi của chính máy này")
    else:
        for change in todo:
            _check_author(change, device.device)
    work = Workspace(session, device.tick)
    work.prefetch(todo)
    received: list[Change] = []
    for change in todo:
        try:
            device.observe(change.hlc)
        except ClockDriftError as error:
            report.refused.append((change.entry_id, str(error)))
            continue
        try:
            work.apply(change)
        except ValueError as error:
            raise RemoteChangeError(str(error), change.entry_id) from None
        received.append(change)
    try:
        work.write()
        _log_received(session, received)
        _log_merges(session, work)
        _store_conflicts(session, work.conflicts)
        _scrub(session, work.erased)
        device.save()
        session.flush()
    except IntegrityError as error:
        # (the English words are what the tests and the log search for)
        raise RemoteChangeError(f"cơ sở dữ liệu từ chối vì vi phạm một quy tắc "
                                f"(a rule of the database refuses it: {error.orig})") from None
    except UserError as error:  # the hook's checks (text limits), a second defence
        if isinstance(error, RemoteChangeError):
            raise
        raise RemoteChangeError(error.message) from None
    report.applied = len(received)
    report.conflicts = work.conflicts
    report.merged = [(loser.table, loser.record_id, survivor)
                     for loser, survivor, _clock in work.merges]
    report.waiting = work.waiting
    report.erased = list(work.erased)
    return report


def _check(change: Change, commune: int | None, today: date) -> None:
    if change.commune_code != commune:
        raise RemoteChangeError(f"mục của xã mã {change.commune_code}, còn dữ liệu này là của "
                                f"xã mã {commune}", change.entry_id)
    if change.table not in journal.models():
        raise RemoteChangeError(f"bảng không được đồng bộ: {change.table!r}", change.entry_id)
    try:
        for name, value in change.values.items():
            if name == MERGED_INTO:
                continue
            if name not in journal.columns(change.table):
                raise ValueError(f"bảng {change.table} không có cột đồng bộ {name!r}")
            journal.from_json(change.table, name, value)
        values.check(change.table, change.values, today)
    except ValueError as error:
        raise RemoteChangeError(str(error), change.entry_id) from None


def _check_author(change: Change, this_device: str) -> None:
    """An entry this PC did not write (it is not in its change log) cannot carry its
    device: a copy of this profile on another PC, an old backup restored, or a forgery.
    Taken in, it would also reuse clocks this PC issues."""
    if change.device == this_device:
        raise RemoteChangeError(
            "mục mang mã máy của chính máy này nhưng máy này không ghi nó; có thể hồ sơ "
            "dữ liệu này đang được dùng trên hai máy (sao chép, hoặc khôi phục bản sao lưu "
            "cũ). Hãy dừng đồng bộ và liên hệ cán bộ quản trị để cấp mã máy mới cho một "
            "trong hai máy", change.entry_id)


def _seen(session: Session, ids: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(uuid.UUID(i) for i in ids)
    for start in range(0, len(wanted), 500):
        found |= {str(i) for i in session.scalars(select(ChangeLogEntry.id).where(
            ChangeLogEntry.id.in_(wanted[start:start + 500])))}
    return found


class _DeviceClock:
    """This PC's clock (this_device.clock), advanced by what is received."""

    def __init__(self, session: Session) -> None:
        self.row = session.scalars(select(ThisDevice)).one()
        self.device = str(self.row.id)
        # The same wall clock as the change-log hook's.
        self.clock = HlcClock(self.device, now=wall_clock_ms,
                              last=unpack(self.row.clock, self.row.id))

    def observe(self, remote: Hlc) -> None:
        self.clock.observe(remote)

    def tick(self) -> Hlc:
        return self.clock.tick()

    def save(self) -> None:
        self.row.clock = max(self.row.clock, pack(self.clock.last))


def _log_received(session: Session, received: list[Change]) -> None:
    now = utcnow()
    versions = _versions(session, received)
    rows = []
    for change in received:
        base = change.base_version
        rows.append(dict(
            id=uuid.UUID(change.entry_id), table_name=change.table,
            record_id=uuid.UUID(change.record_id), op=journal.log_op(change.op),
            version=versions.get((change.table, change.record_id), 0),
            commune_code=change.commune_code,
            changed_at=journal.wall_time(change.hlc), changed_by=f"device:{change.device}",
            acked_at=now, received_at=now, hlc=pack(change.hlc),
            device_id=uuid.UUID(change.device),
            base_hlc=pack(base) if base else None,
            base_device=uuid.UUID(base.device) if base else None,
            fields=json.dumps(sorted(change.values)) if change.op == "update" else None))
    if rows:
        session.execute(insert(ChangeLogEntry), rows)


def _versions(session: Session, changes: Sequence[Change]) -> dict[tuple[str, str], int]:
    """The local version of each record the changes name (0 for one with no row)."""
    by_table: dict[str, set[uuid.UUID]] = {}
    for change in changes:
        by_table.setdefault(change.table, set()).add(uuid.UUID(change.record_id))
    found: dict[tuple[str, str], int] = {}
    for table, ids in by_table.items():
        model: Any = journal.models()[table]
        wanted = sorted(ids)
        for start in range(0, len(wanted), 500):
            for record_id, version in session.execute(select(model.id, model.version).where(
                    model.id.in_(wanted[start:start + 500]))):
                found[(table, str(record_id))] = version
    return found


def _log_merges(session: Session, work: Workspace) -> None:
    """The merge entries this PC authors: pending, so the hub and the others learn it."""
    name = actor_of(session).name
    for loser, survivor, merged_at in work.merges:
        entry = merge_change(loser, survivor, str(uuid.uuid4()), merged_at)
        base = entry.base_version
        assert base is not None  # a merge entry is an update
        row = session.get(journal.models()[loser.table], uuid.UUID(loser.record_id))
        session.add(ChangeLogEntry(
            id=uuid.UUID(entry.entry_id), table_name=entry.table,
            record_id=uuid.UUID(entry.record_id), op="update",
            version=row.version if row is not None else 0, commune_code=entry.commune_code,
            changed_at=utcnow(), changed_by=name, hlc=pack(merged_at),
            device_id=uuid.UUID(merged_at.device), base_hlc=pack(base),
            base_device=uuid.UUID(base.device), fields=json.dumps([MERGED_INTO])))


def _json_text(conflict: Conflict, value: object) -> str | None:
    return None if conflict.kind == "erased" else canonical_json(value)  # type: ignore[arg-type]


def _store_conflicts(session: Session, conflicts: list[Conflict]) -> None:
    for c in conflicts:
        session.add(SyncConflict(
            kind=c.kind, table_name=c.table, record_id=uuid.UUID(c.record_id), field=c.field,
            losing_value=_json_text(c, c.losing_value), losing_clock=c.losing_clock.encode(),
            losing_entry=uuid.UUID(c.losing_entry) if c.losing_entry else None,
            winning_value=_json_text(c, c.winning_value),
            winning_clock=c.winning_clock.encode() if c.winning_clock else None,
            winning_entry=uuid.UUID(c.winning_entry) if c.winning_entry else None))
    session.flush()


def _scrub(session: Session, erased: list[tuple[str, str]]) -> None:
    """Personal data does not outlive an erasure: not in the audit trail, nor in conflicts."""
    ids = [uuid.UUID(record_id) for _table, record_id in erased]
    if not ids:
        return
    if any(table == "person" for table, _id in erased):
        purge_search_index(session)
    audit.scrub(session, ids)
    session.execute(update(SyncConflict).where(SyncConflict.record_id.in_(ids))
                    .values(losing_value=None, winning_value=None))


def reverse(session: Session, conflict_id: uuid.UUID) -> None:
    """Put back the value that lost, as a new local edit (it then wins everywhere), and
    mark the conflict resolved."""
    require(session, Permission.EDIT_RECORDS)
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("Không tìm thấy xung đột đồng bộ này.")
    if conflict.resolved_at is not None:
        raise UserError("Xung đột này đã được xử lý.")
    if conflict.kind == "erased" or conflict.losing_value is None:
        raise UserError("Hồ sơ đã bị xóa hẳn theo yêu cầu của người dân: không thể khôi phục.")
    table = conflict.table_name
    if conflict.field in DERIVED.get(table, {}):  # kept by an older version
        raise UserError("Giá trị này được tính từ tên: hãy khôi phục tên.")
    row = session.get(journal.models()[table], conflict.record_id)
    if row is None:
        raise NotFound("Hồ sơ của xung đột này không còn.")
    if hasattr(row, "village_id") and row.village_id is not None:
        require_village(session, Permission.EDIT_RECORDS, row.village_id)
    value = json.loads(conflict.losing_value)
    if conflict.field == DELETED:
        row.deleted = bool(value)
    else:
        python = journal.from_json(table, conflict.field, value)
        setattr(row, conflict.field, python)
        if conflict.field in journal.NAME_SOURCES and hasattr(row, "name_key"):
            row.name_key = fold(python)
    conflict.resolved_at = utcnow()
    conflict.resolved_by = actor_of(session).name
    try:
        session.flush()
    except IntegrityError:
        raise UserError("Không thể khôi phục giá trị này: nó trùng với một hồ sơ khác.") from None
