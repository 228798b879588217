"""People and households of the register (the core the daily work builds on).

Every write here needs EDIT_RECORDS, and a team member may only touch records of
their own village (cdsxa.security.access.require_village): the services decide, not the GUI.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common import outcomes
from cdsxa.common.digits import ascii_digits
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import HouseholdId, PersonId, VillageId
from cdsxa.common.text import clean, fold
from cdsxa.commune import calendar
from cdsxa.db.base import live, new_id
from cdsxa.db.models import Household, Person, PersonOutcome, Village
from cdsxa.register import idnumber, phone
from cdsxa.security.access import AccessDenied, Permission, Role, require, require_village

GENDERS = ("male", "female")
# Consent to keeping their data (Decree 13/2023): asked, and given or refused; None: not asked.
CONSENTS = ("given", "refused")


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    gender: str
    village_id: VillageId
    birth_date: date | None = None
    birth_year: int | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    phone: str | None = None
    household_id: HouseholdId | None = None
    relation_to_head: str | None = None
    notes: str | None = None
    consent: str | None = None  # "given", "refused", or None (not asked yet)
    consent_on: date | None = None  # when; today when consent is set without a date


class DuplicateIdNumber(UserError):
    """The ID number belongs to someone already in the register."""

    def __init__(self, message: str, existing: PersonId) -> None:
        super().__init__(message)
        self.existing = existing


def household_code(typed: str | None) -> str | None:
    """A household number as kept: "ＨＫ０１" (fullwidth) is "HK01"; blank is None."""
    code = clean(typed)
    return None if code is None else ascii_digits(code, "Mã hộ")


def add_household(session: Session, village_id: VillageId, code: str | None = None,
                  address: str | None = None) -> HouseholdId:
    require_village(session, Permission.EDIT_RECORDS, village_id)
    require_villages(session, {village_id})
    # The id is made here, so no flush is needed before members can point at it.
    row = Household(id=new_id(), village_id=village_id, code=household_code(code),
                    address=clean(address))
    session.add(row)
    return HouseholdId(row.id)


def add_person(session: Session, data: PersonInput) -> PersonId:
    return add_people(session, [data])[0]


def update_person(session: Session, person_id: PersonId, data: PersonInput) -> None:
    """Change a person's details, checked as when added; the ID number stays unique."""
    person = session.get(Person, person_id)
    if person is None or person.deleted:
        raise NotFound("Không tìm thấy người này trong sổ (có thể đã bị xoá).")
    require_village(session, Permission.EDIT_RECORDS, person.village_id)
    require_village(session, Permission.EDIT_RECORDS, data.village_id)
    require_villages(session, {data.village_id})
    _require_households(session, [data])
    row = _validated(data, calendar.today(session))
    if row["id_number"]:
        other = session.scalars(select(Person).where(
            Person.id_number == row["id_number"], live(Person),
            Person.id != person_id)).first()
        if other is not None:
            raise duplicate(session, other)
    for key, value in row.items():
        if getattr(person, key) != value:
            setattr(person, key, value)


def add_people(session: Session, batch: Sequence[PersonInput]) -> list[PersonId]:
    """Validate the whole batch, then add it; nothing is added if any entry is refused.

    Lookups are set-based (one query per batch, not per person), so large imports
    and the demo stay linear (cdsxa.register.bulk adds thousands without ORM objects).
    """
    people = [Person(id=new_id(), **row) for row in validated_people(session, batch)]
    session.add_all(people)
    return [PersonId(p.id) for p in people]


def validated_people(session: Session, batch: Sequence[PersonInput],
                     households: Mapping[uuid.UUID, uuid.UUID] | None = None,
                     ) -> list[dict[str, object]]:
    """add_people's checks of the whole batch, and the column values it would store.

    `households` (id -> village) are households the caller adds in this transaction
    without the session, so they need no query.
    """
    villages = {data.village_id for data in batch}
    require(session, Permission.EDIT_RECORDS)
    for village_id in villages:
        require_village(session, Permission.EDIT_RECORDS, village_id)
    require_villages(session, villages)
    _require_households(session, batch, households or {})
    today = calendar.today(session)
    rows = [_validated(data, today) for data in batch]
    _refuse_duplicates(session, [r["id_number"] for r in rows if r["id_number"]])
    return rows


def require_villages(session: Session, village_ids: set[VillageId]) -> None:
    with session.no_autoflush:
        existing = set(session.scalars(
            select(Village.id).where(Village.id.in_(village_ids), live(Village))
        ))
    if existing != village_ids:
        raise UserError("Thôn/bản đã chọn không còn trong danh sách của xã.")


