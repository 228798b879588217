"""What a people import would do, row by row, before anything is written.

Lookups are set-based: one query per 500 ID numbers or names in the file, so a
list of 20,000 people previews in seconds.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from cdsxa.common import ages
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import vn_date
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.common.text import fold
from cdsxa.commune import calendar, settings
from cdsxa.db.base import live
from cdsxa.db.models import Person, PersonOutcome, Village
from cdsxa.excel import columns
from cdsxa.excel.cells import CellValue
from cdsxa.excel.gc_pause import gc_paused
from cdsxa.excel.people_rows import (
    ParsedPerson,
    RowProblems,
    consent_is_news,
    parse_row,
    same_birth,
    vneid_is_news,
)
from cdsxa.excel.workbook import Sheet
from cdsxa.security.access import Permission, require

ACTIONS = ("new", "update", "duplicate", "error")
ACTION_LABELS = {"new": "mới", "update": "cập nhật", "duplicate": "trùng, bỏ qua", "error": "lỗi"}
CHUNK = 500
T = TypeVar("T")


@dataclass(frozen=True)
class ImportRow:
    number: int  # the spreadsheet row
    action: str  # one of ACTIONS
    person: ParsedPerson
    reason: str | None = None  # why an error or a duplicate, in Vietnamese
    warnings: tuple[str, ...] = ()
    existing_id: PersonId | None = None  # the register's person an update changes
    changes: tuple[str, ...] = ()  # column labels an update changes
    values: tuple[CellValue, ...] = ()  # an error row's cells as read, to save them to fix


@dataclass(frozen=True)
class ImportPreview:
    sheet: str
    header_row: int
    headers: list[str]
    mapping: dict[int, str]  # column index -> field, as used
    rows: list[ImportRow]
    blank_rows: int
    unknown_villages: list[str]  # as spelled in the file, first seen first
    today: date
    survey_date: date  # the day the answers were true: outcomes and steps are dated by it
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        object.__setattr__(self, "counts", counts)

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0

    @property
    def problems(self) -> list[ImportRow]:
        """Rows to show an officer: errors, duplicates and rows with warnings."""
        return [r for r in self.rows if r.action in ("error", "duplicate") or r.warnings]


def preview(session: Session, sheet: Sheet, mapping: Mapping[str, str] | None = None,
            today: date | None = None, village_id: VillageId | None = None,
            survey_date: date | None = None) -> ImportPreview:
    """Classify every row as new, update, duplicate or error; write nothing.

    `mapping` (header text -> field, or columns.IGNORE) overrides the detected and
    the remembered mapping; `village_id` is used for rows with no village;
    `survey_date` (default today, the commune's) dates the outcomes, fibre and VNeID
    accounts the sheet records. Needs IMPORT: a preview shows the register's people
    that rows match, in any village.
    """
    require(session, Permission.IMPORT)
    day = today or calendar.today(session)
    surveyed = survey_date or day
    if surveyed > day:
        raise UserError(f"Ngày khảo sát {vn_date(surveyed)} ở tương lai: hãy chọn ngày đã "
                        "hỏi người dân (hôm nay hoặc trước đó).")
    used = columns.resolve_mapping(sheet.headers, remembered_mapping(session), mapping or {})
    if "full_name" not in used.values():
        raise UserError("Không tìm thấy cột “Họ và tên” trong dòng tiêu đề; hãy chọn cột "
                        "chứa họ và tên.")
    villages = {key: VillageId(vid) for vid, key in session.execute(
        select(Village.id, Village.name_key).where(live(Village)))}
    with gc_paused():
        parsed = [(row.number, *parse_row(row.values, used, villages, village_id, day))
                  for row in sheet.rows]
        rows = _Classifier(session, parsed, surveyed).rows()
    values = {row.number: row.values for row in sheet.rows}
    rows = [replace(r, values=values[r.number]) if r.action == "error" else r for r in rows]
    unknown: dict[str, str] = {}
    for _, _, found in parsed:
        if found.unknown_village:
            unknown.setdefault(fold(found.unknown_village), found.unknown_village)
    return ImportPreview(sheet.name, sheet.header_row, list(sheet.headers), used, rows,
                         sheet.blank_rows, list(unknown.values()), day, surveyed)


def remembered_mapping(session: Session) -> dict[str, str]:
    """The mapping (header text -> field) of the last import, to start the next one from."""
    # An entry naming a field this version lacks is dropped, not refused.
    return {h: f for h, f in settings.get(session, settings.PEOPLE_IMPORT_MAPPING).items()
            if isinstance(h, str) and (f == columns.IGNORE or f in columns.LABELS)}


def chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


class RegisterMatches:
    """The register's people that rows may be, by the one rule of the import: the same ID
    number, or else the same name, village and birth. The preview and, inside its
    transaction, the apply step (the register may have changed in between) both use it."""

    def __init__(self, session: Session, rows: Sequence[ParsedPerson]) -> None:
        numbers = sorted({p.id_number for p in rows if p.id_number})
        self.by_number = {p.id_number: p for p in _people(session, Person.id_number, numbers)}
        names = sorted({fold(p.full_name) for p in rows
                        if p.full_name and p.id_number not in self.by_number})
        self.by_name: dict[tuple[str, object], list[Person]] = {}
        for person in _people(session, Person.name_key, names):
            self.by_name.setdefault((person.name_key, person.village_id), []).append(person)
        self.claimed: set[object] = set()

    def known(self) -> list[uuid.UUID]:
        return [p.id for p in self.by_number.values()] + [
            p.id for group in self.by_name.values() for p in group]

    def find(self, row: ParsedPerson) -> Person | None:
        """The person the row is; one found only by name for a row with a number (filled
        in by it) is claimed, so a second row cannot fill in the same person."""
        existing = self.by_number.get(row.id_number) if row.id_number else None
        match = existing or self._by_name(row)
        if match is not None and row.id_number is not None:
            self.claimed.add(match.id)
        return match

    def _by_name(self, row: ParsedPerson) -> Person | None:
        if not row.full_name or row.village_id is None:
            return None
        candidates = self.by_name.get((fold(row.full_name), row.village_id), [])
        same = [p for p in candidates if same_birth(p, row)]
        # A row with a number only fills in someone who has none, and only once.
        if row.id_number is not None:
            same = [p for p in same if p.id_number is None and p.id not in self.claimed]
        return same[0] if same else None


def number_conflicts(parsed: Iterable[tuple[int, ParsedPerson]]) -> dict[int, str]:
    """Rows sharing an ID number under different names: one of them is wrong, and which
    one only the officer can tell, so each is an error naming the others."""
    groups: dict[str, list[tuple[int, ParsedPerson]]] = {}
    for number, person in parsed:
        if person.id_number:
            groups.setdefault(person.id_number, []).append((number, person))
    found: dict[int, str] = {}
    for id_number, group in groups.items():
        # Case aside, as written: "Tâm" and "Tám" are two names though they fold alike.
        if len({" ".join((p.full_name or "").casefold().split()) for _, p in group}) < 2:
            continue
        for number, _ in group:
            others = ", ".join(f"dòng {n} ({p.full_name or 'không có họ tên'})"
                               for n, p in group if n != number)
            found[number] = (f"Số định danh {id_number} cũng có ở {others} nhưng khác họ tên: "
                             "một trong các dòng bị sai.")
    return found


class _Classifier:
    """Decides each row's action against the file so far and the register."""

    def __init__(self, session: Session, parsed: list[tuple[int, ParsedPerson, RowProblems]],
                 today: date) -> None:
        self.parsed, self.today = parsed, today
        self.matches = RegisterMatches(session, [p for _, p, _ in parsed])
        self.outcomes = _outcomes(session, self.matches.known())
        self.conflicts = number_conflicts((n, p) for n, p, _ in parsed)
        self.first_row: dict[str, int] = {}

    def rows(self) -> list[ImportRow]:
        return [self._classify(number, person, found) for number, person, found in self.parsed]

    def _classify(self, number: int, person: ParsedPerson, found: RowProblems) -> ImportRow:
        warnings = tuple(found.warnings)
        earlier = (self.first_row.setdefault(person.id_number, number) if person.id_number
                   else number)
        errors = found.errors + ([self.conflicts[number]] if number in self.conflicts else [])
        if errors:
            return ImportRow(number, "error", person, " ".join(errors), warnings)
        if earlier != number:
            return ImportRow(number, "duplicate", person,
                             f"Trùng số định danh với dòng {earlier}.", warnings)
        match = self.matches.find(person)
        if young := self._too_young_for_vneid(person, match):
            return ImportRow(number, "error", person, young, warnings)
        if match is not None and person.id_number is not None:
            # Same number, or the same person entered earlier without one: fill it in.
            return ImportRow(number, "update", person, None, warnings + _fibre_lost(person, match),
                             PersonId(match.id), self._changes(match, person))
        if match is not None:
            return ImportRow(number, "duplicate", person,
                             f"Đã có trong sổ: {match.full_name}{_born(match)}, cùng thôn/bản; "
                             "dòng không có số định danh để phân biệt.", warnings)
        missing = [text for value, text in ((person.gender, "Thiếu giới tính."),
                                            (person.village_id, "Thiếu thôn/bản."))
                   if value is None]
        if missing:
            return ImportRow(number, "error", person, " ".join(missing), warnings)
        return ImportRow(number, "new", person, None, warnings + _fibre_lost(person, None))

    def _too_young_for_vneid(self, row: ParsedPerson, known: Person | None) -> str | None:
        """vneid.record_step refuses children; say so here, before anything is written."""
        if not row.vneid:
            return None
        born = ages.effective_birth_date(row.birth_date, row.birth_year)
        if born is None and known is not None:
            born = ages.effective_birth_date(known.birth_date, known.birth_year)
        if born is None or ages.is_aged_14_plus(born, self.today):
            return None
        return (f"Chưa đủ {ages.VNEID_YEARS} tuổi nên chưa có tài khoản VNeID riêng "
                "(trẻ em được gắn với tài khoản của cha hoặc mẹ).")

    def _changes(self, person: Person, row: ParsedPerson) -> tuple[str, ...]:
        """The columns whose values an update would change, in column order."""
        changed = {f for f, old, new in (
            ("full_name", person.full_name, row.full_name),
            ("gender", person.gender, row.gender),
            ("id_number", person.id_number, row.id_number),
            ("phone", person.phone, row.phone),
            ("ethnicity", person.ethnicity, row.ethnicity),
            ("village", person.village_id, row.village_id),
            ("relation", person.relation_to_head, row.relation),
            ("notes", person.notes, row.notes),
        ) if new is not None and new != old}
        if (row.birth_date or row.birth_year) and not (
                same_birth(person, row) and (row.birth_date is None or person.birth_date)):
            changed.add("birth")
        household = person.household
        if row.household_code and (
                household is None or fold(household.code or "") != fold(row.household_code)
                or household.village_id != (row.village_id or person.village_id)):
            changed.add("household_code")
        changed |= row.outcomes - self.outcomes.get(person.id, set())
        if row.fibre and not (household is not None and household.has_fibre):
            changed.add("fibre")
        if vneid_is_news(person, row):
            changed.add("vneid")
        if consent_is_news(person, row):
            changed.add("consent")
        return tuple(columns.LABELS[f] for f in columns.FIELDS if f in changed)


def _people(session: Session, column: InstrumentedAttribute[Any],
            values: list[str]) -> Iterable[Person]:
    for chunk in chunks(values):
        yield from session.scalars(select(Person).options(selectinload(Person.household)).where(
            column.in_(chunk), live(Person)))


def _outcomes(session: Session, person_ids: Sequence[object]) -> dict[object, set[str]]:
    found: dict[object, set[str]] = {}
    for chunk in chunks(sorted(set(person_ids), key=str)):
        for person_id, kind in session.execute(select(PersonOutcome.person_id, PersonOutcome.kind)
                                               .where(PersonOutcome.person_id.in_(chunk),
                                                      live(PersonOutcome))):
            found.setdefault(person_id, set()).add(kind)
    return found


def _fibre_lost(row: ParsedPerson, person: Person | None) -> tuple[str, ...]:
    """Fibre belongs to a household: a row with none cannot record it."""
    if row.fibre and not row.household_code and (person is None or person.household_id is None):
        return ("Cáp quang không ghi được vì dòng không có mã hộ.",)
    return ()


def _born(person: Person) -> str:
    if person.birth_date:
        return f" (sinh {vn_date(person.birth_date)})"
    return f" (sinh năm {person.birth_year})" if person.birth_year else ""
