"""Lists to .xlsx: a generic table writer and the people list (which imports back).

The people list is personal data leaving the register: it is checked by role,
asks a reason for ID numbers, phones and birth dates, and is audited.
"""

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import case, literal_column, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.ids import VillageId
from cdsxa.common.text import clean, without_controls
from cdsxa.db.base import live
from cdsxa.db.session import AppSession
from cdsxa.db.models import CommuneProfile, Household, Person, PersonOutcome, Village
from cdsxa.excel import columns
from cdsxa.security import audit
from cdsxa.security.access import Permission, require

log = logging.getLogger(__name__)

ExportValue = str | int | float | bool | date | datetime | None
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
_WIDTH_SAMPLE = 500  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH, _DATE_WIDTH = 6, 50, 12
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
YES = "Có"


def export_table(path: Path, title: str | None, headers: Sequence[str],
                 rows: Iterable[Sequence[ExportValue]], sheet_name: str = "Danh sách") -> int:
    """Write one sheet: title, bold frozen header with a filter, then rows. Returns the row count.

    Dates become real Excel dates shown dd/mm/yyyy; digit strings (ID numbers,
    phones) stay text, so their leading zeros survive.
    """
    _prepare_folder(path)  # before any row is written: a write-only sheet cannot be abandoned
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name.translate(_BAD_SHEET_CHARS)[:31] or "Sheet1")
    rest = iter(rows)
    sample = list(islice(rest, _WIDTH_SAMPLE))
    for index, width in enumerate(_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 3 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # written with the sheet's head: set before rows
    if title:
        sheet.append([_styled(sheet, title, Font(bold=True, size=14))])
        sheet.append([])
    bold = Font(bold=True)
    sheet.append([_styled(sheet, h, bold, Alignment(wrap_text=True, vertical="center"))
                  for h in headers])
    count = 0
    for row in chain(sample, rest):
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    _save(workbook, path)
    return count


def _styled(sheet: object, value: str, font: Font,
            alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _cell(sheet: object, value: ExportValue) -> object:
    if isinstance(value, bool):
        return YES if value else "Không"
    if isinstance(value, (date, datetime)):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.isdigit():
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = TEXT_FORMAT  # typing over it in Excel keeps it text too
        return cell
    if isinstance(value, str):
        return without_controls(value)  # one kept from before would fail the export
    return value


def _widths(headers: Sequence[str], sample: Sequence[Sequence[ExportValue]]) -> list[float]:
    widths = [float(max(_MIN_WIDTH, len(h) + 2)) for h in headers]
    for row in sample:
        for index, value in enumerate(row[:len(widths)]):
            size = _DATE_WIDTH if isinstance(value, (date, datetime)) else len(str(value or "")) + 2
            widths[index] = max(widths[index], float(size))
    return [min(w, _MAX_WIDTH) for w in widths]


def _prepare_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không ghi được {path}: {exc.strerror or exc}.") from exc


def _save(workbook: Workbook, path: Path) -> None:
    """Write beside the target, then replace it: a failed export leaves no half file."""
    try:
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
        os.close(handle)
        try:
            workbook.save(temporary)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    except PermissionError as exc:
        raise UserError(f"Không ghi được {path.name}: tệp đang mở trong Excel hoặc thư mục "
                        "không cho ghi. Hãy đóng tệp rồi thử lại.") from exc
    except OSError as exc:
        raise UserError(f"Không ghi được {path}: {exc.strerror or exc}.") from exc


# Columns of personal data: exported only with EXPORT_PERSONAL and a reason.
PERSONAL_FIELDS = ("birth", "id_number", "phone")
PERSONAL_LABELS = "số định danh, số điện thoại, ngày sinh"
CONSENT_LABELS = {"given": "Đồng ý", "refused": "Từ chối"}


def people_fields(include_personal: bool) -> tuple[str, ...]:
    return tuple(f for f in columns.FIELDS if include_personal or f not in PERSONAL_FIELDS)


def people_headers(include_personal: bool) -> list[str]:
    return ["STT", *(columns.LABELS[f] for f in people_fields(include_personal))]


PEOPLE_HEADERS = people_headers(include_personal=True)


def export_people(session: Session, path: Path, village_id: VillageId | None = None,
                  include_personal: bool = False, reason: str | None = None) -> int:
    """The register's people (of one village, or all) with their outcomes and consent.

    Without include_personal the list has names, villages and outcomes only
    (EXPORT_PEOPLE); with it, ID numbers, phones and birth dates too, which needs
    EXPORT_PERSONAL and a reason. Such a full list imports back as is. Every export
    is recorded in the audit log, in the caller's transaction (db.transaction).
    """
    require(session, Permission.EXPORT_PEOPLE)
    why = clean(reason)
    if include_personal:
        require(session, Permission.EXPORT_PERSONAL)
        if why is None:
            raise UserError(f"Hãy ghi lý do xuất {PERSONAL_LABELS} (ví dụ: “Báo cáo huyện "
                            "theo công văn số …”).")
    _require_transaction(session)
    place = _place(session, village_id)
    headers = people_headers(include_personal)
    count = export_table(path, f"DANH SÁCH NGƯỜI DÂN – {place.upper()}", headers,
                         _people_rows(session, village_id, include_personal),
                         sheet_name="Người dân")
    extra = f", gồm {PERSONAL_LABELS}" if include_personal else ""
    audit.record(
        session, "export",
        f"Xuất danh sách người dân ({place}): {count} người{extra}, tệp {path.name}."
        + (f" Lý do: {why}" if why else ""),
        object_table="person",
        details={"file": path.name, "rows": count, "village": place,
                 "personal": include_personal, "columns": headers[1:], "reason": why})
    log.info("exported %d people to %s (personal data: %s)", count, path, include_personal)
    return count


def export_named_list(session: Session, path: Path, title: str, headers: Sequence[str],
                      rows: Iterable[Sequence[ExportValue]], personal: bool = False,
                      reason: str | None = None) -> int:
    """A list that names people as a page shows it: EXPORT_PEOPLE, audited like the
    people list. A worklist has ID numbers and phones masked; personal says the rows
    carry some in full (team members' phones), which needs EXPORT_PERSONAL and a reason."""
    require(session, Permission.EXPORT_PEOPLE)
    why = clean(reason)
    if personal:
        require(session, Permission.EXPORT_PERSONAL)
        if why is None:
            raise UserError("Hãy ghi lý do xuất số điện thoại đầy đủ.")
    _require_transaction(session)
    count = export_table(path, title, headers, rows)
    audit.record(session, "export", f"Xuất danh sách “{title}”: {count} dòng, tệp {path.name}."
                 + (f" Có số điện thoại đầy đủ. Lý do: {why}" if personal else ""),
                 details={"file": path.name, "rows": count, "personal": personal,
                          "columns": list(headers), "reason": why})
    return count


def _require_transaction(session: Session) -> None:
    # A reading session never commits its audit event.
    if not (isinstance(session, AppSession) and session.writes):
        raise RuntimeError("exports need a transaction: their audit event must be kept")


def _place(session: Session, village_id: VillageId | None) -> str:
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None or village.deleted:
            raise UserError("Không tìm thấy thôn/bản này (có thể đã bị gộp hoặc xoá).")
        return village.name
    name = session.scalars(select(CommuneProfile.commune_name)
                           .where(live(CommuneProfile))).first()
    return name or ""


def _people_rows(session: Session, village_id: VillageId | None,
                 include_personal: bool) -> Iterator[list[ExportValue]]:
    fields = people_fields(include_personal)
    reached = _outcomes(session, village_id)
    query = (
        select(Person, Village.name, Household.code, Household.has_fibre)
        .join(Village, Person.village_id == Village.id)
        .outerjoin(Household, Person.household_id == Household.id)
        .where(live(Person))
        # By village, household, head of household first, then the order entered.
        .order_by(Village.position, Household.code.is_(None), Household.code,
                  case((Person.relation_to_head == "Chủ hộ", 0), else_=1),
                  Person.created_at, literal_column("person.rowid"))
    )
    if village_id is not None:
        query = query.where(Person.village_id == village_id)
    for number, (person, village, code, fibre) in enumerate(session.execute(query), start=1):
        have = reached.get(person.id, set())
        values: dict[str, ExportValue] = {
            "full_name": person.full_name, "birth": person.birth_date or person.birth_year,
            "gender": GENDER_LABELS.get(person.gender, person.gender),
            "id_number": person.id_number, "phone": person.phone, "ethnicity": person.ethnicity,
            "village": village, "household_code": code, "relation": person.relation_to_head,
            "notes": person.notes, "fibre": YES if fibre else None, "vneid": _vneid(person),
            **{f: YES if f in have else None for f in columns.PERSON_OUTCOME_FIELDS},
            "consent": CONSENT_LABELS.get(person.consent or ""), "consent_on": person.consent_on,
        }
        yield [number, *(values[f] for f in fields)]


def _vneid(person: Person) -> str | None:
    if person.vneid_status != "activated":
        return None
    return f"Mức {person.vneid_level}" if person.vneid_level else YES


def _outcomes(session: Session, village_id: VillageId | None) -> dict[object, set[str]]:
    query = select(PersonOutcome.person_id, PersonOutcome.kind).where(
        live(PersonOutcome))
    if village_id is not None:
        query = query.join(Person, Person.id == PersonOutcome.person_id).where(
            Person.village_id == village_id)
    found: dict[object, set[str]] = {}
    for person_id, kind in session.execute(query):
        found.setdefault(person_id, set()).add(kind)
    return found
