"""Support sessions: validation, and outcomes reached in the same action."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import MemberId
from cdsxa.db.activity import GroupSession, SupportSession
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Person, PersonOutcome
from cdsxa.register import teams
from cdsxa.support import sessions, topics, vneid
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village


@pytest.fixture
def member(db: Database) -> MemberId:
    with db.transaction(as_actor("test")) as session:
        team = teams.team_of_village(session, village(db))
        return teams.add_member(session, team, teams.MemberInput(
            "Hà Văn Sơn", "youth_union", phone="0912 345 678"))


def outcomes_of(db: Database, person_id: object) -> dict[str, date | None]:
    with db.reading(TESTER) as session:
        rows = session.scalars(select(PersonOutcome).where(PersonOutcome.person_id == person_id,
                                                           PersonOutcome.deleted.is_(False)))
        return {r.kind: r.reached_on for r in rows}


def test_the_catalogue_is_data_with_the_four_basic_skills(db: Database) -> None:
    with db.reading(TESTER) as session:
        catalogue = topics.catalogue(session)
    codes = [t.code for t in catalogue]
    assert codes[:4] == ["dvc_skills", "online_shopping", "online_payment", "self_protection"]
    assert {"vneid_install", "vneid_register", "vneid_activate", "payment_account",
            "digital_signature", "health_record", "selling_online", "fraud_awareness",
            "other"} <= set(codes)
    assert next(t for t in catalogue if t.code == "payment_account").outcome == "payment_account"


def test_a_done_session_reaches_its_outcomes_in_one_action(db: Database,
                                                           member: MemberId) -> None:
    citizen = person(db)
    day = date(2025, 3, 10)
    with db.transaction(as_actor("officer")) as session:
        session_id = sessions.record(session, sessions.SessionInput(
            held_on=day, person_id=citizen, member_ids=[member], result="done", minutes=15,
            topics=["payment_account", "dvc_account", "online_shopping"]))
    assert outcomes_of(db, citizen) == {"payment_account": day, "dvc_account": day}
    with db.reading(TESTER) as session:
        outcome = session.scalars(select(PersonOutcome).where(
            PersonOutcome.kind == "payment_account")).one()
        assert outcome.session_id == session_id
        logged = {e.table_name for e in session.scalars(select(ChangeLogEntry))}
    assert {"support_session", "person_outcome"} <= logged


def test_partial_and_failed_sessions_reach_nothing(db: Database) -> None:
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 10), person_id=citizen, topics=["digital_signature"],
            result="partial"))
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 11), person_id=citizen, topics=["digital_signature"],
            result="not_possible", reason="Chưa có điện thoại thông minh"))
    assert outcomes_of(db, citizen) == {}


def test_an_earlier_session_keeps_the_earliest_date(db: Database) -> None:
    citizen = person(db)
    for day in (date(2025, 5, 1), date(2025, 2, 1), date(2025, 6, 1)):
        with db.transaction(as_actor("officer")) as session:
            sessions.record(session, sessions.SessionInput(
                held_on=day, person_id=citizen, topics=["digital_skills"], result="done"))
    assert outcomes_of(db, citizen) == {"digital_skills": date(2025, 2, 1)}


def test_vneid_topics_move_the_vneid_state(db: Database, member: MemberId) -> None:
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 4, 1), person_id=citizen, member_ids=[member],
            topics=["vneid_install", "vneid_register"], result="done", vneid_level=2))
    with db.reading(TESTER) as session:
        row = session.get(Person, citizen)
        assert row is not None and (row.vneid_status, row.vneid_level) == ("registered", 2)
        assert [s.step for s in vneid.history(session, citizen)] == ["guided", "registered"]
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 4, 9), person_id=citizen, topics=["vneid_activate"],
            result="not_possible", vneid_failure="face_not_recognised"))
    with db.reading(TESTER) as session:
        history = vneid.history(session, citizen)
    assert history[-1].step == "failed" and history[-1].failure_reason == "face_not_recognised"


@pytest.mark.parametrize("change, message", [
    (dict(topics=[]), "ít nhất một nội dung"),
    (dict(topics=["teleportation"]), "không có trong danh mục"),
    (dict(result="maybe"), "kết quả"),
    (dict(result="not_possible"), "lý do"),
    (dict(minutes=0), "1 đến 600 phút"),
    (dict(held_on=date.today() + timedelta(days=2)), "tương lai"),
])
def test_bad_sessions_are_refused_and_nothing_is_saved(db: Database, change: dict[str, object],
                                                       message: str) -> None:
    citizen = person(db)
    values: dict[str, object] = dict(held_on=date(2025, 3, 1), person_id=citizen,
                                     topics=["payment_account"], result="done")
    values.update(change)
    with db.reading(TESTER) as session:
        before = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    with pytest.raises(UserError, match=message):
        with db.transaction(as_actor("officer")) as session:
            sessions.record(session, sessions.SessionInput(**values))  # type: ignore[arg-type]
    with db.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == before
        assert session.scalar(select(func.count()).select_from(SupportSession)) == 0


def test_group_sessions_take_names_or_a_head_count(db: Database,
                                                   member: MemberId) -> None:
    a, b = person(db, "Lò Văn A"), person(db, "Lò Văn B")
    with db.transaction(as_actor("officer")) as session:
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 5, 2), topic="fraud_awareness", village_id=village(db),
            place="Nhà văn hóa Bản Hang", trainer_ids=[member], attendee_ids=[a, b, a]))
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 5, 3), topic="online_payment", attendee_count=35))
        with pytest.raises(UserError, match="số người tham dự"):
            sessions.record_group(session, sessions.GroupInput(
                held_on=date(2025, 5, 3), topic="online_payment"))
    with db.reading(TESTER) as session:
        counts = sorted(session.scalars(select(GroupSession.attendee_count)))
    assert counts == [2, 35]


def test_recent_sessions_list_newest_first(db: Database) -> None:
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        for day in (date(2025, 1, 5), date(2025, 3, 5)):
            sessions.record(session, sessions.SessionInput(
                held_on=day, person_id=citizen, topics=["other"], result="done"))
    with db.reading(TESTER) as session:
        rows = sessions.recent(session)
    assert [r.held_on for r in rows] == [date(2025, 3, 5), date(2025, 1, 5)]
    assert rows[0].person == "Lò Thị Mai" and rows[0].village == "Bản Hang"


def test_unknown_person_is_refused(db: Database) -> None:
    import uuid

    with pytest.raises(NotFound), db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 1, 1), person_id=uuid.uuid4(),  # type: ignore[arg-type]
            topics=["other"], result="done"))


def test_removing_a_mistaken_session_undoes_what_it_reached(db: Database) -> None:
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        mistaken = sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 1), person_id=citizen, result="done",
            topics=["payment_account", "vneid_register"], vneid_level=2))
    with db.transaction(as_actor("officer")) as session:
        sessions.remove(session, mistaken)
    assert outcomes_of(db, citizen) == {}
    with db.reading(TESTER) as session:
        row = session.get(Person, citizen)
        assert row is not None and (row.vneid_status, row.vneid_level) == (None, None)
        assert vneid.history(session, citizen) == []
        assert sessions.recent(session) == []
    with pytest.raises(NotFound), db.transaction(as_actor("officer")) as session:
        sessions.remove(session, mistaken)  # already gone


def test_an_outcome_moves_to_the_next_session_that_reached_it(db: Database) -> None:
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        first = sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 1, 10), person_id=citizen, result="done",
            topics=["digital_signature"]))
        second = sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 4, 2), person_id=citizen, result="done",
            topics=["digital_signature", "other"]))
        vneid.record_step(session, citizen, "registered", date(2025, 2, 1), level=1)
    with db.transaction(as_actor("officer")) as session:
        sessions.remove(session, first)
    assert outcomes_of(db, citizen) == {"digital_signature": date(2025, 4, 2)}
    with db.reading(TESTER) as session:
        outcome = session.scalars(select(PersonOutcome).where(
            PersonOutcome.deleted.is_(False))).one()
        row = session.get(Person, citizen)
    assert outcome.session_id == second
    assert row is not None and row.vneid_status == "registered"  # not this session's step


def test_the_future_is_the_commune_s_future_not_the_computer_s(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # 20:30 UTC on 2 December is 03:30 on 3 December in Thanh Hóa: a session held
    # "today" there is not in the future, whatever zone the PC or the hub runs in.
    from datetime import datetime, timezone

    from cdsxa.commune import calendar

    class Evening(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc).astimezone(tz)

    monkeypatch.setattr(calendar, "datetime", Evening)
    citizen = person(db)
    with db.transaction(as_actor("officer")) as session:
        assert calendar.today(session) == date(2026, 12, 3)
        sessions.record(session, sessions.SessionInput(
            held_on=date(2026, 12, 3), person_id=citizen, topics=["digital_skills"],
            result="done"))
        with pytest.raises(UserError, match="tương lai"):
            sessions.record(session, sessions.SessionInput(
                held_on=date(2026, 12, 4), person_id=citizen, topics=["digital_skills"],
                result="done"))


def test_a_session_on_an_activated_account_does_not_move_its_activation_date(
        db: Database) -> None:
    """Issue 10: a help session on "Kích hoạt tài khoản VNeID" for someone activated on
    15/10/2025 moved the activation date to today."""
    citizen, activated = person(db), date(2025, 10, 15)
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=activated, person_id=citizen, topics=["vneid_activate"], result="done",
            vneid_level=1))
    for held_on, codes, level in [(date(2025, 12, 1), ["vneid_activate"], 1),
                                   (date(2025, 12, 2), ["vneid_activate"], None),
                                   (date(2025, 12, 3), ["vneid_register", "vneid_install"], 1)]:
        with db.transaction(as_actor("officer")) as session:
            sessions.record(session, sessions.SessionInput(
                held_on=held_on, person_id=citizen, topics=codes, result="done",
                vneid_level=level))
    with db.reading(TESTER) as session:
        row = session.get(Person, citizen)
        assert row is not None
        assert (row.vneid_status, row.vneid_level, row.vneid_status_on) == (
            "activated", 1, activated)
        # Nothing changed, so no step: the history says what happened when.
        assert [(s.step, s.taken_on) for s in vneid.history(session, citizen)] == [
            ("activated", activated)]
    # Level 2 reached later is a change: a step of its own, the activation date stays.
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 12, 10), person_id=citizen, topics=["vneid_activate"],
            result="done", vneid_level=2))
    with db.reading(TESTER) as session:
        row = session.get(Person, citizen)
        assert row is not None
        assert (row.vneid_status, row.vneid_level, row.vneid_status_on) == (
            "activated", 2, activated)
        assert [(s.step, s.level) for s in vneid.history(session, citizen)] == [
            ("activated", 1), ("activated", 2)]


def test_a_later_session_does_not_move_an_outcome_an_earlier_one_dates_it_earlier(
        db: Database) -> None:
    citizen = person(db)
    first = date(2025, 3, 10)
    for held_on in (first, date(2025, 5, 1)):
        with db.transaction(as_actor("officer")) as session:
            sessions.record(session, sessions.SessionInput(
                held_on=held_on, person_id=citizen, topics=["payment_account"],
                result="done"))
    assert outcomes_of(db, citizen) == {"payment_account": first}
    # A session entered late, held before: the outcome was reached then.
    with db.transaction(as_actor("officer")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 2, 1), person_id=citizen, topics=["payment_account"],
            result="done"))
    assert outcomes_of(db, citizen) == {"payment_account": date(2025, 2, 1)}
