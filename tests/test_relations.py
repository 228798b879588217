"""Lists kept as rows (cdsxa.db.links): a session's topics and helpers, a class's
trainers and attendees; and migration 0004, which made them out of JSON lists."""

import importlib
import json
import logging
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from cdsxa.common.ids import MemberId, PersonId, SessionId
from cdsxa.counting import breakdowns
from cdsxa.db import links, migrate
from cdsxa.db.activity import (
    GroupSession,
    GroupSessionAttendee,
    GroupSessionTrainer,
    SupportSession,
    SupportSessionMember,
    SupportSessionTopic,
    Topic,
)
from cdsxa.db.base import Base
from cdsxa.db.engine import Database, make_engine
from cdsxa.db.models import AuditEvent, ChangeLogEntry
from cdsxa.profile import paths
from cdsxa.profile.storage import open_database
from cdsxa.register import teams
from cdsxa.support import sessions
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village

LINK_TABLES = (SupportSessionTopic, SupportSessionMember, GroupSessionTrainer,
               GroupSessionAttendee)
DAY = date(2025, 3, 10)


@pytest.fixture
def members(db: Database) -> list[MemberId]:
    with db.transaction(as_actor("test")) as session:
        team = teams.team_of_village(session, village(db))
        return [teams.add_member(session, team, teams.MemberInput(name, "youth_union"))
                for name in ("Hà Văn Sơn", "Lò Thị Hoa")]


def record(db: Database, citizen: PersonId, topics: list[str],
           member_ids: list[MemberId]) -> SessionId:
    with db.transaction(as_actor("officer")) as session:
        return sessions.record(session, sessions.SessionInput(
            held_on=DAY, person_id=citizen, topics=topics, member_ids=member_ids,
            result="partial"))


def last_seq(db: Database) -> int:
    with db.reading(TESTER) as session:
        return session.scalar(select(func.max(ChangeLogEntry.seq))) or 0


def logged_since(db: Database, seq: int) -> list[tuple[str, uuid.UUID, str]]:
    with db.reading(TESTER) as session:
        return [(e.table_name, e.record_id, e.op) for e in session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.seq > seq).order_by(ChangeLogEntry.seq))]


def topic_row(session_id: uuid.UUID, code: str) -> uuid.UUID:
    return links.link_id("support_session_topic", session_id, code)


def test_a_session_gives_back_its_lists_in_the_order_entered(
        db: Database, members: list[MemberId]) -> None:
    first, second = members
    citizen = person(db)
    before = last_seq(db)
    session_id = record(db, citizen, ["online_shopping", "payment_account", "dvc_account"],
                        [second, first, second])
    with db.reading(TESTER) as session:
        saved = session.get(SupportSession, session_id)
        assert saved is not None
        rows = session.scalars(select(SupportSessionTopic).where(
            SupportSessionTopic.session_id == session_id)).all()
        [listed] = sessions.recent(session)
    assert saved.topics == ["online_shopping", "payment_account", "dvc_account"]
    assert saved.member_ids == [str(second), str(first)]  # a repeated helper once
    assert listed.topics == saved.topics
    assert {(r.topic_code, r.position, r.version, r.deleted) for r in rows} == {
        ("online_shopping", 0, 1, False), ("payment_account", 1, 1, False),
        ("dvc_account", 2, 1, False)}
    # Each row is a record of its own, its id made from the session and the item.
    assert all(r.id == topic_row(session_id, r.topic_code) for r in rows)
    logged = logged_since(db, before)
    assert {(t, r) for t, r, op in logged if op == "insert" and t.startswith("support_session_")
            } == {*((SupportSessionTopic.__tablename__, r.id) for r in rows),
                  *((SupportSessionMember.__tablename__,
                     links.link_id("support_session_member", session_id, m)) for m in members)}


