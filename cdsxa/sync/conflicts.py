"""The conflicts sync kept for review, in words, and the two ways to settle one.

    open_conflicts(session) -> [OpenConflict]   # newest first, values in words
    keep_current(session, conflict_id)          # the value in use stays; resolved
    cdsxa.sync.apply.reverse(session, id)       # the other value comes back

A conflict is a value that lost to a concurrent edit on another PC (docs/sync-rules.md
§3 to §7). The record is named as the activity log names it (a person by their name),
the field by its Vietnamese label, and both values as the log shows values. Conflicts
of an erased record carry no values and show none.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common.errors import NotFound, UserError
from cdsxa.db.base import utcnow
from cdsxa.db.models import SyncConflict
from cdsxa.db.session import actor_of
from cdsxa.security import audit
from cdsxa.security.access import Permission, require, require_village
from cdsxa.security.audit_lines import RecordNames, value_text
from cdsxa.sync import journal
from cdsxa.sync.entries import DELETED
from cdsxa.sync.records import DERIVED

LIMIT = 500  # more than anyone reviews at once; the count says how many there are

KIND_LABELS = {
    "edit": "Hai máy cùng sửa",
    "delete_vs_edit": "Một máy xóa, máy kia sửa",
    "erased": "Sửa hồ sơ đã xóa hẳn",
    "duplicate": "Hồ sơ trùng đã gộp",
}
_DELETED_LABEL = "Tình trạng hồ sơ"
_DELETED_VALUES = {True: "đã xóa", False: "còn dùng"}


@dataclass(frozen=True)
class OpenConflict:
    id: uuid.UUID
    detected_at: datetime
    kind: str
    kind_label: str
    table: str
    record_id: uuid.UUID
    record: str  # "Người dân: Lò Thị Mai"
    field: str
    field_label: str  # "Số điện thoại"
    current: str  # the value in use, in words ("" when erased)
    other: str  # the value that lost, in words ("" when erased)
    erased: bool  # the record was erased: no values, nothing to put back

    @property
    def can_take_other(self) -> bool:
        return not self.erased and self.field not in DERIVED.get(self.table, {})


def open_conflicts(session: Session, limit: int = LIMIT) -> list[OpenConflict]:
    """The conflicts not yet settled, newest first. They show personal values: the
    sync administrator's to review."""
    require(session, Permission.SYNC)
    rows = list(session.scalars(select(SyncConflict).where(SyncConflict.resolved_at.is_(None))
                                .order_by(SyncConflict.detected_at.desc()).limit(limit)))
    names = RecordNames(session)
    wanted: dict[str, set[uuid.UUID]] = {}
    for row in rows:
        wanted.setdefault(row.table_name, set()).add(row.record_id)
    names.load(wanted)
    return [_view(session, row, names) for row in rows]


def _view(session: Session, row: SyncConflict, names: RecordNames) -> OpenConflict:
    record = names.get(row.table_name, row.record_id)
    erased = row.kind == "erased" or (record is None and row.losing_value is None
                                      and row.winning_value is None)
    kind_label = audit.TABLE_LABELS.get(row.table_name, row.table_name)
    name = names.name(row.table_name, row.record_id) if record is not None else ""
    shown = (f"{kind_label}: {name}" if name
             else f"{kind_label} (đã xóa hẳn)" if erased else kind_label)
    current, other = "", ""
    if not erased:
        now = (journal.to_json(getattr(record, row.field)) if record is not None
               and hasattr(record, row.field) else _loaded(row.winning_value))
        current = _words(row.field, now, names)
        other = _words(row.field, _loaded(row.losing_value), names)
    return OpenConflict(row.id, row.detected_at, row.kind, KIND_LABELS.get(row.kind, row.kind),
                        row.table_name, row.record_id, shown, row.field, field_label(row.field),
                        current, other, erased)


def field_label(field: str) -> str:
    if field == DELETED:
        return _DELETED_LABEL
    return audit.FIELD_LABELS.get(field, field)


def _loaded(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _words(field: str, value: Any, names: RecordNames) -> str:
    if field == DELETED and isinstance(value, bool):
        return _DELETED_VALUES[value]
    return value_text(field, value, names)


def keep_current(session: Session, conflict_id: uuid.UUID) -> None:
    """The value in use stays (nothing of the record changes); the conflict is settled
    and the audit log says who settled it, as a reversal does through its edit."""
    require(session, Permission.EDIT_RECORDS)
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("Không tìm thấy xung đột đồng bộ này.")
    if conflict.resolved_at is not None:
        raise UserError("Xung đột này đã được xử lý.")
    row = session.get(journal.models()[conflict.table_name], conflict.record_id) \
        if conflict.table_name in journal.models() else None
    if row is not None and getattr(row, "village_id", None) is not None:
        require_village(session, Permission.EDIT_RECORDS, row.village_id)
    conflict.resolved_at = utcnow()
    conflict.resolved_by = actor_of(session).name
    # No value in the log: it would outlive an erasure of the person (summaries stay).
    audit.record(session, "sync_conflict",
                 f"Giữ giá trị đang dùng của “{field_label(conflict.field)}”, bỏ giá trị "
                 f"từ máy khác ({KIND_LABELS.get(conflict.kind, conflict.kind).lower()}).",
                 object_table=conflict.table_name, object_id=conflict.record_id)
