"""What a receiver does with rows made elsewhere before an erasure was known, and with
entries the services would refuse (found by attacking the replication core). Tests of
a known limit not yet fixed are marked xfail(strict): each says what a commune should
see. Real profiles as separate PCs (tests/test_sync_apply.py's `pcs`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from cdsxa.common.clock import Hlc
from cdsxa.common.ids import PersonId
from cdsxa.db.activity import GroupSessionAttendee, SupportSession
from cdsxa.db.models import Person, PersonOutcome, Village
from cdsxa.register import erase, people
from cdsxa.support import sessions
from cdsxa.sync.apply import apply_remote
from cdsxa.sync.entries import Change
from tests import test_sync_apply
from tests.conftest import TESTER
from tests.test_sync_apply import add_person, edit, send, sync, village_of
from tests.test_sync_hostile import insert_of, later, refused

pcs = test_sync_apply.pcs
WHY = "Người dân yêu cầu xóa dữ liệu"


def _erase(db: Any, person: uuid.UUID) -> None:
    with db.transaction(TESTER) as session:
        erase.erase_person(session, PersonId(person), WHY)


def _outcome(db: Any, person: uuid.UUID) -> None:
    with db.transaction(TESTER) as session:
        people.set_outcome(session, PersonId(person), "payment_account", date(2026, 1, 2))


def _support(db: Any, person: uuid.UUID) -> None:
    with db.transaction(TESTER) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 1), person_id=PersonId(person), topics=["online_shopping"],
            result="done"))


def _class(db: Any, person: uuid.UUID) -> None:
    with db.transaction(TESTER) as session:
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 3, 1), topic="fraud_awareness", village_id=village_of(db),
            attendee_ids=[PersonId(person)]))


# -- Stuck sync: a record naming a person erased elsewhere -------------------------------


@pytest.mark.parametrize("made_on_b", [_outcome, _support, _class],
                         ids=["outcome", "support_session", "class_attendee"])
def test_work_recorded_for_a_person_erased_elsewhere_does_not_stop_sync(
        pcs: Any, made_on_b: Any) -> None:
    """B records an outcome (a session, a class) for Mai while A erases her. The hub keeps
    B's entries as B pushed them (with values). A, and a PC set up later, must take the
    batch in (the row goes, or stops naming her, as on B) instead of refusing it forever."""
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    made_on_b(b, person)
    kept_by_hub = send(b)
    _erase(a, person)
    sync(a, b)  # B learns of the erasure too: nothing B sends can fix what the hub holds
    apply_remote(a, kept_by_hub)
    (c,) = pcs(1)
    apply_remote(c, [*send(a), *kept_by_hub])
    for db in (a, b, c):  # the work stays counted, without her
        with db.reading(TESTER) as session:
            assert session.get(Person, person) is None
            for model in (PersonOutcome, SupportSession, GroupSessionAttendee):
                assert session.scalars(select(model).where(
                    model.person_id == person)).all() == []
            if made_on_b is _support:
                assert session.scalars(select(SupportSession)).one().person_id is None


# -- An exception other than RemoteChangeError ------------------------------------------


@pytest.mark.parametrize(("table", "values"), [
    ("population_figure", {"residents": 2**70}), ("village", {"position": 2**70}),
    ("commune_profile", {"province_code": 2**70}),
], ids=["population_figure", "village", "commune_profile"])
def test_an_integer_too_large_for_the_database_is_a_remote_change_error(
        pcs: Any, table: str, values: dict[str, Any]) -> None:
    a, b = pcs(2)
    sync(a, b)
    mine = next(c for c in send(a) if c.table == table and c.op == "insert")
    refused(b, [later(mine, values=values)])


# -- A forged merge that passes check_merge ----------------------------------------------


@pytest.mark.xfail(strict=True, reason="breaker: a merge of two citizens with different ID "
                   "numbers passes check_merge once one number was edited after the inserts")
def test_a_forged_merge_of_two_citizens_is_refused_after_a_number_was_corrected(
        pcs: Any) -> None:
    a, b = pcs(2)
    one = add_person(a, name="Người Một", id_number="038190001111")
    two = add_person(a, name="Người Hai", id_number="038190002222")
    loser, survivor = max(one, two, key=str), min(one, two, key=str)
    insert = insert_of(a, loser)
    newest = max(insert.hlc, insert_of(a, survivor).hlc)
    edit(a, loser, id_number="038190003333")  # an officer corrects a typo, later
    sync(a, b)
    forged = later(insert, values={"merged_into": str(survivor)},
                   hlc=Hlc(newest.wall_ms + 1, 0, newest.device), base_version=insert.hlc)
    refused(b, [forged])


# -- Values the services refuse, still taken from an entry -------------------------------


def _insert(db: Any, table: str) -> Change:
    return next(c for c in send(db) if c.table == table and c.op == "insert")


@pytest.mark.parametrize("table,values", [
    ("village", {"name": "   "}),
    ("population_figure", {"residents": -5}),
])
def test_values_of_other_tables_the_services_refuse_are_refused(
        pcs: Any, table: str, values: dict[str, Any]) -> None:
    a, b = pcs(2)
    sync(a, b)
    refused(b, [later(_insert(a, table), values=values)])


@pytest.mark.parametrize("values", [{"vneid_level": 99}, {"vneid_status": "bogus"}])
def test_a_persons_vneid_fields_the_services_refuse_are_refused(
        pcs: Any, values: dict[str, Any]) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    refused(b, [later(insert_of(a, person), values=values)])


@pytest.mark.xfail(strict=True, reason="breaker: a household of another village is taken "
                   "from an entry (people._require_households refuses it from an officer)")
def test_a_household_of_another_village_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    with a.reading(TESTER) as session:
        other = next(v for v in session.scalars(select(Village.id)) if v != village_of(a))
    with a.transaction(TESTER) as session:
        household = people.add_household(session, other, code="HK09")
    sync(a, b)
    refused(b, [later(insert_of(a, person), values={"household_id": str(household)})])
    with b.reading(TESTER) as session:
        row = session.get(Person, person)
        assert row is not None and row.household_id is None


@pytest.mark.xfail(strict=True, reason="breaker: the insert of an outcome that A's erasure "
                   "took on B travels with no values and waits forever on every PC")
def test_an_outcome_taken_by_an_erasure_leaves_nothing_waiting(pcs: Any) -> None:
    """B records an outcome for Mai, then learns A erased her (the outcome goes on B). B's
    pending insert now travels with no values: every PC keeps it as a record 'waiting for
    its insert' (a sync.partial setting row, Report.waiting) for ever."""
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    _outcome(b, person)
    _erase(a, person)
    sync(a, b)
    (c,) = pcs(1)
    assert apply_remote(a, send(b)).waiting == 0
    assert apply_remote(c, [*send(a), *send(b)]).waiting == 0
