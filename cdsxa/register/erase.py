"""Erasing a person at their request (Decree 13/2023): a true delete, not a soft one.

What goes: the person, their outcomes and VNeID steps (deleted records too), and
the old and new values the audit trail kept for those records. What stays: the
household, and support sessions and classes, which keep counting but no longer
name them. Sync learns of it from the change log's "erase" tombstones, which name
the records and nothing else; the audit log says who erased a record and why,
without saying whose it was.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from cdsxa.common.digits import decimal_digits
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import PersonId
from cdsxa.common.text import clean, fold
from cdsxa.db import merges
from cdsxa.db.activity import GroupSessionAttendee, SupportSession, TeamMember, VneidStep
from cdsxa.db.models import Person, PersonOutcome, SyncConflict
from cdsxa.security import audit
from cdsxa.security.access import Permission, require, require_village


@dataclass(frozen=True)
class Erased:
    records: int  # the person, their outcomes and VNeID steps
    unlinked: int  # support sessions, classes and team members that no longer name them


def erase_person(session: Session, person_id: PersonId, reason: str) -> Erased:
    """Delete the person and what is theirs, in the caller's transaction.

    Needs ERASE_PERSON (and, for a team member, the person's village). The reason
    is kept in the audit log, so it must not name the person.
    """
    require(session, Permission.ERASE_PERSON)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("Không tìm thấy người này trong sổ (có thể đã bị xoá hẳn).")
    require_village(session, Permission.ERASE_PERSON, person.village_id)
    why = _checked_reason(reason, person)
    # Records merged into this one (the same citizen entered on two PCs) are kept as
    # deleted rows holding the same data: they go too, with what is theirs.
    same = [person, *(found for loser in merges.merged_from(session, "person", str(person.id))
                      if (found := session.get(Person, uuid.UUID(loser))) is not None)]
    same_ids = [row.id for row in same]
    unlinked = sum(_unlink(session, record_id) for record_id in same_ids)
    owned: list[PersonOutcome | VneidStep] = [
        *session.scalars(select(PersonOutcome).where(PersonOutcome.person_id.in_(same_ids))),
        *session.scalars(select(VneidStep).where(VneidStep.person_id.in_(same_ids))),
    ]
    for row in owned:
        session.delete(row)
    session.flush()  # their rows go before the person they point at (foreign keys)
    ids = [*same_ids, *(row.id for row in owned)]
    for record in same:
        session.delete(record)
    session.flush()
    purge_search_index(session)
    audit.scrub(session, ids)
    # Values that lost in sync conflicts on their records go too (the conflicts stay).
    session.execute(update(SyncConflict).where(SyncConflict.record_id.in_(ids))
                    .values(losing_value=None, winning_value=None))
    audit.record(session, "erase",
                 f"Xóa hẳn hồ sơ một người dân theo yêu cầu của họ. Lý do: {why}",
                 object_table="person", object_id=person.id,
                 details={"reason": why, "records": len(ids), "unlinked": unlinked})
    return Erased(len(ids), unlinked)


def _checked_reason(reason: str, person: Person) -> str:
    why = clean(reason)
    if why is None:
        raise UserError("Hãy ghi lý do xóa (ví dụ: “Người dân yêu cầu xóa dữ liệu, đơn ngày …”).")
    folded = fold(why)
    digits = decimal_digits(why)  # "０３８…" names the person as well as "038…"
    named = fold(person.full_name) in folded
    numbered = any(number and number in digits for number in (person.id_number, person.phone))
    if named or numbered:
        raise UserError("Lý do được lưu trong nhật ký nên không được ghi tên, số định danh "
                        "hay số điện thoại của người được xóa.")
    return why


def _unlink(session: Session, person_id: uuid.UUID) -> int:
    """Records that keep counting but stop naming the person; changed through the ORM,
    so each is logged as an update and travels."""
    count = 0
    for support in session.scalars(select(SupportSession).where(
            SupportSession.person_id == person_id)):
        support.person_id = None
        count += 1
    for member in session.scalars(select(TeamMember).where(TeamMember.person_id == person_id)):
        member.person_id = None
        count += 1
    # Their attendance rows go for good (a row naming them cannot outlive them); each
    # deletion is logged as an erase, so it travels. A class's head count stays what
    # it was: the class still had them in it.
    for attendance in session.scalars(select(GroupSessionAttendee).where(
            GroupSessionAttendee.person_id == person_id)):
        count += not attendance.deleted
        session.delete(attendance)
    return count


def purge_search_index(session: Session) -> None:
    """Merge the person search index, so the erased terms leave it entirely (a delete
    only marks them; secure_delete then zeroes the freed pages). Also after an erasure
    received from another PC (cdsxa.sync.apply)."""
    if session.get_bind().dialect.name == "sqlite" and session.scalar(text(
            "SELECT 1 FROM sqlite_master WHERE name = 'person_fts'")):  # the PC's alone
        session.execute(text("INSERT INTO person_fts(person_fts) VALUES ('optimize')"))
