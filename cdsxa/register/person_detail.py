"""One person as the person form shows and saves them: details, household, outcomes.

Saving is one call (save_person) so that the form, a test or the command line
change a person the same way, and a refused entry leaves nothing half-saved when
the caller's transaction rolls back.

Reading a person needs VIEW_PERSONAL, saving needs EDIT_RECORDS; both only for the
person's village when the user is a team member (cdsxa.security.access.require_village).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.common import outcomes
from cdsxa.common.digits import ascii_digits, ascii_digits_or_none
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import HouseholdId, PersonId, VillageId
from cdsxa.common.text import clean
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person, PersonOutcome, Village
from cdsxa.register import people
from cdsxa.register.people import PersonInput
from cdsxa.security.access import Permission, require, require_village, village_scope

# Offered in the form's editable lists; anything else may be typed.
ETHNICITIES = ("Kinh", "Mường", "Thái", "H'Mông", "Dao", "Thổ", "Khơ Mú", "Tày", "Nùng", "Khác")
RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Bố", "Mẹ", "Ông", "Bà", "Cháu", "Anh", "Chị",
             "Em", "Con dâu", "Con rể", "Khác")

# ASCII digits only: typed text passes through ascii_digits first.
_DATE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")


@dataclass(frozen=True)
class PersonDetail:
    id: PersonId
    data: PersonInput
    village_name: str
    household_code: str | None
    # Person outcomes reached: kind → date (None when the date is not known).
    outcomes: Mapping[str, date | None]
    has_fibre: bool
    fibre_since: date | None
    vneid_status: str | None
    vneid_level: int | None
    vneid_status_on: date | None

    @property
    def consent(self) -> str | None:
        return self.data.consent

    @property
    def consent_on(self) -> date | None:
        return self.data.consent_on


@dataclass(frozen=True)
class HouseholdView:
    id: HouseholdId
    code: str | None
    members: int
    has_fibre: bool
    fibre_since: date | None


@dataclass(frozen=True)
class PersonEdit:
    """Everything the person form saves. data.household_id is ignored: the household
    is the one with household_code in the person's village (made if there is none).
    Consent (data.consent, data.consent_on) is saved with the person."""

    data: PersonInput
    household_code: str | None = None
    outcomes: Mapping[str, date | None] = field(default_factory=dict)
    has_fibre: bool = False
    fibre_since: date | None = None


def parse_date(text: str, what: str) -> date | None:
    """'7/3/1985' (also with '.' or '-', and in fullwidth or other digits) → a date;
    empty → None."""
    typed = clean(text)
    if typed is None:
        return None
    typed = ascii_digits(typed, what)
    match = _DATE.fullmatch(typed)
    try:
        if match is None:
            raise ValueError
        day, month, year = (int(part) for part in match.groups())
        value = date(year, month, day)
    except ValueError:
        raise UserError(f"{what}: “{typed}” không phải ngày hợp lệ (nhập dạng dd/mm/yyyy).") \
            from None
    if value > date.today():
        raise UserError(f"{what}: ngày {typed} ở tương lai.")
    return value


def parse_birth(text: str) -> tuple[date | None, int | None]:
    """The date of birth, or only the year ('1985'): (date, None) or (None, year)."""
    typed = clean(text)
    if typed is None:
        return None, None
    typed = ascii_digits(typed, "Ngày sinh")
    if typed.isascii() and typed.isdigit() and len(typed) == 4:
        return None, int(typed)
    if _DATE.fullmatch(typed) is None:
        raise UserError(f"Ngày sinh “{typed}” không hợp lệ: nhập dd/mm/yyyy, hoặc chỉ năm "
                        "sinh (ví dụ 1985).")
    return parse_date(typed, "Ngày sinh"), None


def get_person(session: Session, person_id: PersonId) -> PersonDetail:
    """Everything the form shows, ID number and phone in full: VIEW_PERSONAL, and for a
    team member only a person of their village."""
    require(session, Permission.VIEW_PERSONAL)
    person = session.get(Person, person_id)
    if person is None or person.deleted:
        raise NotFound("Không tìm thấy người này trong sổ (có thể đã bị xoá).")
    require_village(session, Permission.VIEW_PERSONAL, person.village_id)
    village = session.get(Village, person.village_id)
    household = session.get(Household, person.household_id) if person.household_id else None
    reached = {row.kind: row.reached_on for row in session.scalars(select(PersonOutcome).where(
        PersonOutcome.person_id == person_id, live(PersonOutcome)))}
    data = PersonInput(
        full_name=person.full_name, gender=person.gender,
        village_id=VillageId(person.village_id), birth_date=person.birth_date,
        birth_year=None if person.birth_date else person.birth_year,
        ethnicity=person.ethnicity, id_number=person.id_number, phone=person.phone,
        household_id=HouseholdId(person.household_id) if person.household_id else None,
        relation_to_head=person.relation_to_head, notes=person.notes,
        consent=person.consent, consent_on=person.consent_on)
    live_household = household if household is not None and not household.deleted else None
    return PersonDetail(
        id=person_id, data=data, village_name=village.name if village else "",
        household_code=live_household.code if live_household else None, outcomes=reached,
        has_fibre=bool(live_household and live_household.has_fibre),
        fibre_since=live_household.fibre_since if live_household else None,
        vneid_status=person.vneid_status, vneid_level=person.vneid_level,
        vneid_status_on=person.vneid_status_on)


def find_by_id_number(session: Session, typed: str) -> PersonId | None:
    """The live person with this ID number (typed with spaces or dots, or with its
    leading 0 dropped), if any. Only the id: get_person decides who may see them."""
    require(session, Permission.VIEW_PERSONAL)
    digits = "".join((ascii_digits_or_none(typed) or "").split()).replace(".", "")
    if len(digits) == 11:
        digits = "0" + digits
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        return None
    found = session.scalars(select(Person.id).where(
        Person.id_number == digits, live(Person))).first()
    return None if found is None else PersonId(found)


def village_choices(session: Session) -> list[tuple[VillageId, str]]:
    """The live villages, in order, for pickers (without villages.list_all's counts);
    a team member's own village only."""
    query = select(Village.id, Village.name).where(live(Village)).order_by(Village.position)
    own = village_scope(session)
    if own is not None:
        query = query.where(Village.id == own)
    rows = session.execute(query)
    return [(VillageId(village_id), name) for village_id, name in rows]


def household_codes(session: Session, village_id: VillageId) -> list[str]:
    """The codes of the village's live households, in order."""
    require_village(session, Permission.VIEW_PERSONAL, village_id)
    return list(session.scalars(
        select(Household.code).where(Household.village_id == village_id,
                                     live(Household), Household.code.is_not(None))
        .distinct().order_by(Household.code)))


def find_household(session: Session, village_id: VillageId, code: str) -> HouseholdView | None:
    """The village's live household with this code (case ignored), if any."""
    require_village(session, Permission.VIEW_PERSONAL, village_id)
    typed = people.household_code(code)
    if typed is None:
        return None
    row = session.scalars(select(Household).where(
        Household.village_id == village_id, live(Household),
        Household.code.in_({typed, typed.upper()})).order_by(Household.created_at)).first()
    if row is None:
        return None
    members = session.scalar(select(func.count()).select_from(Person).where(
        Person.household_id == row.id, live(Person))) or 0
    return HouseholdView(HouseholdId(row.id), row.code, members, row.has_fibre, row.fibre_since)


def household_for_code(session: Session, village_id: VillageId,
                       code: str | None) -> HouseholdId | None:
    """The household a typed code names in the village: an existing one, or a new one."""
    typed = people.household_code(code)
    if typed is None:
        return None
    existing = find_household(session, village_id, typed)
    if existing is not None:
        return existing.id
    return people.add_household(session, village_id, code=typed)


def save_outcomes(session: Session, person_id: PersonId,
                  reached: Mapping[str, date | None]) -> None:
    """Make the person's outcomes what the form shows: those in `reached` (with their
    dates, None when unknown) are recorded, the others cleared."""
    unknown = set(reached) - set(outcomes.PERSON_OUTCOMES)
    if unknown:
        raise UserError(f"Kết quả không xác định: {', '.join(sorted(unknown))}.")
    people.require_person(session, person_id)
    current = {row.kind: row for row in session.scalars(select(PersonOutcome).where(
        PersonOutcome.person_id == person_id, live(PersonOutcome)))}
    for kind in outcomes.PERSON_OUTCOMES:
        row = current.get(kind)
        if kind not in reached:
            if row is not None:
                people.clear_outcome(session, person_id, kind)
        elif row is None:
            people.set_outcome(session, person_id, kind, reached[kind])
        elif row.reached_on != reached[kind]:
            row.reached_on = reached[kind]  # a date corrected on the form


def save_fibre(session: Session, household_id: HouseholdId, has_fibre: bool,
               since: date | None) -> None:
    """Make the household's fibre broadband what the form shows."""
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound("Không tìm thấy hộ gia đình này.")
    require_village(session, Permission.EDIT_RECORDS, household.village_id)
    if not has_fibre:
        if household.has_fibre:
            household.has_fibre, household.fibre_since = False, None
        return
    if not household.has_fibre:
        people.set_fibre(session, household_id, since)
    elif household.fibre_since != since:
        household.fibre_since = since


def save_person(session: Session, edit: PersonEdit,
                person_id: PersonId | None = None) -> PersonId:
    """Add (person_id None) or change a person, with household and outcomes.

    Raises UserError (DuplicateIdNumber when the ID number is someone else's); the
    caller's transaction then rolls back, so nothing is half-saved.
    """
    village_id = edit.data.village_id
    require_village(session, Permission.EDIT_RECORDS, village_id)
    if person_id is not None:
        people.require_person(session, person_id)
    if edit.has_fibre and clean(edit.household_code) is None:
        raise UserError("Internet cáp quang được ghi theo hộ: hãy nhập mã hộ.")
    people.require_villages(session, {village_id})
    household_id = household_for_code(session, village_id, edit.household_code)
    data = replace(edit.data, household_id=household_id)
    if person_id is None:
        person_id = people.add_person(session, data)
    else:
        people.update_person(session, person_id, data)
    session.flush()
    save_outcomes(session, person_id, edit.outcomes)
    if household_id is not None:
        save_fibre(session, household_id, edit.has_fibre, edit.fibre_since)
    return person_id
