"""Writing a previewed people import in the caller's transaction.

All or nothing by default; with a file for the bad rows, the good rows are
imported and the error rows saved to that file, with what is wrong, to fix and
import again. Either way the audit trail says which was chosen. "New" rows are
looked for again in the register inside the transaction (another import of the
same list may have committed since the preview): those found are not added twice.

New records are written as rows by the register's bulk services (cdsxa.register.bulk
over cdsxa.db.bulk, the change-log hook's path for many records: the same stamps,
entries and audit rows as a flush); changed ones go through the services and the
ORM. Queries are per 500 records, never per row.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common import ages, outcomes
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands, vn_date
from cdsxa.common.ids import HouseholdId, PersonId, VillageId
from cdsxa.common.text import clean, fold
from cdsxa.commune import calendar, settings
from cdsxa.db import bulk as db_bulk
from cdsxa.db.activity import VneidStep
from cdsxa.db.base import live, new_id
from cdsxa.db.models import Household, Person, PersonOutcome
from cdsxa.excel import columns
from cdsxa.excel.gc_pause import gc_paused
from cdsxa.excel.people_preview import ImportPreview, ImportRow, RegisterMatches, chunks
from cdsxa.excel.people_rows import ParsedPerson, consent_is_news, vneid_is_news
from cdsxa.register import bulk, people
from cdsxa.security import audit
from cdsxa.security.access import Permission, require, require_village
from cdsxa.support import vneid

SURVEY_NOTE = "Từ khảo sát"
BAD_ROWS_SHEET = "Dòng lỗi"
BAD_ROWS_COLUMNS = ("Dòng trong tệp gốc", "Lỗi cần sửa")
Record = TypeVar("Record", bound=Household)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    skipped: int  # duplicates
    households_added: int
    outcomes_added: int
    vneid_steps: int
    already_in_register: int = 0  # "new" rows another import added since the preview
    bad_rows: int = 0  # error rows left out (only with a bad-rows file)
    bad_rows_file: Path | None = None


def apply(session: Session, preview: ImportPreview,
          bad_rows_file: Path | None = None) -> ImportResult:
    """Import the previewed rows.

    Without `bad_rows_file`, a preview with any error row is refused whole; with it,
    the other rows are imported and the error rows written to that .xlsx, each with
    what is wrong. Needs IMPORT (an officer's or the administrator's): rows go to
    any village.
    """
    require(session, Permission.IMPORT)
    if preview.has_errors and bad_rows_file is None:
        raise UserError(f"Còn {preview.counts['error']} dòng lỗi nên chưa nhập gì. "
                        "Hãy sửa tệp rồi xem trước lại, hoặc chọn nhập các dòng đúng và lưu "
                        "các dòng lỗi ra tệp để sửa.")
    with gc_paused():
        result = _Writer(session, preview).run()
    if preview.has_errors and bad_rows_file is not None:
        save_bad_rows(session, preview, bad_rows_file)
        result = ImportResult(**{**result.__dict__, "bad_rows": preview.counts["error"],
                                 "bad_rows_file": bad_rows_file})
    audit.record(session, "import", audit_summary(preview, result),
                 details={"sheet": preview.sheet, "added": result.added,
                          "updated": result.updated, "skipped": result.skipped,
                          "already_in_register": result.already_in_register,
                          "bad_rows": result.bad_rows,
                          "mode": "good_rows" if bad_rows_file is not None else "all_or_nothing",
                          "survey_date": preview.survey_date.isoformat()})
    return result


def choice_line(preview: ImportPreview, bad_rows_file: Path | None) -> str:
    """How the import will treat error rows, as the preview states it."""
    errors = preview.counts["error"]
    if bad_rows_file is not None and not errors:
        return "Cách nhập: không có dòng lỗi, nhập tất cả các dòng."
    if bad_rows_file is None:
        return ("Cách nhập: tất cả hoặc không — " + (
            f"còn {thousands(errors)} dòng lỗi nên sẽ không nhập gì." if errors
            else "không có dòng lỗi."))
    return (f"Cách nhập: chỉ nhập các dòng đúng; {thousands(errors)} dòng lỗi sẽ được lưu vào "
            f"tệp {bad_rows_file.name} để sửa rồi nhập lại.")


def audit_summary(preview: ImportPreview, result: ImportResult) -> str:
    mode = ("chỉ nhập các dòng đúng, " + f"{thousands(result.bad_rows)} dòng lỗi lưu vào tệp "
            f"{result.bad_rows_file.name}" if result.bad_rows_file is not None
            else "tất cả hoặc không")
    return (f"Nhập danh sách người dân từ trang “{preview.sheet}” (khảo sát ngày "
            f"{vn_date(preview.survey_date)}): {thousands(result.added)} mới, cập nhật "
            f"{thousands(result.updated)}, bỏ qua {thousands(result.skipped)} dòng trùng"
            + (f", {thousands(result.already_in_register)} dòng đã có trong sổ"
               if result.already_in_register else "") + f". Cách nhập: {mode}.")


def save_bad_rows(session: Session, preview: ImportPreview, path: Path) -> int:
    """The error rows as read, the original columns first, then where and what is wrong."""
    from cdsxa.excel import export  # openpyxl's writer: loaded only when a file is saved

    headers = [h or f"Cột {i + 1}" for i, h in enumerate(preview.headers)]
    rows = [(*(r.values + (None,) * len(headers))[:len(headers)], r.number, r.reason)
            for r in preview.rows if r.action == "error"]
    return export.export_table(path, None, headers + list(BAD_ROWS_COLUMNS), rows,
                               sheet_name=BAD_ROWS_SHEET, data_dir=export.data_dir_of(session))


class _Writer:
    def __init__(self, session: Session, preview: ImportPreview) -> None:
        self.session, self.preview = session, preview
        self.new = [r for r in preview.rows if r.action == "new"]
        self.updates = [r for r in preview.rows if r.action == "update"]
        self.already = 0
        self.households: dict[tuple[uuid.UUID, str], HouseholdId] = {}
        self.made: dict[uuid.UUID, dict[str, Any]] = {}  # households this import adds
        self.households_added = 0

    def run(self) -> ImportResult:
        self._drop_added_since_preview()
        existing = self._existing()
        villages = ({r.person.village_id for r in self.new} |
                    {r.person.village_id or existing[r.existing_id].village_id
                     for r in self.updates if r.existing_id})
        self._load_households(villages)
        inputs = [self._input(r.person) for r in self.new]
        for row in self.updates:  # their new households too, before anyone points at them
            person = existing[row.existing_id]
            self._fibre_if_new(self._household(row.person.village_id or person.village_id,
                                               row.person.household_code), row.person)
        # New records go in as rows (cdsxa.register.bulk), changed ones through the session.
        bulk.add_households(self.session, [bulk.NewHousehold(**h) for h in self.made.values()])
        added = bulk.add_people(self.session, inputs,
                                {hid: h["village_id"] for hid, h in self.made.items()})
        new_ids = list(zip(self.new, added))
        updated = [self._update(r, existing) for r in self.updates]
        self.session.flush()  # the people held in updated are now found by id without a query
        steps = self._new_vneid(new_ids)
        with self.session.no_autoflush:  # else each step's own lookups flush the last one
            steps += sum(self._vneid(r.person, p) for r, p in updated)
        surveyed = self.preview.survey_date
        fibre = _load(self.session, Household, [p.household_id for r, p in updated
                                                if r.person.fibre and p.household_id
                                                and p.household_id not in self.made])
        for household_id in fibre:  # loaded and held, so set_fibre finds them without a query
            people.set_fibre(self.session, HouseholdId(household_id), surveyed)
        outcomes = people.set_outcomes(self.session, [
            (PersonId(p.id), kind) for r, p in updated for kind in sorted(r.person.outcomes)],
            reached_on=surveyed)
        outcomes += self._new_outcomes(new_ids)
        settings.put(self.session, settings.PEOPLE_IMPORT_MAPPING,
                     columns.as_header_mapping(self.preview.headers, self.preview.mapping))
        return ImportResult(len(self.new), len(self.updates), self.preview.counts["duplicate"],
                            self.households_added, outcomes, steps, self.already)

    def _drop_added_since_preview(self) -> None:
        """Leave out "new" rows the register now has (by the preview's own rule)."""
        matches = RegisterMatches(self.session, [r.person for r in self.new])
        still_new = [r for r in self.new if matches.find(r.person) is None]
        self.already = len(self.new) - len(still_new)
        self.new = still_new

    def _existing(self) -> dict[PersonId | None, Person]:
        ids = sorted({r.existing_id for r in self.updates if r.existing_id}, key=str)
        found: dict[PersonId | None, Person] = {}
        for chunk in chunks(ids):
            for person in self.session.scalars(select(Person).where(
                    Person.id.in_(chunk), live(Person))):
                found[PersonId(person.id)] = person
        if len(found) != len(ids):
            raise UserError("Sổ dân cư đã thay đổi sau khi xem trước (có người vừa bị xoá). "
                            "Hãy xem trước lại rồi nhập.")
        return found

    def _load_households(self, village_ids: set[VillageId | uuid.UUID | None]) -> None:
        wanted = [v for v in village_ids if v is not None]
        # The checks of people.add_household, once per village rather than per household
        # (10,000 new households were 10,000 queries).
        for village_id in wanted:
            require_village(self.session, Permission.EDIT_RECORDS, village_id)
        people.require_villages(self.session, {VillageId(v) for v in wanted})
        for row in self.session.scalars(select(Household).where(
                Household.village_id.in_(wanted), Household.code.is_not(None),
                live(Household)).order_by(Household.created_at)):
            self.households.setdefault((row.village_id, fold(row.code or "")), HouseholdId(row.id))

    def _household(self, village_id: uuid.UUID, code: str | None) -> HouseholdId | None:
        """The household with this code in the village, made on first use."""
        if not code:
            return None
        key = (village_id, fold(code))
        if key not in self.households:
            # Added by bulk.add_households before the people who live there.
            household_id = HouseholdId(new_id())
            self.made[household_id] = {"id": household_id, "village_id": village_id,
                                       "code": clean(code)}
            self.households[key] = household_id
            self.households_added += 1
        return self.households[key]

    def _fibre_if_new(self, household_id: HouseholdId | None, row: ParsedPerson) -> None:
        """A new household with fibre gets it when it is added (as people.set_fibre
        would set it): one insert, not an insert and then an update."""
        made = self.made.get(household_id) if household_id is not None else None
        if made is not None and row.fibre:
            made.update(has_fibre=True, fibre_since=self.preview.survey_date)

    def _input(self, row: ParsedPerson) -> people.PersonInput:
        assert row.gender is not None and row.village_id is not None  # the preview made sure
        household_id = self._household(row.village_id, row.household_code)
        self._fibre_if_new(household_id, row)
        return people.PersonInput(
            full_name=row.full_name or "", gender=row.gender, village_id=row.village_id,
            birth_date=row.birth_date, birth_year=row.birth_year, ethnicity=row.ethnicity,
            id_number=row.id_number, phone=row.phone, household_id=household_id,
            relation_to_head=row.relation, notes=row.notes,
            consent=row.consent, consent_on=row.consent_on or self._consent_day(row))

    def _update(self, row: ImportRow,
                existing: dict[PersonId | None, Person]) -> tuple[ImportRow, Person]:
        """Fill or replace the fields the row gives; blank cells keep the register's value."""
        person, given = existing[row.existing_id], row.person
        values: dict[str, object] = {
            "gender": given.gender, "id_number": given.id_number, "phone": given.phone,
            "ethnicity": given.ethnicity, "village_id": given.village_id,
            "relation_to_head": given.relation, "notes": given.notes}
        if given.full_name:
            values.update(full_name=given.full_name, name_key=fold(given.full_name))
        if given.birth_date is not None:
            values.update(birth_date=given.birth_date, birth_year=given.birth_date.year)
        elif given.birth_year is not None and not (
                person.birth_date and person.birth_date.year == given.birth_year):
            values.update(birth_date=None, birth_year=given.birth_year)
        if consent_is_news(person, given):
            values.update(consent=given.consent,
                          consent_on=given.consent_on or self._consent_day(given))
        values["household_id"] = self._household(given.village_id or person.village_id,
                                                  given.household_code)
        self._fibre_if_new(values["household_id"], given)  # type: ignore[arg-type]
        for attr, value in values.items():
            # Only real changes: an untouched record costs nothing at flush time.
            if (value is not None or attr == "birth_date") and getattr(person, attr) != value:
                setattr(person, attr, value)
        return row, person

    def _consent_day(self, row: ParsedPerson) -> date | None:
        # An answer without its date was given no later than the survey.
        return self.preview.survey_date if row.consent is not None else None

    def _vneid(self, row: ParsedPerson, person: Person) -> int:
        if not vneid_is_news(person, row):
            return 0
        vneid.record_step(self.session, PersonId(person.id), "activated",
                          self.preview.survey_date, level=row.vneid_level, note=SURVEY_NOTE)
        return 1

    def _new_vneid(self, added: list[tuple[ImportRow, PersonId]]) -> int:
        """vneid.record_step for people this import added: their first step, so their
        state becomes that step (activated on the survey day, at the level given)."""
        day = self.preview.survey_date
        rows = [(r.person, pid) for r, pid in added if vneid_is_news(None, r.person)]
        if not rows:
            return 0
        if calendar.is_future(self.session, day):
            raise UserError("Ngày thực hiện không thể ở tương lai.")
        for person, _ in rows:
            born = ages.effective_birth_date(person.birth_date, person.birth_year)
            if born is not None and not ages.is_aged_14_plus(born, day):
                raise UserError(f"{person.full_name} chưa đủ {vneid.MIN_AGE} tuổi: trẻ em được "
                                "gắn với tài khoản VNeID của cha hoặc mẹ.")
            if person.vneid_level not in (None, 1, 2):
                raise UserError("Tài khoản VNeID chỉ có mức 1 hoặc mức 2.")
        note = clean(SURVEY_NOTE)
        db_bulk.insert_records(self.session, VneidStep, [
            {"id": new_id(), "person_id": pid, "step": "activated", "level": p.vneid_level,
             "taken_on": day, "member_id": None, "session_id": None, "failure_reason": None,
             "note": note} for p, pid in rows])
        db_bulk.update_records(self.session, Person, {
            pid: {"vneid_status": "activated", "vneid_status_on": day,
                  **({"vneid_level": p.vneid_level} if p.vneid_level is not None else {})}
            for p, pid in rows})
        return len(rows)

    def _new_outcomes(self, added: list[tuple[ImportRow, PersonId]]) -> int:
        """people.set_outcomes for people this import added: they have none yet."""
        rows = [{"id": new_id(), "person_id": pid, "kind": kind,
                 "reached_on": self.preview.survey_date, "session_id": None}
                for r, pid in added for kind in sorted(r.person.outcomes)]
        if any(row["kind"] not in outcomes.PERSON_OUTCOMES for row in rows):
            raise UserError("Kết quả không xác định.")
        db_bulk.insert_records(self.session, PersonOutcome, rows)
        return len(rows)


def _load(session: Session, model: type[Record], ids: list[uuid.UUID]) -> dict[uuid.UUID, Record]:
    found: dict[uuid.UUID, Record] = {}
    for chunk in chunks(sorted(set(ids), key=str)):
        found.update((row.id, row) for row in session.scalars(
            select(model).where(model.id.in_(chunk))))
    return found
