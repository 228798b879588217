"""One spreadsheet row of a people list, read into plain values and problems."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from cdsxa.common.errors import UserError
from cdsxa.common.ids import VillageId
from cdsxa.common.text import fold
from cdsxa.db.models import Person
from cdsxa.excel import cells, columns
from cdsxa.excel.cells import CellError, CellValue
from cdsxa.register import idnumber, phone

T = TypeVar("T")

# Column widths of the person and household tables (longer text would not sync).
_MAX_LENGTH = {"full_name": 150, "ethnicity": 50, "relation": 50, "household_code": 50}
_NO_BIRTH: tuple[date | None, int | None] = (None, None)
_NO_VNEID: tuple[bool, int | None] = (False, None)


@dataclass(frozen=True)
class ParsedPerson:
    """What a row says; None where the cell is blank (an update keeps the register's value)."""

    full_name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    id_number: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    village: str | None = None  # as written in the file
    village_id: VillageId | None = None
    household_code: str | None = None
    relation: str | None = None
    notes: str | None = None
    outcomes: frozenset[str] = frozenset()  # person outcome codes answered yes
    fibre: bool = False
    vneid: bool = False  # an activated account
    vneid_level: int | None = None  # 1 or 2; None when the file says only "Có"
    consent: str | None = None  # "given", "refused"; None: the file does not say
    consent_on: date | None = None


@dataclass
class RowProblems:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_village: str | None = None


def parse_row(values: tuple[CellValue, ...], mapping: Mapping[int, str],
              villages: Mapping[str, VillageId], default_village: VillageId | None,
              today: date) -> tuple[ParsedPerson, RowProblems]:
    cell: dict[str, CellValue] = {f: values[i] for i, f in mapping.items() if i < len(values)}
    found = RowProblems()
    text = {f: cells.text(cell.get(f)) for f in
            ("full_name", "ethnicity", "village", "household_code", "relation", "notes")}
    if not text["full_name"]:
        found.errors.append("Thiếu họ và tên.")
    for name, limit in _MAX_LENGTH.items():
        if len(text[name] or "") > limit:
            found.errors.append(f"“{columns.LABELS[name]}” quá dài (tối đa {limit} ký tự).")
    birth_date, birth_year = _read(cells.birth, (cell.get("birth"), today), _NO_BIRTH, found)
    gender = _read(cells.gender, (cell.get("gender"),), None, found)
    number = _id_number(cell.get("id_number"), birth_date, birth_year, gender, found)
    if gender is None and number is not None:
        gender = idnumber.gender_of(number)  # the number says it; no need to refuse the row
    village_id = default_village
    if text["village"]:
        village_id = villages.get(fold(text["village"]))
        if village_id is None:
            found.unknown_village = text["village"]
            found.errors.append(f"Thôn/bản “{text['village']}” chưa có trong danh sách của xã.")
    vneid, level = _read(cells.vneid_level, (cell.get("vneid"),), _NO_VNEID, found)
    consent = _read(cells.consent, (cell.get("consent"),), None, found)
    consent_on = _read(cells.day, (cell.get("consent_on"), columns.LABELS["consent_on"], today),
                       None, found)
    if consent_on is not None and consent is None:
        found.errors.append("Có ngày đồng ý/từ chối nhưng không ghi là đồng ý hay từ chối.")
    return ParsedPerson(
        full_name=text["full_name"], gender=gender, birth_date=birth_date,
        birth_year=birth_year if birth_date is None else birth_date.year,
        id_number=number, phone=_phone(cell.get("phone"), found),
        ethnicity=text["ethnicity"], village=text["village"], village_id=village_id,
        household_code=text["household_code"], relation=text["relation"], notes=text["notes"],
        outcomes=frozenset(f for f in columns.PERSON_OUTCOME_FIELDS
                           if f in cell and _yes(cell[f], f, found)),
        fibre="fibre" in cell and _yes(cell["fibre"], "fibre", found),
        vneid=vneid, vneid_level=level, consent=consent, consent_on=consent_on,
    ), found


def _read(reader: Callable[..., T], args: tuple[object, ...], fallback: T,
          found: RowProblems) -> T:
    try:
        return reader(*args)
    except CellError as exc:
        found.errors.append(str(exc))
        return fallback


def _yes(value: CellValue, name: str, found: RowProblems) -> bool:
    return _read(cells.yes, (value, columns.LABELS[name]), False, found)


def _id_number(value: CellValue, birth_date: date | None, birth_year: int | None,
               gender: str | None, found: RowProblems) -> str | None:
    raw = cells.digits(value)
    if not raw:
        return None
    result = idnumber.check(raw, birth_date, birth_year, gender)
    if result.warning:
        found.warnings.append(result.warning)
    if result.error:
        found.errors.append(result.error)
    return result.value


def _phone(value: CellValue, found: RowProblems) -> str | None:
    raw = cells.digits(value)
    if not raw:
        return None
    try:
        return phone.normalise(raw)
    except UserError as exc:
        found.errors.append(exc.message)
        return None


def same_birth(person: Person, row: ParsedPerson) -> bool:
    """Whether a register entry and a row agree on birth (a year matches a full date)."""
    if row.birth_date is not None:
        return person.birth_date == row.birth_date or (
            person.birth_date is None and person.birth_year == row.birth_date.year)
    if row.birth_year is not None:
        return person.birth_year == row.birth_year
    return person.birth_date is None and person.birth_year is None


def vneid_is_news(person: Person | None, row: ParsedPerson) -> bool:
    """A survey's VNeID answer adds a step only when the register knows less."""
    if not row.vneid:
        return False
    if person is None or person.vneid_status != "activated":
        return True
    return row.vneid_level is not None and (person.vneid_level or 0) < row.vneid_level


def consent_is_news(person: Person, row: ParsedPerson) -> bool:
    """Whether the row records an answer (or its date) the register does not have."""
    return row.consent is not None and (
        person.consent != row.consent
        or (row.consent_on is not None and person.consent_on != row.consent_on))