def test_changing_a_list_writes_only_the_items_that_changed(
        db: Database, members: list[MemberId]) -> None:
    citizen = person(db)
    session_id = record(db, citizen, ["online_shopping", "payment_account", "dvc_account"],
                        members)

    def change(**lists: list[Any]) -> list[tuple[str, uuid.UUID, str]]:
        seq = last_seq(db)
        with db.transaction(as_actor("officer")) as session:
            row = session.get(SupportSession, session_id)
            assert row is not None
            for name, items in lists.items():
                setattr(row, name, items)
        return logged_since(db, seq)

    with db.reading(TESTER) as session:
        saved = session.get(SupportSession, session_id)
        assert saved is not None
        topics, helpers = saved.topics, saved.member_ids
    assert change(topics=topics, member_ids=helpers) == []  # unchanged: nothing written
    table = SupportSessionTopic.__tablename__
    assert change(topics=["online_shopping", "dvc_account"]) == [
        (table, topic_row(session_id, "payment_account"), "delete")]
    assert change(topics=["online_shopping", "dvc_account", "fraud_awareness"]) == [
        (table, topic_row(session_id, "fraud_awareness"), "insert")]
    # Added again: the same row comes back, after the others.
    [(_, revived, op)] = change(topics=["online_shopping", "dvc_account", "fraud_awareness",
                                        "payment_account"])
    assert revived == topic_row(session_id, "payment_account") and op in ("update", "undelete")
    change(topics=["fraud_awareness", "online_shopping"])  # reordered, two removed
    with db.reading(TESTER) as session:
        saved = session.get(SupportSession, session_id)
        assert saved is not None
        assert saved.topics == ["fraud_awareness", "online_shopping"]
        assert saved.version == 1, "the session itself was never rewritten"
        assert session.scalar(select(func.count()).select_from(SupportSessionTopic).where(
            SupportSessionTopic.session_id == session_id)) == 4


def test_two_pcs_changing_one_list_change_different_records(
        db: Database, members: list[MemberId], tmp_path: Path) -> None:
    """PC 1 adds a topic while PC 2 removes another: their changes name different
    records, so sync merges them item by item; both adding one topic make one record."""
    citizen = person(db)
    session_id = record(db, citizen, ["online_shopping", "payment_account"], members)
    copy_dir = tmp_path / "pc2"
    copy_dir.mkdir()
    migrate.backup_copy(db.engine, copy_dir, "pc2").rename(paths.database_path(copy_dir))
    assert db.key is not None
    other = open_database(copy_dir, db.key)
    try:
        changes = []
        for pc, topics in ((db, ["online_shopping", "payment_account", "dvc_account"]),
                           (other, ["online_shopping"])):
            seq = last_seq(pc)
            with pc.transaction(as_actor("officer")) as session:
                row = session.get(SupportSession, session_id)
                assert row is not None
                row.topics = topics
            changes.append(set(logged_since(pc, seq)))
        added = []
        for pc in (db, other):
            seq = last_seq(pc)
            with pc.transaction(as_actor("officer")) as session:
                row = session.get(SupportSession, session_id)
                assert row is not None
                row.topics = [*row.topics, "fraud_awareness"]
            added.append(logged_since(pc, seq))
    finally:
        other.close()
    table = SupportSessionTopic.__tablename__
    assert changes == [{(table, topic_row(session_id, "dvc_account"), "insert")},
                       {(table, topic_row(session_id, "payment_account"), "delete")}]
    assert added[0] == added[1] == [(table, topic_row(session_id, "fraud_awareness"), "insert")]


def test_a_class_keeps_its_trainers_and_attendees_as_rows(
        db: Database, members: list[MemberId]) -> None:
    a, b = person(db, "Lò Văn A"), person(db, "Lò Văn B")
    with db.transaction(as_actor("officer")) as session:
        class_id = sessions.record_group(session, sessions.GroupInput(
            held_on=DAY, topic="fraud_awareness", village_id=village(db),
            trainer_ids=[members[1], members[0]], attendee_ids=[b, a, b]))
    with db.reading(TESTER) as session:
        saved = session.get(GroupSession, class_id)
        assert saved is not None
        attendees = session.scalars(select(GroupSessionAttendee.person_id).where(
            GroupSessionAttendee.group_session_id == class_id)).all()
    assert saved.trainer_ids == [str(members[1]), str(members[0])]
    assert saved.attendee_ids == [str(b), str(a)] and saved.attendee_count == 2
    assert sorted(attendees) == sorted([a, b])


