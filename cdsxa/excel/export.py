"""Lists to .xlsx: a generic table writer and the people list (which imports back).

The people list is personal data leaving the register: it is checked by role,
asks a reason for ID numbers, phones, birth dates and notes, and is audited.
"""

import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import case, event, literal_column, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import mask, thousands
from cdsxa.common.ids import VillageId
from cdsxa.common.text import clean, without_controls
from cdsxa.db.base import live
from cdsxa.db.models import CommuneProfile, Household, Person, PersonOutcome, Village
from cdsxa.db.session import AppSession
from cdsxa.excel import columns
from cdsxa.profile.destinations import refuse_data_files
from cdsxa.register import search
from cdsxa.security import audit
from cdsxa.security.access import Permission, require

log = logging.getLogger(__name__)

ExportValue = str | int | float | bool | date | datetime | None
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
# A digit of any script (\d is Unicode's decimal digits: fullwidth, Arabic-Indic, …; the
# superscripts and subscripts that str.isdigit() also takes are listed), and a run of
# six or more of them, maybe with single spaces, dots or dashes between: the shape of
# an ID number or a phone, not of a year or a house number.
_DIGIT = r"[\d\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089]"
_NUMBER_RUN = re.compile(rf"{_DIGIT}(?:[ .\-]?{_DIGIT}){{5,}}")
_EVERYONE = 2**62  # a search's "limit" that pages nothing away
_WIDTH_SAMPLE = 500  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH, _DATE_WIDTH = 6, 50, 12
MAX_CELL = 32_767  # characters an Excel cell holds
# What makes Excel (or a program reading the file as CSV) start a formula.
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
YES = "Có"


def export_table(path: Path, title: str | None, headers: Sequence[str],
                 rows: Iterable[Sequence[ExportValue]], sheet_name: str = "Danh sách",
                 data_dir: Path | None = None) -> int:
    """Write one sheet: title, bold frozen header with a filter, then rows. Returns the row count.

    Dates become real Excel dates shown dd/mm/yyyy; every string is a text cell
    (digit strings keep their leading zeros, text beginning with '=' is no formula).
    A value longer than a cell holds is refused, naming its row. With data_dir (the
    open profile's folder), a path over the profile's own files is refused.
    """
    if data_dir is not None:
        refuse_data_files(path, data_dir)
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
        try:
            sheet.append([_cell(sheet, value) for value in row])
        except CellTooLong:
            _abandon(sheet)
            raise UserError(_too_long(header_row + count + 1, row, headers)) from None
        count += 1
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    _save(workbook, path)
    return count


