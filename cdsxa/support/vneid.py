"""VNeID per person: dated steps (guided → registered → approved → activated, or
failed with a reason), the person's current state, and the worklists.

The current state (status, since when, level) follows the dated steps, whatever
order they are entered in; `_after` is the one rule:
- a later step (or a further one the same day) moves the status on; an activated
  account stays activated;
- the same status again never moves its date later: the date is when it was first
  reached, so a step entered late with an earlier date moves it earlier (as outcomes
  do, cdsxa.register.people.set_outcome) and nothing is overwritten silently;
- the level only goes up.
A support session records a step only when it changes that state (a session on
activation for an activated account adds nothing); a step recorded on its own is
kept in the history either way.

Recording a step needs EDIT_RECORDS for the person's village; a person's history
and the worklists (names, phones) need VIEW_PERSONAL, a team member's own village.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.common.outcomes import VNEID_FAILURE_REASONS, VNEID_STEP_LABELS, VNEID_STEPS
from cdsxa.common.text import clean
from cdsxa.commune import calendar
from cdsxa.counting.scope import aged_at_least
from cdsxa.db.activity import VneidStep
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person, Village
from cdsxa.security.access import Permission, require, require_village, scoped_village

# Younger children are attached to a parent's account (Decree 59/2022). Ages follow
# the indicators' one rule (cdsxa.common.ages: a 29 February birthday falls on
# 28 February in common years), so a worklist and a figure never disagree.
MIN_AGE = ages.VNEID_YEARS
PENDING = ("registered", "approved")
_ORDER = {step: index for index, step in enumerate(VNEID_STEPS)}


@dataclass(frozen=True)
class StepView:
    step: str
    label: str
    level: int | None
    taken_on: date
    member_id: uuid.UUID | None
    failure_reason: str | None
    note: str | None


@dataclass(frozen=True)
class WorkItem:
    person_id: PersonId
    full_name: str
    village: str
    household_code: str | None
    phone: str | None
    status: str | None
    since: date | None


def record_step(session: Session, person_id: PersonId, step: str, taken_on: date,
                level: int | None = None, member_id: uuid.UUID | None = None,
                session_id: uuid.UUID | None = None, failure_reason: str | None = None,
                note: str | None = None, *, only_if_changed: bool = False) -> bool:
    """Add a dated step and bring the person's current VNeID state up to date.

    With only_if_changed (support sessions), a step that would not change the state
    is not recorded. Returns whether a step was recorded.
    """
    require(session, Permission.EDIT_RECORDS)
    person = session.get(Person, person_id)
    if person is None or person.deleted:
        raise NotFound("Không tìm thấy người này trong sổ dân cư.")
    require_village(session, Permission.EDIT_RECORDS, person.village_id)
    if step not in _ORDER:
        raise UserError(f"Bước VNeID không hợp lệ: {step}.")
    if level not in (None, 1, 2):
        raise UserError("Tài khoản VNeID chỉ có mức 1 hoặc mức 2.")
    if step == "failed" and failure_reason not in VNEID_FAILURE_REASONS:
        raise UserError("Hãy chọn lý do không thành công.")
    if calendar.is_future(session, taken_on):
        raise UserError("Ngày thực hiện không thể ở tương lai.")
    born = person.counting_birth_date
    if born is not None and not ages.is_aged_14_plus(born, taken_on):
        raise UserError(f"{person.full_name} chưa đủ {MIN_AGE} tuổi: trẻ em được gắn với "
                        "tài khoản VNeID của cha hoặc mẹ.")
    now = _State(person.vneid_status, person.vneid_status_on, person.vneid_level)
    after = _after(now, step, taken_on, level)
    if only_if_changed and after == now:
        return False
    session.add(VneidStep(person_id=person_id, step=step, level=level, taken_on=taken_on,
                          member_id=member_id, session_id=session_id,
                          failure_reason=failure_reason if step == "failed" else None,
                          note=clean(note)))
    _set_state(person, after)
    return True


@dataclass(frozen=True)
class _State:
    status: str | None
    on: date | None
    level: int | None


def _after(now: _State, step: str, taken_on: date, level: int | None) -> _State:
    """The state once a step is known (the rule of the module docstring)."""
    status, on = now.status, now.on
    if step == status:
        if on is None or taken_on < on:
            on = taken_on  # reached earlier than known; a later repeat changes nothing
    elif status != "activated":
        # A step entered late (back-dated) must not move the current state backwards;
        # an activated account stays activated.
        later = on is None or taken_on > on
        same_day_further = taken_on == on and _ORDER[step] > _ORDER.get(status or "", -1)
        if later or same_day_further:
            status, on = step, taken_on
    new_level = now.level
    if level is not None and step in ("registered", "approved", "activated"):
        new_level = max(level, now.level or 0)
    return _State(status, on, new_level)


def _set_state(person: Person, state: _State) -> None:
    # Only real changes: an untouched column is no field of the change-log entry.
    if (person.vneid_status, person.vneid_status_on) != (state.status, state.on):
        person.vneid_status, person.vneid_status_on = state.status, state.on
    if person.vneid_level != state.level:
        person.vneid_level = state.level


def history(session: Session, person_id: PersonId) -> list[StepView]:
    require(session, Permission.VIEW_PERSONAL)
    person = session.get(Person, person_id)
    if person is None:
        return []
    require_village(session, Permission.VIEW_PERSONAL, person.village_id)
    rows = session.scalars(select(VneidStep).where(
        VneidStep.person_id == person_id, live(VneidStep))
        .order_by(VneidStep.taken_on, VneidStep.created_at))
    return [StepView(r.step, VNEID_STEP_LABELS[r.step], r.level, r.taken_on, r.member_id,
                     r.failure_reason, r.note) for r in rows]


def _worklist(session: Session, condition: ColumnElement[bool], village_id: VillageId | None,
              order: list[Any]) -> list[WorkItem]:
    require(session, Permission.VIEW_PERSONAL)
    scoped = scoped_village(session, village_id)
    village_id = None if scoped is None else VillageId(scoped)
    # Columns, not Person objects: a worklist can be ten thousand people long.
    query = (select(Person.id, Person.full_name, Village.name, Household.code, Person.phone,
                    Person.vneid_status, Person.vneid_status_on)
             .join(Village, Village.id == Person.village_id)
             .outerjoin(Household, Household.id == Person.household_id)
             .where(live(Person), condition)
             .order_by(*order))
    if village_id is not None:
        query = query.where(Person.village_id == village_id)
    return [WorkItem(PersonId(pid), name, village, code, phone, status, since)
            for pid, name, village, code, phone, status, since in session.execute(query)]


def pending_activation(session: Session, village_id: VillageId | None = None) -> list[WorkItem]:
    """Registered (or approved) but not yet activated: by village, oldest first."""
    return _worklist(session, Person.vneid_status.in_(PENDING), village_id,
                     [Village.position, Person.vneid_status_on])


def without_account(session: Session, on: date,
                    village_id: VillageId | None = None) -> list[WorkItem]:
    """People aged 14 or more with no account yet (never helped, or a failed attempt)."""
    old_enough = aged_at_least(Person.counting_birth_date, on, MIN_AGE)
    no_account = or_(Person.vneid_status.is_(None),
                     Person.vneid_status.in_(("guided", "failed")))
    return _worklist(session, old_enough & no_account, village_id,
                     [Village.position, Person.name_key])


def remove_steps_of_session(session: Session, session_id: uuid.UUID) -> None:
    """Undo the steps a support session recorded, and replay the rest of each
    person's history to find their state again."""
    require(session, Permission.EDIT_RECORDS)
    steps = list(session.scalars(select(VneidStep).where(
        VneidStep.session_id == session_id, live(VneidStep))))
    for step in steps:
        step.deleted = True
    for person_id in {s.person_id for s in steps}:
        _replay(session, PersonId(person_id))


