"""The audit log: who changed, exported, printed or signed in, and when.

Record changes are already in the change log (with old and new values for
updates); everything else is an AuditEvent. Browsing merges the two. Neither
can be edited: triggers refuse it (migration 0003).
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, literal, null, select, union_all, update
from sqlalchemy.orm import Session, aliased

from cdsxa.db.base import utcnow
from cdsxa.db.models import AuditEvent, ChangeLogEntry
from cdsxa.db.session import actor_of
from cdsxa.security.access import Permission, principal_of, require

# Record operations (change log) and events (audit_event), with their labels.
ACTIONS: dict[str, str] = {
    "insert": "Thêm mới",
    "update": "Sửa",
    "delete": "Xóa",
    "undelete": "Lấy lại bản ghi đã xóa",
    "erase": "Xóa hẳn (theo yêu cầu)",
    "sign_in": "Đăng nhập",
    "sign_in_failed": "Đăng nhập sai",
    "sign_out": "Đăng xuất",
    "lock": "Khóa màn hình",
    "unlock": "Mở khóa màn hình",
    "export": "Xuất dữ liệu",
    "print": "In",
    "settings": "Thay đổi cài đặt",
    "user": "Tài khoản người dùng",
    "password": "Đổi mật khẩu",
    "recovery": "Dùng khóa khôi phục",
    "backup": "Sao lưu",
    "restore": "Khôi phục",
    "encrypt": "Mã hóa dữ liệu",
    "upgrade": "Nâng cấp dữ liệu",  # what a schema migration reports (migration 0004)
    "import": "Nhập từ Excel",
    "sync_conflict": "Xử lý xung đột đồng bộ",
}
RECORD_OPS = ("insert", "update", "delete", "undelete", "erase")

TABLE_LABELS: dict[str, str] = {
    "commune_profile": "Hồ sơ xã",
    "village": "Thôn/bản",
    "population_figure": "Số liệu dân số",
    "household": "Hộ gia đình",
    "person": "Người dân",
    "person_outcome": "Kết quả của người dân",
    "team": "Tổ CNS cộng đồng",
    "team_member": "Thành viên tổ",
    "training": "Tập huấn",
    "support_session": "Buổi hỗ trợ",
    "group_session": "Lớp/buổi nhóm",
    "vneid_step": "Bước VNeID",
    # A session's topics and helpers, a class's trainers and attendees: rows of their own.
    "support_session_topic": "Chủ đề của buổi hỗ trợ",
    "support_session_member": "Người hỗ trợ trong buổi",
    "group_session_trainer": "Người dạy lớp",
    "group_session_attendee": "Người dự lớp",
    "app_user": "Người dùng",
    "setting": "Cài đặt",
}


# Column names as an officer knows them; others are shown as they are.
FIELD_LABELS: dict[str, str] = {
    "name": "Tên", "full_name": "Họ tên", "gender": "Giới tính", "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh", "ethnicity": "Dân tộc", "id_number": "Số định danh",
    "phone": "Số điện thoại", "village_id": "Thôn/bản", "household_id": "Hộ",
    "relation_to_head": "Quan hệ với chủ hộ", "notes": "Ghi chú", "deleted": "Đã xóa",
    "consent": "Đồng ý lưu dữ liệu", "consent_on": "Ngày đồng ý", "vneid_level": "Mức VNeID",
    "vneid_status": "Trạng thái VNeID", "vneid_status_on": "Ngày trạng thái VNeID",
    "reached_on": "Ngày đạt", "has_fibre": "Có cáp quang", "fibre_since": "Cáp quang từ",
    "code": "Mã hộ", "role": "Vai trò", "active": "Đang hoạt động", "person_id": "Người dân",
    "phone_number": "Số điện thoại", "left_on": "Ngày rời tổ", "position": "Chức vụ",
}


def record(session: Session, action: str, summary: str = "", *,
           object_table: str | None = None, object_id: uuid.UUID | None = None,
           details: Mapping[str, Any] | None = None, actor: str | None = None) -> None:
    """Append an event, in the caller's transaction (it commits with the work)."""
    assert action in ACTIONS, action
    session.add(AuditEvent(
        commune_code=actor_of(session).commune_code,
        at=utcnow(),
        actor=actor or principal_of(session).name,
        action=action,
        object_table=object_table,
        object_id=object_id,
        summary=summary,
        details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
    ))
    session.flush()


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    actions: tuple[str, ...] = ()
    table: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    object_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    object_table: str | None
    object_id: uuid.UUID | None
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.object_table or "", self.object_table or "")

    def describe(self, hide_personal: bool = False) -> str:
        """What changed, in words: the summary, or old → new for each field; with
        hide_personal, ID numbers and phones masked and birth dates left out (a copy
        of the log leaving the app). Records by name: see cdsxa.security.audit_lines."""
        from cdsxa.security.audit_lines import value_text  # it builds on this module

        if self.summary:
            return self.summary
        return "; ".join(
            f"{FIELD_LABELS.get(name, name)}: {value_text(name, pair[0], None, hide_personal)}"
            f" → {value_text(name, pair[1], None, hide_personal)}"
            for name, pair in self.details.items() if isinstance(pair, list) and len(pair) == 2)


