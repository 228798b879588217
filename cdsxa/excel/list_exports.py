"""The app's other lists as .xlsx, the same for the GUI and the command line.

Each list is built here as its page shows it (Vietnamese headers, masked phones),
then written by the export services (cdsxa.excel.export), which check the role, ask a
reason for personal data and record the export in the audit log. The row builders
load no openpyxl, so pages may use them to fill their tables.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import mask_phone, thousands, vn_date
from cdsxa.common.ids import VillageId
from cdsxa.common.outcomes import VNEID_STEP_LABELS
from cdsxa.commune import calendar
from cdsxa.register import teams
from cdsxa.security import audit, audit_lines
from cdsxa.security.access import Permission, require
from cdsxa.support import sessions, topics, vneid

SESSION_HEADERS = ("Ngày", "Người dân", "Thôn/bản", "Nội dung", "Kết quả")
SESSIONS_TITLE = "Các lượt hỗ trợ gần đây"
RECENT_SESSIONS = 200  # as many as the Support page lists
MEMBER_HEADERS = ("Thôn/bản", "Họ và tên", "Vai trò", "Thuộc tổ chức", "Số điện thoại",
                  "Ngày vào tổ", "Ngày rời tổ", "Số giờ tập huấn")
MEMBERS_TITLE = "Thành viên Tổ công nghệ số cộng đồng"
WORKLIST_HEADERS = ("Họ và tên", "Thôn/bản", "Mã hộ", "Số điện thoại", "Trạng thái từ ngày")
# The two VNeID worklists: code -> name, as the page's tabs say
WORKLISTS = {"pending": "Chờ kích hoạt", "no-account": "Chưa có tài khoản, từ 14 tuổi"}
AUDIT_HEADERS = ("Thời gian", "Người thực hiện", "Thao tác", "Loại dữ liệu", "Nội dung thay đổi")
AUDIT_TITLE = "Nhật ký hoạt động"
_AUDIT_BATCH = 5000


def _export() -> ModuleType:
    from cdsxa.excel import export  # openpyxl loads only when a file is written

    return export


# Support sessions -----------------------------------------------------------------------

def session_rows(session: Session, found: Sequence[sessions.SessionRow]) -> list[tuple[str, ...]]:
    names = {t.code: t.name for t in topics.catalogue(session, include_inactive=True)}
    return [(vn_date(row.held_on), row.person, row.village,
             ", ".join(names.get(code, code) for code in row.topics),
             sessions.RESULTS.get(row.result, row.result)) for row in found]


def export_sessions(session: Session, path: Path, village_id: VillageId | None = None,
                    limit: int = RECENT_SESSIONS) -> int:
    """The latest support sessions, newest first, as the Support page lists them."""
    rows = session_rows(session, sessions.recent(session, limit=limit, village_id=village_id))
    return _named(session, path, SESSIONS_TITLE, SESSION_HEADERS, rows)


# Team members ---------------------------------------------------------------------------

def member_rows(members: Sequence[teams.MemberView],
                include_personal: bool) -> list[tuple[str, ...]]:
    """Phones masked (090•••••67) unless the export carries personal data."""
    return [(m.village, m.full_name, m.role or "",
             teams.ORGANISATIONS.get(m.organisation, m.organisation),
             (m.phone if include_personal else mask_phone(m.phone)) or "",
             vn_date(m.joined_on), vn_date(m.left_on), f"{m.training_hours:g}")
            for m in members]


def export_members(session: Session, path: Path, include_personal: bool = False,
                   reason: str | None = None) -> int:
    """Every member of every team; full phones need EXPORT_PERSONAL and a reason."""
    rows = member_rows(teams.members(session), include_personal)
    return _named(session, path, MEMBERS_TITLE, MEMBER_HEADERS, rows,
                  personal=include_personal, reason=reason)


# VNeID worklists ------------------------------------------------------------------------

def worklist_rows(items: Sequence[vneid.WorkItem]) -> list[tuple[str, ...]]:
    """As the VNeID page shows a worklist: with the phone, masked."""
    rows: list[tuple[str, ...]] = []
    for item in items:
        status = VNEID_STEP_LABELS.get(item.status or "", "")
        rows.append((item.full_name, item.village, item.household_code or "",
                     mask_phone(item.phone), f"{status} {vn_date(item.since)}".strip()))
    return rows


def worklist_title(kind: str, count: int) -> str:
    return f"VNeID: {WORKLISTS[kind]} ({thousands(count)})"


def worklist(session: Session, kind: str, on: date,
             village_id: VillageId | None = None) -> list[vneid.WorkItem]:
    if kind == "pending":
        return vneid.pending_activation(session, village_id)
    if kind == "no-account":
        return vneid.without_account(session, on, village_id)
    raise UserError(f"Không có danh sách VNeID “{kind}” (có: {', '.join(WORKLISTS)}).")


def export_worklist(session: Session, path: Path, kind: str, on: date | None = None,
                    village_id: VillageId | None = None) -> int:
    """A VNeID worklist as the page shows it, ages counted on `on` (the commune's today)."""
    items = worklist(session, kind, on or calendar.today(session), village_id)
    return _named(session, path, worklist_title(kind, len(items)), WORKLIST_HEADERS,
                  worklist_rows(items))


# The audit log --------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Days on this PC's calendar, both included; None is open-ended."""

    since: date | None = None
    until: date | None = None

    def audit_filter(self) -> audit.AuditFilter:
        return audit.AuditFilter(
            since=_midnight(self.since) if self.since else None,
            until=_midnight(self.until + timedelta(days=1)) if self.until else None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def _audit_rows(session: Session, where: audit.AuditFilter) -> Iterator[tuple[str, ...]]:
    """The entries as the audit page lists and exports them, numbers masked (also
    those typed inside notes)."""
    offset = 0
    while True:  # lines() checks the reader may see the log
        batch = audit_lines.lines(session, where, limit=_AUDIT_BATCH, offset=offset,
                                  hide_personal=True)
        # What changed may quote free text (notes) with numbers typed in it.
        yield from ((r.when, r.who, r.action, r.record, _export().mask_numbers(r.what))
                    for r in batch)
        if len(batch) < _AUDIT_BATCH:
            return
        offset += len(batch)


def export_audit(session: Session, path: Path,
                 where: audit.AuditFilter = audit.AuditFilter()) -> int:
    """The whole filtered log, ID numbers and phones masked; the export is itself
    recorded, in the caller's transaction."""
    require(session, Permission.VIEW_AUDIT)
    export = _export()
    export.require_transaction(session)
    rows = list(_audit_rows(session, where))  # read before its own entry is added
    count: int = export.export_table(path, AUDIT_TITLE, AUDIT_HEADERS, rows,
                                     sheet_name=AUDIT_TITLE, data_dir=export.data_dir_of(session))
    export.remove_unless_recorded(session, path)
    audit.record(session, "export",
                 f"Xuất nhật ký hoạt động ({thousands(count)} dòng) ra tệp {path.name}, "
                 "số định danh và số điện thoại đã che",
                 details={"rows": count, "file": path.name, "personal": False})
    return count


def _named(session: Session, path: Path, title: str, headers: Sequence[str],
           rows: Sequence[Sequence[str]], personal: bool = False,
           reason: str | None = None) -> int:
    count: int = _export().export_named_list(session, path, title, headers, rows,
                                             personal=personal, reason=reason)
    return count