def _require_households(session: Session, batch: Sequence[PersonInput],
                        known: Mapping[uuid.UUID, uuid.UUID] | None = None) -> None:
    """A person's household is a live one of the same village (a team member's
    household choice cannot reach into another village either)."""
    wanted = {data.household_id for data in batch if data.household_id is not None}
    if not wanted:
        return
    # Households added in this transaction are not flushed yet: take them as they are.
    found = {h.id: h.village_id for h in session.new if isinstance(h, Household)}
    found.update(known or {})
    with session.no_autoflush:
        found.update((household, village) for household, village in session.execute(
            select(Household.id, Household.village_id).where(
                Household.id.in_(wanted - found.keys()), live(Household))))
    for data in batch:
        if data.household_id is not None and found.get(data.household_id) != data.village_id:
            raise UserError("Hộ đã chọn không thuộc thôn/bản của người này (hoặc đã bị xoá). "
                            "Hãy chọn lại hộ.")


# Field checks of one value each, pure: the form's path (_validated) and received
# sync entries (cdsxa.sync.values) both call them.

def full_name(typed: str | None) -> str:
    name = clean(typed)
    if not name:
        raise UserError("Hãy nhập họ và tên.")
    return name


def check_gender(gender: object) -> None:
    if gender not in GENDERS:
        raise UserError("Hãy chọn giới tính (nam hoặc nữ).")


def check_birth_year(birth_year: int | None, today: date) -> None:
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        raise UserError(f"Năm sinh {birth_year} không hợp lệ.")


def check_consent(consent: object) -> None:
    if consent is not None and consent not in CONSENTS:
        raise UserError(f"Ý kiến đồng ý không xác định: {consent}.")


def _validated(data: PersonInput, today: date) -> dict[str, object]:
    name = full_name(data.full_name)
    check_gender(data.gender)
    birth_year = data.birth_date.year if data.birth_date else data.birth_year
    check_birth_year(birth_year, today)
    number = None
    if clean(data.id_number):
        result = idnumber.check(data.id_number or "", data.birth_date, birth_year, data.gender)
        if not result.ok:
            raise UserError(result.error)
        number = result.value
    consent, consent_on = _consent(data, today)
    return {
        "full_name": name,
        "name_key": fold(name),
        "gender": data.gender,
        "birth_date": data.birth_date,
        "birth_year": birth_year,
        "ethnicity": clean(data.ethnicity),
        "id_number": number,
        "phone": phone.optional(data.phone),
        "village_id": data.village_id,
        "household_id": data.household_id,
        "relation_to_head": clean(data.relation_to_head),
        "notes": clean(data.notes),
        "consent": consent,
        "consent_on": consent_on,
    }


def _consent(data: PersonInput, today: date) -> tuple[str | None, date | None]:
    if data.consent is None:
        return None, None  # not asked: no date either
    check_consent(data.consent)
    on = data.consent_on or today
    if on > today:
        raise UserError("Ngày người dân đồng ý hoặc từ chối không thể ở tương lai.")
    return data.consent, on


def may_see(session: Session, village_id: object) -> bool:
    """Whether the acting user may see personal data of a person of this village."""
    try:
        require_village(session, Permission.VIEW_PERSONAL,
                        village_id if isinstance(village_id, uuid.UUID) else None)
    except AccessDenied:
        return False
    return True


def duplicate(session: Session, other: Person) -> DuplicateIdNumber:
    """The refusal for an ID number already in the register; it names the person only
    to someone who may see them (a team member is not told who, in another village)."""
    if may_see(session, other.village_id):
        message = f"Số định danh {other.id_number} đã có trong sổ: {other.full_name}."
    else:
        message = f"Số định danh {other.id_number} đã có trong sổ, ở một thôn khác."
    return DuplicateIdNumber(message, PersonId(other.id))


