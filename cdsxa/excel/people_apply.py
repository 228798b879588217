"""Writing a previewed people import: every row in the caller's transaction, or none.

Everything goes through the register's services or the ORM, so the change-log
hook records each record; queries are per 500 records, never per row.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.ids import HouseholdId, PersonId, VillageId
from cdsxa.common.text import fold
from cdsxa.commune import settings
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person
from cdsxa.excel import columns
from cdsxa.excel.people_preview import ImportPreview, ImportRow, chunks
from cdsxa.excel.people_rows import ParsedPerson, consent_is_news, vneid_is_news
from cdsxa.register import people
from cdsxa.security.access import Permission, require
from cdsxa.support import vneid

SURVEY_NOTE = "Từ khảo sát"
Record = TypeVar("Record", bound=Household)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    skipped: int  # duplicates
    households_added: int
    outcomes_added: int
    vneid_steps: int


def apply(session: Session, preview: ImportPreview) -> ImportResult:
    """Import the previewed rows; a preview with any error row is refused whole.

    Needs IMPORT (an officer's or the administrator's): rows go to any village.
    """
    require(session, Permission.IMPORT)
    if preview.has_errors:
        raise UserError(f"Còn {preview.counts['error']} dòng lỗi nên chưa nhập gì. "
                        "Hãy sửa tệp rồi xem trước lại.")
    return _Writer(session, preview).run()


class _Writer:
    def __init__(self, session: Session, preview: ImportPreview) -> None:
        self.session, self.preview = session, preview
        self.new = [r for r in preview.rows if r.action == "new"]
        self.updates = [r for r in preview.rows if r.action == "update"]
        self.households: dict[tuple[uuid.UUID, str], HouseholdId] = {}
        self.households_added = 0

    def run(self) -> ImportResult:
        existing = self._existing()
        self._load_households({r.person.village_id for r in self.new} |
                              {r.person.village_id or existing[r.existing_id].village_id
                               for r in self.updates if r.existing_id})
        targets = self._add_new() + [self._update(r, existing) for r in self.updates]
        self.session.flush()  # the people held in targets are now found by id without a query
        steps = sum(self._vneid(r.person, p) for r, p in targets)
        fibre = _load(self.session, Household, [p.household_id for r, p in targets
                                                if r.person.fibre and p.household_id])
        for household_id in fibre:  # loaded and held, so set_fibre finds them without a query
            people.set_fibre(self.session, HouseholdId(household_id), None)
        outcomes = people.set_outcomes(self.session, [
            (PersonId(p.id), kind) for r, p in targets for kind in sorted(r.person.outcomes)])
        settings.put(self.session, settings.PEOPLE_IMPORT_MAPPING,
                     columns.as_header_mapping(self.preview.headers, self.preview.mapping))
        return ImportResult(len(self.new), len(self.updates), self.preview.counts["duplicate"],
                            self.households_added, outcomes, steps)

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
            self.households[key] = people.add_household(self.session, VillageId(village_id), code)
            self.households_added += 1
        return self.households[key]

    def _add_new(self) -> list[tuple[ImportRow, Person]]:
        ids = people.add_people(self.session, [self._input(r.person) for r in self.new])
        # add_people hands back ids; its records are still pending, so take them from the
        # session rather than query for them one by one.
        pending = {p.id: p for p in self.session.new if isinstance(p, Person)}
        return [(row, pending[pid]) for row, pid in zip(self.new, ids)]

    def _input(self, row: ParsedPerson) -> people.PersonInput:
        assert row.gender is not None and row.village_id is not None  # the preview made sure
        return people.PersonInput(
            full_name=row.full_name or "", gender=row.gender, village_id=row.village_id,
            birth_date=row.birth_date, birth_year=row.birth_year, ethnicity=row.ethnicity,
            id_number=row.id_number, phone=row.phone,
            household_id=self._household(row.village_id, row.household_code),
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
        for attr, value in values.items():
            # Only real changes: an untouched record costs nothing at flush time.
            if (value is not None or attr == "birth_date") and getattr(person, attr) != value:
                setattr(person, attr, value)
        return row, person

    def _consent_day(self, row: ParsedPerson) -> date | None:
        # An answer without its date was recorded no later than the import.
        return self.preview.today if row.consent is not None else None

    def _vneid(self, row: ParsedPerson, person: Person) -> int:
        if not vneid_is_news(person, row):
            return 0
        vneid.record_step(self.session, PersonId(person.id), "activated", self.preview.today,
                          level=row.vneid_level, note=SURVEY_NOTE)
        return 1


def _load(session: Session, model: type[Record], ids: list[uuid.UUID]) -> dict[uuid.UUID, Record]:
    found: dict[uuid.UUID, Record] = {}
    for chunk in chunks(sorted(set(ids), key=str)):
        found.update((row.id, row) for row in session.scalars(
            select(model).where(model.id.in_(chunk))))
    return found