def _query(columns: tuple[Any, ...], where: AuditFilter) -> Select[Any]:
    """One side of the union: columns are (at, actor, action, object_table, object_id,
    summary, details) of the change log or of the events, filtered alike."""
    at, actor, action, table, object_id, summary, details = columns
    query = cast("Select[Any]", select(
        at.label("at"), actor.label("actor"), action.label("action"),
        table.label("object_table"), object_id.label("object_id"),
        summary.label("summary"), details.label("details")))
    if where.actor:
        query = query.where(actor == where.actor)
    if where.actions:
        query = query.where(action.in_(where.actions))
    if where.table:
        query = query.where(table == where.table)
    if where.since:
        query = query.where(at >= where.since)
    if where.until:
        query = query.where(at < where.until)
    if where.object_id:
        query = query.where(object_id == where.object_id)
    return query


def _changes_query(where: AuditFilter) -> Select[Any]:
    """Record changes from the change log, with an update's old and new values, which
    the audit trail keeps (the change log itself holds no values)."""
    c, values = ChangeLogEntry, aliased(AuditEvent)
    query = _query((c.changed_at, c.changed_by, c.op, c.table_name, c.record_id, literal(""),
                    values.details), where)
    return query.select_from(c).outerjoin(values, values.change_id == c.id)


def _events_query(where: AuditFilter) -> Select[Any]:
    e = AuditEvent
    query = _query((e.at, e.actor, e.action, e.object_table, e.object_id, e.summary,
                    e.details), where)
    return query.where(e.change_id.is_(None))  # a change's values show with the change


def browse(session: Session, where: AuditFilter = AuditFilter(), limit: int = 500,
           offset: int = 0) -> list[AuditRow]:
    """Newest first. Administrators only."""
    require(session, Permission.VIEW_AUDIT)
    parts: list[Select[Any]] = []
    # "erase" is both: the tombstone in the change log and the event with its reason.
    wants_records = not where.actions or any(a in RECORD_OPS for a in where.actions)
    wants_events = not where.actions or any(a not in RECORD_OPS or a == "erase"
                                            for a in where.actions)
    if wants_records:
        parts.append(_changes_query(where))
    if wants_events:
        parts.append(_events_query(where))
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    rows = session.execute(
        select(merged).order_by(merged.c.at.desc()).limit(limit).offset(offset)
    ).all()
    return [_row(r) for r in rows]


def _row(r: Any) -> AuditRow:
    at = r.at
    if isinstance(at, str):  # a union loses the column type on SQLite
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        from datetime import timezone

        at = at.replace(tzinfo=timezone.utc)
    object_id = r.object_id
    if object_id is not None and not isinstance(object_id, uuid.UUID):
        object_id = uuid.UUID(hex=str(object_id))
    details = json.loads(r.details) if r.details else {}
    return AuditRow(at, r.actor, r.action, r.object_table, object_id, r.summary or "",
                    details if isinstance(details, dict) else {"": details})


def actors(session: Session) -> list[str]:
    require(session, Permission.VIEW_AUDIT)
    names = set(session.scalars(select(AuditEvent.actor).distinct()))
    names |= set(session.scalars(select(ChangeLogEntry.changed_by).distinct()))
    return sorted(names)


def scrub(session: Session, record_ids: Iterable[uuid.UUID]) -> None:
    """Empty the old and new values kept for these records (an erased person's)."""
    ids = list(record_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(update(AuditEvent).where(AuditEvent.object_id.in_(chunk))
                        .values(details=null()))