def _replay(session: Session, person_id: PersonId) -> None:
    person = session.get(Person, person_id)
    if person is None:
        return
    with session.no_autoflush:  # the deletions above are pending: filter them here too
        remaining = [s for s in session.scalars(select(VneidStep).where(
            VneidStep.person_id == person_id).order_by(VneidStep.taken_on, VneidStep.created_at))
            if not s.deleted]
    state = _State(None, None, None)
    for step in remaining:
        state = _after(state, step.step, step.taken_on, step.level)
    _set_state(person, state)


def record_step_to_undo(session: Session, person_id: PersonId, step: str, taken_on: date,
                        **options: Any) -> uuid.UUID | None:
    """record_step, returning the id of the step it added, for the page's Undo
    (None: it added none)."""
    before = _step_ids(session, person_id)
    record_step(session, person_id, step, taken_on, **options)
    added = _step_ids(session, person_id) - before
    return next(iter(added)) if len(added) == 1 else None


def undo_step(session: Session, step_id: uuid.UUID) -> None:
    """Take back a step recorded by mistake; the person's state is found again from
    the rest of their history."""
    require(session, Permission.EDIT_RECORDS)
    row = session.get(VneidStep, step_id)
    if row is None or row.deleted:
        raise NotFound("Không tìm thấy bước VNeID này (có thể đã được hoàn tác).")
    person = session.get(Person, row.person_id)
    if person is not None:
        require_village(session, Permission.EDIT_RECORDS, person.village_id)
    row.deleted = True
    _replay(session, PersonId(row.person_id))


def _step_ids(session: Session, person_id: PersonId) -> set[uuid.UUID]:
    return set(session.scalars(select(VneidStep.id).where(
        VneidStep.person_id == person_id, live(VneidStep))))