def _refuse_duplicates(session: Session, numbers: list[object]) -> None:
    seen: set[object] = set()
    for number in numbers:
        if number in seen:
            raise UserError(f"Số định danh {number} xuất hiện hai lần trong cùng một lần nhập.")
        seen.add(number)
    # Pending (unflushed) people are in the database's view once autoflush runs here.
    for chunk in _chunks(sorted(str(n) for n in seen), 500):
        existing = session.scalars(
            select(Person).where(Person.id_number.in_(chunk), live(Person))
        ).first()
        if existing is not None:
            raise duplicate(session, existing)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def set_outcome(session: Session, person_id: PersonId, kind: str, reached_on: date | None,
                session_id: uuid.UUID | None = None) -> None:
    """Record that a person reached an outcome (idempotent: the earliest date is kept)."""
    if kind not in outcomes.PERSON_OUTCOMES:
        raise UserError(f"Kết quả không xác định: {kind}.")
    require_person(session, person_id)
    # Without an autoflush: a save then writes its rows in one flush, not two (the
    # caller's pending session row needs none of this), and a pending outcome of this
    # save is found among the new objects.
    with session.no_autoflush:
        row = session.scalars(select(PersonOutcome).where(
            PersonOutcome.person_id == person_id, PersonOutcome.kind == kind,
            live(PersonOutcome))).first()
    if row is None:
        row = next((new for new in session.new if isinstance(new, PersonOutcome)
                    and new.person_id == person_id and new.kind == kind
                    and not new.deleted), None)
    if row is None:
        session.add(PersonOutcome(person_id=person_id, kind=kind, reached_on=reached_on,
                                  session_id=session_id))
    elif reached_on is not None and (row.reached_on is None or reached_on < row.reached_on):
        row.reached_on, row.session_id = reached_on, session_id or row.session_id


def clear_outcome(session: Session, person_id: PersonId, kind: str) -> None:
    """Undo an outcome recorded by mistake (a soft delete, so sync carries it)."""
    require_person(session, person_id)
    for row in session.scalars(select(PersonOutcome).where(
            PersonOutcome.person_id == person_id, PersonOutcome.kind == kind,
            live(PersonOutcome))):
        row.deleted = True


def set_fibre(session: Session, household_id: HouseholdId, since: date | None) -> None:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise UserError("Không tìm thấy hộ gia đình này.")
    require_village(session, Permission.EDIT_RECORDS, household.village_id)
    household.has_fibre = True
    if since is not None and (household.fibre_since is None or since < household.fibre_since):
        household.fibre_since = since


def set_outcomes(session: Session, reached: Iterable[tuple[PersonId, str]],
                 reached_on: date | None = None) -> int:
    """set_outcome for many (person, outcome) pairs, one query per 500 people (imports).

    Returns how many outcomes were newly recorded.
    """
    wanted: dict[PersonId, set[str]] = {}
    for person_id, kind in reached:
        if kind not in outcomes.PERSON_OUTCOMES:
            raise UserError(f"Kết quả không xác định: {kind}.")
        wanted.setdefault(person_id, set()).add(kind)
    ids, added = list(wanted), 0
    session.flush()  # then chunks need not flush each other's new rows: one large flush is faster
    require_people(session, ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        # Columns, not records: most answers are already known, and records are costly.
        with session.no_autoflush:
            existing = {(person_id, kind): (row_id, on) for row_id, person_id, kind, on in
                        session.execute(select(
                            PersonOutcome.id, PersonOutcome.person_id, PersonOutcome.kind,
                            PersonOutcome.reached_on).where(PersonOutcome.person_id.in_(chunk),
                                                            live(PersonOutcome)))}
        for person_id in chunk:
            for kind in sorted(wanted[person_id]):
                known = existing.get((person_id, kind))
                if known is None:
                    session.add(PersonOutcome(person_id=person_id, kind=kind,
                                              reached_on=reached_on))
                    added += 1
                elif reached_on is not None and (known[1] is None or reached_on < known[1]):
                    row = session.get(PersonOutcome, known[0])
                    if row is not None:
                        row.reached_on = reached_on
    return added


def require_person(session: Session, person_id: PersonId,
                   permission: Permission = Permission.EDIT_RECORDS) -> Person:
    """The person, if the acting user may work on their record (permission + village)."""
    require(session, permission)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("Không tìm thấy người này trong sổ (có thể đã bị xoá).")
    require_village(session, permission, person.village_id)
    return person


def require_people(session: Session, person_ids: Sequence[PersonId],
                   permission: Permission = Permission.EDIT_RECORDS) -> None:
    """require_person for many people: one query per 500 people, and only for team
    members (the other roles may work on every village)."""
    acting = require(session, permission)
    if acting.role is not Role.TEAM_MEMBER:
        return
    for chunk in _chunks(sorted(str(p) for p in person_ids), 500):
        with session.no_autoflush:
            villages = set(session.scalars(select(Person.village_id).where(
                Person.id.in_([uuid.UUID(p) for p in chunk])).distinct()))
        for village_id in villages:
            require_village(session, permission, village_id)