def _styled(sheet: object, value: str, font: Font,
            alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = _text_cell(sheet, value)
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _cell(sheet: object, value: ExportValue) -> object:
    """The one writer of every exported cell: text always as text, dates as dates."""
    if isinstance(value, bool):
        return _text_cell(sheet, YES if value else "Không")
    if isinstance(value, (date, datetime)):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        return _text_cell(sheet, value)
    return value


def _text_cell(sheet: object, value: str) -> WriteOnlyCell:
    """A string cell Excel shows as typed: never a formula (openpyxl makes one of any
    text that begins with '='), never an error value ('#N/A'), never cut short."""
    value = without_controls(value)  # one kept from before would fail the export
    # Excel reads _xHHHH_ as an escaped character: escape the underscore of such text.
    # A bare CR would come back as LF (XML line ends): written as Excel writes it.
    written = _EXCEL_ESCAPE.sub(r"_x005F_\1", value) if "_x" in value else value
    written = written.replace("\r", "_x000D_")
    if len(written) > MAX_CELL:  # openpyxl would cut it without a word
        raise CellTooLong()
    cell = WriteOnlyCell(sheet, written)
    cell.data_type = "s"
    if value.isdigit() or value.startswith(_FORMULA_LEADS):
        # Typing over it in Excel keeps it text too (leading zeros, '=' and '+' stay).
        cell.number_format = TEXT_FORMAT
    return cell


class CellTooLong(Exception):
    """A value longer than an Excel cell holds; export_table says which row."""


def _abandon(sheet: Any) -> None:
    """Finish and remove a write-only sheet's temporary file: nothing of it is saved."""
    sheet.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        writer.cleanup()


def _too_long(row_number: int, row: Sequence[ExportValue], headers: Sequence[str]) -> str:
    column = next((headers[i] for i, v in enumerate(row[:len(headers)])
                   if isinstance(v, str) and len(v) > MAX_CELL), "")
    where = f" (cột “{column}”)" if column else ""
    return (f"Dòng {row_number} của tệp{where} dài hơn {thousands(MAX_CELL)} ký tự, mức một ô "
            "Excel chứa được, nên chưa xuất gì. Hãy rút ngắn nội dung đó rồi xuất lại.")


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


# Columns of personal data: exported only with EXPORT_PERSONAL and a reason. Notes are
# free text where officers type ID numbers and phones ("CCCD 038…, SĐT 09…").
PERSONAL_FIELDS = ("birth", "id_number", "phone", "notes")
PERSONAL_LABELS = "số định danh, số điện thoại, ngày sinh, ghi chú"
CONSENT_LABELS = {"given": "Đồng ý", "refused": "Từ chối"}


def people_fields(include_personal: bool) -> tuple[str, ...]:
    return tuple(f for f in columns.FIELDS if include_personal or f not in PERSONAL_FIELDS)


def people_headers(include_personal: bool) -> list[str]:
    return ["STT", *(columns.LABELS[f] for f in people_fields(include_personal))]


PEOPLE_HEADERS = people_headers(include_personal=True)


def export_people(session: Session, path: Path, village_id: VillageId | None = None,
                  include_personal: bool = False, reason: str | None = None,
                  query: str = "") -> int:
    """The register's people (of one village, or all) with their outcomes and consent.

    query is the people list's search (cdsxa.register.search): the file holds the
    people the list shows, everybody when it is blank. Without include_personal the
    list has names, villages and outcomes only (EXPORT_PEOPLE); with it, ID numbers,
    phones, birth dates and notes too, which needs EXPORT_PERSONAL and a reason. Such
    a full list imports back as is. Every export is recorded in the audit log, in the
    caller's transaction (db.transaction).
    """
    require(session, Permission.EXPORT_PEOPLE)
    why = clean(reason)
    if include_personal:
        require(session, Permission.EXPORT_PERSONAL)
        if why is None:
            raise UserError(f"Hãy ghi lý do xuất {PERSONAL_LABELS} (ví dụ: “Báo cáo huyện "
                            "theo công văn số …”).")
    require_transaction(session)
    place = _place(session, village_id)
    headers = people_headers(include_personal)
    searched = (clean(query) or "")[:search.MAX_QUERY] or None  # as the search reads it
    found = None if searched is None else _found(session, searched, village_id)
    # A search may be an ID number or a phone: the title and the log show it masked.
    shown = None if searched is None else mask_numbers(searched)
    title = f"DANH SÁCH NGƯỜI DÂN – {place.upper()}" + (f" (tìm “{shown}”)" if shown else "")
    count = export_table(path, title, headers,
                         _people_rows(session, village_id, include_personal, found),
                         sheet_name="Người dân", data_dir=data_dir_of(session))
    remove_unless_recorded(session, path)
    extra = f", gồm {PERSONAL_LABELS}" if include_personal else ""
    audit.record(
        session, "export",
        f"Xuất danh sách người dân ({place}"
        + (f", tìm “{shown}”" if shown else "")
        + f"): {count} người{extra}, tệp {path.name}."
        + (f" Lý do: {why}" if why else ""),
        object_table="person",
        details={"file": path.name, "rows": count, "village": place, "search": shown,
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
    require_transaction(session)
    count = export_table(path, title, headers, rows, data_dir=data_dir_of(session))
    remove_unless_recorded(session, path)
    audit.record(session, "export", f"Xuất danh sách “{title}”: {count} dòng, tệp {path.name}."
                 + (f" Có số điện thoại đầy đủ. Lý do: {why}" if personal else ""),
                 details={"file": path.name, "rows": count, "personal": personal,
                          "columns": list(headers), "reason": why})
    return count


def mask_numbers(text: str) -> str:
    """Free text with ID-number- and phone-shaped runs of digits masked, as lists mask
    the numbers themselves: 'CCCD 038190000123' -> 'CCCD 038•••••••23'."""
    return _NUMBER_RUN.sub(lambda match: mask(match.group()), text)


def remove_unless_recorded(session: Session, path: Path) -> None:
    """Delete the file written if the transaction holding its audit event rolls back
    (a full disk at commit, an error after the export): no unrecorded copies."""
    event.listen(session, "after_rollback", lambda _session: path.unlink(missing_ok=True),
                 once=True)


def data_dir_of(session: Session) -> Path:
    """The folder of the profile this session reads: exports never go over its files."""
    database = session.get_bind().engine.url.database
    if not database:
        raise RuntimeError("exports need a profile's database file")
    return Path(database).resolve().parent


def _found(session: Session, query: str, village_id: VillageId | None) -> set[object]:
    """The people the list shows for this search (the list's own search, every page)."""
    return {row.id for row in search.search_people(session, query, village_id,
                                                   limit=_EVERYONE)}


def require_transaction(session: Session) -> None:
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


def _people_rows(session: Session, village_id: VillageId | None, include_personal: bool,
                 found: set[object] | None) -> Iterator[list[ExportValue]]:
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
    rows = session.execute(query)
    chosen = rows if found is None else (r for r in rows if r[0].id in found)
    for number, (person, village, code, fibre) in enumerate(chosen, start=1):
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