def test_live_row_indexes_are_partial_on_sqlite_and_postgresql() -> None:
    for model in LINK_TABLES:
        [unique] = [i for i in model.__table__.indexes if i.unique]  # type: ignore[attr-defined]
        assert str(CreateIndex(unique).compile(dialect=sqlite.dialect())).endswith(
            "WHERE deleted = 0")
        assert str(CreateIndex(unique).compile(dialect=postgresql.dialect())).endswith(
            "WHERE deleted = false")


def _stamped(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A travelling row's bookkeeping columns, whichever this schema has."""
    at = datetime(2025, 1, 1, tzinfo=UTC)
    stamp = {"commune_code": 1, "created_at": at, "updated_at": at, "updated_by": "test",
             "version": 1, "deleted": False, "hlc": 0, "device_id": uuid.UUID(int=0)}
    columns = Base.metadata.tables[table].c
    return {**{k: v for k, v in stamp.items() if k in columns}, **row}


def _pg_rows(engine: Engine) -> tuple[uuid.UUID, uuid.UUID]:
    """One village, team member and two sessions (one deleted) on PostgreSQL, through
    the ORM (so the session copies on the link rows are derived there as on a PC)."""
    village_id, team_id, member_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    live, deleted = uuid.uuid4(), uuid.uuid4()
    rows: list[tuple[str, dict[str, Any]]] = [
        ("village", {"id": village_id, "name": "Bản Hang", "name_key": "ban hang",
                     "position": 0}),
        ("team", {"id": team_id, "village_id": village_id, "name": "Tổ"}),
        ("team_member", {"id": member_id, "team_id": team_id, "full_name": "Hà Văn Sơn",
                         "name_key": "ha van son", "organisation": "other"}),
    ]
    for session_id, gone in ((live, False), (deleted, True)):
        rows += [
            ("support_session", {"id": session_id, "held_on": DAY, "village_id": village_id,
                                 "result": "done", "deleted": gone}),
            ("support_session_topic", {"id": uuid.uuid4(), "session_id": session_id,
                                       "topic_code": "online_shopping", "position": 0}),
            ("support_session_member", {"id": uuid.uuid4(), "session_id": session_id,
                                        "member_id": member_id, "position": 0}),
        ]
    tables = Base.metadata.tables
    with engine.begin() as connection:
        connection.execute(insert(tables["topic"]), {
            "code": "online_shopping", "name": "Mua sắm", "name_en": "Shopping",
            "category": "basic_skill", "position": 1, "active": True})
    models = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}
    with Session(engine) as session:
        for name, row in rows:
            session.add(models[name](**_stamped(name, row)))
            session.flush()  # in order: a link row's INSERT reads its session's copies
        session.commit()
    return village_id, member_id


