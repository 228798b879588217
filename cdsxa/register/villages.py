"""Villages / residential groups of the commune: add, rename, merge, list.

The commune's structure is the administrator's (CHANGE_SETTINGS). An officer
importing a list may also add the villages it names that the commune lacks
(IMPORT): the import dialog offers it, and a new village changes no record.
Renaming, merging and removing stay with the administrator: a merge moves every
household and person of a village. Anyone signed in may list the villages.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import VillageId
from cdsxa.common.text import clean, fold
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person, Village
from cdsxa.security.access import Permission, principal_of, require

MAX_NAME = 100


@dataclass(frozen=True)
class VillageView:
    id: VillageId
    name: str
    households: int
    people: int


def valid_name(name: str) -> str:
    cleaned = clean(name)
    if not cleaned:
        raise UserError("Tên thôn/bản/tổ dân phố không được để trống.")
    if len(cleaned) > MAX_NAME:
        raise UserError(f"Tên thôn/bản quá dài (tối đa {MAX_NAME} ký tự): {cleaned[:40]}…")
    return cleaned


def check_new_names(names: Iterable[str]) -> list[str]:
    """Cleaned names, or a UserError naming the first empty, long or repeated one."""
    seen: dict[str, str] = {}
    result = []
    for name in names:
        cleaned = valid_name(name)
        key = fold(cleaned)
        if key in seen:
            raise UserError(f"Tên thôn/bản bị trùng: “{cleaned}” và “{seen[key]}”.")
        seen[key] = cleaned
        result.append(cleaned)
    return result


def _live(session: Session) -> list[Village]:
    query = select(Village).where(live(Village)).order_by(Village.position)
    return list(session.scalars(query))


def _get_live(session: Session, village_id: VillageId) -> Village:
    row = session.get(Village, village_id)
    if row is None or row.deleted:
        raise NotFound("Không tìm thấy thôn/bản này (có thể đã bị gộp hoặc xoá).")
    return row


def _refuse_duplicate(session: Session, name: str, except_id: VillageId | None = None) -> None:
    key = fold(name)
    for other in _live(session):
        if other.name_key == key and other.id != except_id:
            raise UserError(f"Xã đã có thôn/bản “{other.name}”.")


def add(session: Session, name: str) -> VillageId:
    if not principal_of(session).may(Permission.IMPORT):
        require(session, Permission.CHANGE_SETTINGS)
    cleaned = valid_name(name)
    _refuse_duplicate(session, cleaned)
    position = session.scalar(select(func.coalesce(func.max(Village.position), 0))) or 0
    row = Village(name=cleaned, name_key=fold(cleaned), position=position + 1)
    session.add(row)
    session.flush()
    return VillageId(row.id)


def rename(session: Session, village_id: VillageId, new_name: str) -> None:
    require(session, Permission.CHANGE_SETTINGS)
    row = _get_live(session, village_id)
    cleaned = valid_name(new_name)
    _refuse_duplicate(session, cleaned, except_id=village_id)
    row.name = cleaned
    row.name_key = fold(cleaned)


def merge(session: Session, source_id: VillageId, target_id: VillageId) -> None:
    """Fold source into target: its households and people move; source is retired."""
    require(session, Permission.CHANGE_SETTINGS)
    if source_id == target_id:
        raise UserError("Không thể gộp một thôn/bản vào chính nó.")
    source = _get_live(session, source_id)
    target = _get_live(session, target_id)
    # Record by record (not one bulk UPDATE) so every move reaches the change log.
    for household in session.scalars(select(Household).where(Household.village_id == source.id)):
        household.village_id = target.id
    for person in session.scalars(select(Person).where(Person.village_id == source.id)):
        person.village_id = target.id
    source.merged_into_id = target.id
    source.deleted = True


def list_all(session: Session) -> list[VillageView]:
    def counts(model: type[Household] | type[Person]) -> dict[object, int]:
        query = (
            select(model.village_id, func.count())
            .where(model.deleted.is_(False))
            .group_by(model.village_id)
        )
        return {vid: n for vid, n in session.execute(query)}

    households, people = counts(Household), counts(Person)
    return [
        VillageView(VillageId(v.id), v.name, households.get(v.id, 0), people.get(v.id, 0))
        for v in _live(session)
    ]


def find_by_name(session: Session, name: str) -> VillageId | None:
    key = fold(name)
    for row in _live(session):
        if row.name_key == key:
            return VillageId(row.id)
    return None


def remove(session: Session, village_id: VillageId) -> None:
    """Retire a village entered by mistake; one with records must be merged instead."""
    require(session, Permission.CHANGE_SETTINGS)
    row = _get_live(session, village_id)
    view = next(v for v in list_all(session) if v.id == village_id)
    if view.households or view.people:
        raise UserError(
            f"“{row.name}” còn {view.households} hộ và {view.people} người; "
            "hãy gộp vào một thôn/bản khác thay vì xoá."
        )
    row.deleted = True