def test_the_session_breakdown_runs_on_postgresql(postgres_db: str) -> None:
    engine = create_engine(postgres_db)
    try:
        # The tables these need (the whole schema is not PostgreSQL's yet: app_user).
        needed = ["village", "household", "person", "team", "team_member", "topic",
                  "support_session", "group_session", *(m.__tablename__ for m in LINK_TABLES)]
        Base.metadata.create_all(engine, tables=[Base.metadata.tables[t] for t in needed])
        with engine.connect() as connection:
            definitions: dict[str, str] = dict(connection.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%_live'")).all())
        assert all(" WHERE " in definitions[f"uq_{m.__tablename__}_live"] for m in LINK_TABLES)
        village_id, member_id = _pg_rows(engine)
        with Session(engine) as session:
            found = breakdowns.sessions_breakdown(session, 1, DAY, DAY, village_id)
            other_day = breakdowns.sessions_breakdown(session, 1, date(2020, 1, 1),
                                                      date(2020, 12, 31))
    finally:
        engine.dispose()
    assert found == {"sessions": 1, "by_topic": {"online_shopping": 1},
                     "by_member": {str(member_id): 1}, "by_village": {village_id: 1}}
    assert other_day == {"sessions": 0, "by_topic": {}, "by_member": {}, "by_village": {}}


# -- migration 0004 ----------------------------------------------------------------------

def test_the_migration_makes_the_ids_the_app_makes() -> None:
    module = importlib.import_module("cdsxa.db.migrations.versions.0004_relations")
    parent = uuid.uuid4()
    assert module.LINK_NAMESPACE == links.LINK_NAMESPACE
    assert module.link_id("group_session_attendee", parent, parent) == links.link_id(
        "group_session_attendee", parent, parent)


def test_old_lists_convert_and_items_naming_nothing_are_reported(
        db: Database, members: list[MemberId], caplog: pytest.LogCaptureFixture) -> None:
    """An old profile's lists, with a helper and an attendee that no longer exist, a
    topic the catalogue dropped and a repeated helper: rows for everything that
    exists, the catalogue keeps the topic, and the rest is in the log and audit trail."""
    first, _ = members
    a = person(db, "Lò Văn A")
    session_id = record(db, a, ["online_shopping"], [first])
    with db.transaction(as_actor("officer")) as session:
        class_id = sessions.record_group(session, sessions.GroupInput(
            held_on=DAY, topic="online_payment", trainer_ids=[first], attendee_ids=[a]))
    db.close()
    ghost, erased = str(uuid.uuid4()), str(uuid.uuid4())
    engine = make_engine(db.path, db.key)
    try:
        migrate.downgrade(engine, "0003")
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE support_session SET topics = :topics, member_ids = :members, "
                "updated_by = 'user:old', version = 3"), {
                "topics": json.dumps(["online_shopping", "retired_topic"]),
                "members": json.dumps([str(first), ghost, str(first)])})
            connection.execute(text("UPDATE group_session SET attendee_ids = :attendees"),
                               {"attendees": json.dumps([str(a), erased])})
            parent = connection.execute(text(
                "SELECT created_at, updated_at FROM support_session")).one()
    finally:
        engine.dispose()
    with caplog.at_level(logging.WARNING, logger="cdsxa.db.migrate"):
        assert db.key is not None
        upgraded = open_database(db.path.parent, db.key)
    try:
        with upgraded.reading(TESTER) as session:
            support = session.get(SupportSession, session_id)
            group = session.get(GroupSession, class_id)
            assert support is not None and group is not None
            assert support.topics == ["online_shopping", "retired_topic"]
            assert support.member_ids == [str(first)]
            assert group.attendee_ids == [str(a)] and group.trainer_ids == [str(first)]
            retired = session.get(Topic, "retired_topic")
            assert retired is not None and not retired.active
            rows: list[SupportSessionTopic | SupportSessionMember] = [
                *support.topic_links, *support.member_links]
            assert {(r.version, r.updated_by, r.commune_code) for r in rows} == {
                (1, "user:old", support.commune_code)}
            assert all((r.created_at, r.updated_at) == (support.created_at, support.updated_at)
                       for r in rows)
            logged = session.execute(select(ChangeLogEntry.record_id, ChangeLogEntry.op,
                                            ChangeLogEntry.changed_by).where(
                ChangeLogEntry.record_id.in_([r.id for r in rows]))).all()
            [event] = session.scalars(select(AuditEvent).where(
                AuditEvent.action == "upgrade")).all()
            broken = session.execute(text("PRAGMA foreign_key_check")).all()
    finally:
        upgraded.close()
    assert str(parent.created_at).startswith(support.created_at.strftime("%Y-%m-%d %H:%M:%S"))
    # (The rows' ids are the ones the app gave them before the downgrade: their first
    # inserts are logged too.)
    assert sorted(e for e in logged if e.changed_by == "user:old") == sorted(
        (r.id, "insert", "user:old") for r in rows)
    details = json.loads(event.details or "{}")
    assert details["topics_added"] == ["retired_topic"]
    assert {"table": "support_session", "record": str(session_id), "list": "member_ids",
            "item": ghost} in details["not_converted"]
    # An id naming no person is someone erased: reported, never written down again.
    assert {"table": "group_session", "record": str(class_id),
            "list": "attendee_ids"} in details["not_converted"]
    assert erased not in (event.details or "") and erased not in caplog.text
    assert ghost in caplog.text and "retired_topic" in caplog.text
    assert broken == []
