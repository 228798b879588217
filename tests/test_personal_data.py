"""Personal data handling in the services: masking, roles, consent, erasure, exports."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import mask, mask_id_number, mask_phone
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.commune import calendar
from cdsxa.db.activity import (
    GroupSession,
    GroupSessionAttendee,
    SupportSession,
    TeamMember,
    VneidStep,
)
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Household, Person, PersonOutcome
from cdsxa.excel import export
from cdsxa.register import people, person_detail, teams
from cdsxa.register.erase import erase_person
from cdsxa.register.people import PersonInput
from cdsxa.register.person_detail import PersonEdit
from cdsxa.security import audit
from cdsxa.security.access import AccessDenied, Principal, Role
from cdsxa.support import sessions, vneid
from tests.conftest import TESTER
from tests.helpers import as_actor, village

NAME = "Giàng Thị Xớ"
ID_NUMBER = "038190004567"
PHONE = "0987001122"
REASON = "Người dân có đơn yêu cầu xóa dữ liệu, nhận ngày 03/11"


def officer() -> Principal:
    return Principal("user:canbo", Role.OFFICER)


def viewer() -> Principal:
    return Principal("user:xem", Role.VIEWER)


def team_member(db: Database, where: str = "Bản Hang") -> Principal:
    return Principal("user:to", Role.TEAM_MEMBER, village_id=village(db, where))


def entry(village_id: VillageId, name: str = NAME, **extra: Any) -> PersonInput:
    return PersonInput(full_name=name, gender="female", village_id=village_id,
                       birth_date=date(1990, 6, 1), **extra)


def add(db: Database, where: str = "Bản Hang", name: str = "Lò Thị Mai",
        **extra: Any) -> PersonId:
    with db.transaction(as_actor("test")) as session:
        return people.add_person(session, entry(village(db, where), name, **extra))


# Masking --------------------------------------------------------------------------------

def test_masking_keeps_the_first_three_and_last_two() -> None:
    assert mask_id_number("038123456712") == "038•••••••12"
    assert mask_phone("0912345678") == "091•••••78"
    assert mask_id_number(None) == "" and mask_phone("") == ""
    assert mask("12345") == "•••••"  # too short to show any of it


# Roles in the register's services -------------------------------------------------------

def test_a_viewer_may_neither_read_nor_change_a_person(db: Database) -> None:
    person_id = add(db)
    with db.reading(viewer()) as session:
        with pytest.raises(AccessDenied):
            person_detail.get_person(session, person_id)
        with pytest.raises(AccessDenied):
            person_detail.find_by_id_number(session, ID_NUMBER)
    with pytest.raises(AccessDenied):
        with db.transaction(viewer()) as session:
            people.add_person(session, entry(village(db)))
    with pytest.raises(AccessDenied):
        with db.transaction(viewer()) as session:
            people.set_outcome(session, person_id, "smartphone", None)


def test_a_team_member_works_in_their_own_village_only(db: Database) -> None:
    here, there = add(db, "Bản Hang"), add(db, "Thôn Đồng Tâm", "Hà Thị Lan")
    member = team_member(db)
    with db.transaction(member) as session:
        added = people.add_person(session, entry(village(db, "Bản Hang")))
        people.set_outcome(session, here, "smartphone", date(2025, 1, 2))
        household = people.add_household(session, village(db, "Bản Hang"), "HK07")
        people.set_fibre(session, household, None)
        assert person_detail.get_person(session, added).data.full_name == NAME
    refused = [
        lambda s: people.add_person(s, entry(village(db, "Thôn Đồng Tâm"))),
        lambda s: people.add_people(s, [entry(village(db, "Bản Hang"), "Lò Văn A"),
                                        entry(village(db, "Thôn Đồng Tâm"), "Lò Văn B")]),
        lambda s: people.update_person(s, there, entry(village(db, "Thôn Đồng Tâm"))),
        lambda s: people.update_person(s, here, entry(village(db, "Thôn Đồng Tâm"))),
        lambda s: people.set_outcome(s, there, "smartphone", None),
        lambda s: people.clear_outcome(s, there, "smartphone"),
        lambda s: people.set_outcomes(s, [(here, "dvc_account"), (there, "dvc_account")]),
        lambda s: people.add_household(s, village(db, "Thôn Đồng Tâm"), "HK09"),
        lambda s: person_detail.get_person(s, there),
        lambda s: person_detail.save_person(s, PersonEdit(entry(village(db, "Thôn Đồng Tâm")))),
        lambda s: person_detail.save_person(s, PersonEdit(entry(village(db, "Bản Hang"))),
                                            there),
    ]
    for attempt in refused:
        with pytest.raises(AccessDenied):
            with db.transaction(member) as session:
                attempt(session)
    with db.reading(member) as session:
        assert [name for _id, name in person_detail.village_choices(session)] == ["Bản Hang"]


def test_a_duplicate_in_another_village_is_not_named_to_a_team_member(db: Database) -> None:
    add(db, "Thôn Đồng Tâm", "Hà Thị Lan", id_number=ID_NUMBER)
    with pytest.raises(people.DuplicateIdNumber) as refused:
        with db.transaction(team_member(db)) as session:
            people.add_person(session, entry(village(db), id_number=ID_NUMBER))
    assert "Hà Thị Lan" not in refused.value.message and "thôn khác" in refused.value.message
    with pytest.raises(people.DuplicateIdNumber, match="Hà Thị Lan"):
        with db.transaction(officer()) as session:
            people.add_person(session, entry(village(db), id_number=ID_NUMBER))


def test_an_officer_reads_and_saves_anyone(db: Database) -> None:
    there = add(db, "Thôn Đồng Tâm", "Hà Thị Lan", phone=PHONE)
    with db.transaction(officer()) as session:
        detail = person_detail.get_person(session, there)
        assert detail.data.phone == PHONE  # in full, on the detail
        person_detail.save_person(session, PersonEdit(detail.data, outcomes={"smartphone": None}),
                                  there)


# Consent --------------------------------------------------------------------------------

def test_consent_is_saved_dated_and_shown(db: Database) -> None:
    bản_hang = village(db)
    with db.transaction(officer()) as session:
        given = person_detail.save_person(session, PersonEdit(entry(bản_hang, consent="given")))
        refused = person_detail.save_person(session, PersonEdit(entry(
            bản_hang, "Lò Văn Pọm", consent="refused", consent_on=date(2025, 4, 1))))
        unasked = person_detail.save_person(session, PersonEdit(entry(
            bản_hang, "Lò Văn Sinh", consent_on=date(2025, 4, 1))))
    with db.reading(officer()) as session:
        shown = {pid: person_detail.get_person(session, pid) for pid in (given, refused, unasked)}
        today = calendar.today(session)  # the commune's day, whatever the PC's zone
    assert (shown[given].consent, shown[given].consent_on) == ("given", today)
    assert (shown[refused].consent, shown[refused].consent_on) == ("refused", date(2025, 4, 1))
    assert (shown[unasked].consent, shown[unasked].consent_on) == (None, None)

    changed = PersonEdit(entry(bản_hang, consent="refused", consent_on=date(2025, 5, 2)))
    with db.transaction(officer()) as session:
        person_detail.save_person(session, changed, given)
        logged = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.record_id == given, ChangeLogEntry.op == "update")).all()
        values = session.scalars(select(AuditEvent.details).where(
            AuditEvent.change_id == logged[-1].id)).one()
    assert "consent" in json.loads(logged[-1].fields or "[]")
    assert json.loads(values or "{}")["consent"] == ["given", "refused"]
    for bad, message in (({"consent": "maybe"}, "không xác định"),
                         ({"consent": "given", "consent_on": date.today() + timedelta(days=2)},
                          "tương lai")):
        with pytest.raises(UserError, match=message):
            with db.transaction(officer()) as session:
                people.add_person(session, entry(bản_hang, "Lò Văn Khác", **bad))


def test_exports_carry_consent(db: Database, tmp_path: Path) -> None:
    add(db, consent="given", consent_on=date(2025, 3, 4))
    add(db, name="Lò Văn Pọm")
    with db.transaction(officer()) as session:
        export.export_people(session, tmp_path / "ds.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "ds.xlsx").active
    assert sheet is not None
    headers = [c.value for c in sheet[3]]
    rows = {r[1]: dict(zip(headers, r)) for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Lò Thị Mai"]["Đồng ý lưu dữ liệu"] == "Đồng ý"
    assert rows["Lò Thị Mai"]["Ngày đồng ý/từ chối"].date() == date(2025, 3, 4)
    assert rows["Lò Văn Pọm"]["Đồng ý lưu dữ liệu"] is None


# Exports --------------------------------------------------------------------------------

def export_events(db: Database) -> list[audit.AuditRow]:
    with db.reading(TESTER) as session:
        return audit.browse(session, audit.AuditFilter(actions=("export",)))


def test_exports_are_refused_to_roles_without_them(db: Database, tmp_path: Path) -> None:
    add(db, id_number=ID_NUMBER)
    for who in (viewer(), team_member(db)):
        with pytest.raises(AccessDenied):
            with db.transaction(who) as session:
                export.export_people(session, tmp_path / "ds.xlsx")
    assert not (tmp_path / "ds.xlsx").exists() and export_events(db) == []


def test_a_list_without_personal_data_leaves_out_numbers_and_birth_dates(
        db: Database, tmp_path: Path) -> None:
    add(db, id_number=ID_NUMBER, phone=PHONE)
    with db.transaction(officer()) as session:
        assert export.export_people(session, tmp_path / "ds.xlsx") == 1
    sheet = openpyxl.load_workbook(tmp_path / "ds.xlsx").active
    assert sheet is not None
    headers = [c.value for c in sheet[3]]
    assert "Họ và tên" in headers and "Thôn/bản" in headers and "Điện thoại thông minh" in headers
    assert not {"Số định danh cá nhân", "Số điện thoại", "Ngày sinh"} & set(headers)
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert not any(ID_NUMBER in v or PHONE in v or "1990" in v for v in values)
    [event] = export_events(db)
    assert event.actor == "user:canbo" and event.details["rows"] == 1
    assert event.details["file"] == "ds.xlsx" and event.details["personal"] is False
    assert "Số định danh cá nhân" not in event.details["columns"]


def test_personal_columns_need_the_permission_and_a_reason(db: Database, tmp_path: Path) -> None:
    add(db, id_number=ID_NUMBER, phone=PHONE)
    target = tmp_path / "day-du.xlsx"
    for reason in (None, "  "):
        with pytest.raises(UserError, match="lý do"):
            with db.transaction(officer()) as session:
                export.export_people(session, target, include_personal=True, reason=reason)
    with pytest.raises(AccessDenied):
        with db.transaction(team_member(db)) as session:
            export.export_people(session, target, include_personal=True, reason="Báo cáo")
    assert not target.exists() and export_events(db) == []

    with db.transaction(officer()) as session:
        count = export.export_people(session, target, village(db), include_personal=True,
                                     reason="Báo cáo huyện theo công văn 12")
    assert count == 1
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    row = dict(zip([c.value for c in sheet[3]], [c.value for c in sheet[4]]))
    assert row["Số định danh cá nhân"] == ID_NUMBER and row["Số điện thoại"] == PHONE
    [event] = export_events(db)
    assert event.details["reason"] == "Báo cáo huyện theo công văn 12"
    assert event.details["personal"] is True and event.details["village"] == "Bản Hang"
    assert "Số định danh cá nhân" in event.details["columns"]
    assert "day-du.xlsx" in event.summary and "công văn 12" in event.summary


def test_an_export_outside_a_transaction_is_refused(db: Database, tmp_path: Path) -> None:
    with db.reading(officer()) as session:  # its audit event would be lost
        with pytest.raises(RuntimeError, match="transaction"):
            export.export_people(session, tmp_path / "ds.xlsx")


# Erasing --------------------------------------------------------------------------------

def text_values(db: Database) -> list[str]:
    """Every text stored in every table (change log and audit log included)."""
    found: list[str] = []
    with db.engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all()
        for table in tables:
            for row in connection.exec_driver_sql(f'SELECT * FROM "{table}"'):
                found += [v if isinstance(v, str) else v.decode("utf-8", "replace")
                          for v in row if isinstance(v, (str, bytes))]
    return found


def search_index_finds(db: Database, term: str) -> bool:
    with db.engine.connect() as connection:
        hits = connection.exec_driver_sql(
            "SELECT count(*) FROM person_fts WHERE person_fts MATCH ?", (f'"{term}"',)).scalar()
        connection.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
                                   "USING fts5vocab(main, person_fts, row)")
        terms = connection.exec_driver_sql(
            "SELECT count(*) FROM temp.fts_terms WHERE term = ?", (term,)).scalar()
    return bool(hits or terms)


@pytest.fixture
def citizen(db: Database) -> PersonId:
    """A person with a household, outcomes, VNeID steps, sessions, a class, a team
    role and a history of changes."""
    bản_hang = village(db)
    with db.transaction(officer()) as session:
        person_id = person_detail.save_person(session, PersonEdit(
            entry(bản_hang, id_number=ID_NUMBER, phone="0912000111", consent="given"),
            household_code="HK01", outcomes={"smartphone": date(2025, 1, 5)}, has_fibre=True))
    with db.transaction(officer()) as session:
        detail = person_detail.get_person(session, person_id)
        person_detail.save_person(session, PersonEdit(
            _replace_phone(detail.data, PHONE), household_code="HK01",
            outcomes={"smartphone": date(2025, 1, 5)}, has_fibre=True), person_id)
        team = teams.team_of_village(session, bản_hang)
        member = teams.add_member(session, team, teams.MemberInput(
            "Hà Văn Sơn", "youth_union"))
        teams.add_member(session, team, teams.MemberInput(
            "Người trong tổ", "youth_union", person_id=person_id))
        people.set_outcome(session, person_id, "payment_account", date(2025, 2, 1))
        vneid.record_step(session, person_id, "activated", date(2025, 2, 1), level=2,
                          member_id=member)
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 2, 2), topic="dvc_skills", village_id=bản_hang,
            attendee_ids=[person_id, add_in(session, bản_hang)]))
        vneid.record_step(session, person_id, "guided", date(2025, 1, 20))
        people.clear_outcome(session, person_id, "payment_account")  # a deleted outcome too
        audit.record(session, "print", "In phiếu", object_table="person",
                     object_id=person_id, details={"name": NAME})
    return person_id


def _replace_phone(data: PersonInput, phone: str) -> PersonInput:
    from dataclasses import replace

    return replace(data, phone=phone)


def add_in(session: Any, village_id: VillageId) -> PersonId:
    return people.add_person(session, entry(village_id, "Lò Văn Khác"))




def test_erasing_leaves_nothing_of_the_person(db: Database, citizen: PersonId) -> None:
    before = text_values(db)
    assert any(NAME in v for v in before) and any(ID_NUMBER in v for v in before)
    assert search_index_finds(db, ID_NUMBER)
    with db.reading(TESTER) as session:
        owned = [*session.scalars(select(PersonOutcome.id).where(
            PersonOutcome.person_id == citizen)),
                 *session.scalars(select(VneidStep.id).where(VneidStep.person_id == citizen))]
        households = session.scalar(select(func.count()).select_from(Household))
        # Their attendance of the class: a row naming them, erased with them.
        attended = list(session.scalars(select(GroupSessionAttendee.id).where(
            GroupSessionAttendee.person_id == citizen)))
    assert len(owned) >= 4 and len(attended) == 1

    with db.transaction(officer()) as session:
        erased = erase_person(session, citizen, REASON)
    assert erased.records == len(owned) + 1 and erased.unlinked == 2

    after = text_values(db)
    for secret in (NAME, ID_NUMBER, PHONE, "0912000111", "giang thi xo"):
        assert not any(secret in v for v in after), secret
    assert not search_index_finds(db, ID_NUMBER) and not search_index_finds(db, "xo")
    assert search_index_finds(db, "khac")  # the index still works for everyone else

    with db.reading(TESTER) as session:
        assert session.get(Person, citizen) is None
        assert session.scalar(select(func.count()).select_from(PersonOutcome).where(
            PersonOutcome.person_id == citizen)) == 0
        assert session.scalar(select(func.count()).select_from(Household)) == households
        group = session.scalars(select(GroupSession)).one()
        assert str(citizen) not in group.attendee_ids and group.attendee_count == 2
        assert session.scalars(select(TeamMember.person_id).where(
            TeamMember.full_name == "Người trong tổ")).one() is None
        tombstones = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.op == "erase")).all()
        assert {e.record_id for e in tombstones} == {citizen, *owned, *attended}
        assert all(e.changed_by == "user:canbo" and e.fields is None for e in tombstones)
        # The values their updates had are gone from the audit trail too.
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.object_id.in_([citizen, *owned]), AuditEvent.change_id.is_not(None),
            AuditEvent.details.is_not(None))) == 0
        unlinked = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name.in_(["group_session", "team_member"]),
            ChangeLogEntry.op == "update")).all()
        unlinked += [e for e in tombstones if e.table_name == "group_session_attendee"]
        assert len(unlinked) == 2, "the lost links are logged, so they travel"
        # Not filtered by action: "erase" names both the tombstones and the event.
        events = audit.browse(session, audit.AuditFilter(object_id=citizen))
    erase_events = [e for e in events if e.action == "erase" and e.summary]
    assert len(erase_events) == 1
    event = erase_events[0]
    assert event.actor == "user:canbo" and event.object_id == citizen
    assert event.details["reason"] == REASON and REASON in event.summary


def test_support_sessions_keep_counting_without_the_link(db: Database,
                                                         citizen: PersonId) -> None:
    with db.transaction(officer()) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 2, 1), person_id=citizen, result="done",
            topics=["dvc_account", "vneid_activate"], vneid_level=2))
    with db.transaction(officer()) as session:
        assert erase_person(session, citizen, REASON).unlinked == 3
    assert not any(NAME in v or ID_NUMBER in v for v in text_values(db))
    with db.reading(TESTER) as session:
        support = session.scalars(select(SupportSession)).one()
        assert support.person_id is None and support.topics == ["dvc_account", "vneid_activate"]
        logged = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "support_session",
            ChangeLogEntry.record_id == support.id)).all()
    assert [e.op for e in logged] == ["insert", "update"]


def test_erasing_needs_the_permission_and_a_reason_that_names_nobody(
        db: Database, citizen: PersonId) -> None:
    for who in (viewer(), team_member(db)):
        with pytest.raises(AccessDenied):
            with db.transaction(who) as session:
                erase_person(session, citizen, REASON)
    for reason, message in (("", "lý do"), (f"Bà {NAME} xin xóa", "không được ghi tên"),
                            ("Chị giang thi xo xin xóa", "không được ghi tên"),
                            ("Số 038 190 004 567 xin xóa", "không được ghi tên"),
                            ("Số ０３８１９０００４５６７ xin xóa", "không được ghi tên"),
                            ("m² Số 038190004567 xin xóa", "không được ghi tên")):
        with pytest.raises(UserError, match=message):
            with db.transaction(officer()) as session:
                erase_person(session, citizen, reason)
    with db.reading(TESTER) as session:
        assert session.get(Person, citizen) is not None
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "erase")).all() == []


def test_erasing_a_person_without_links(db: Database) -> None:
    person_id = add(db, name=NAME, id_number=ID_NUMBER)
    with db.transaction(officer()) as session:
        assert erase_person(session, person_id, REASON).records == 1
    assert not any(NAME in v or ID_NUMBER in v for v in text_values(db))
    assert not search_index_finds(db, ID_NUMBER)
    with pytest.raises(UserError, match="Không tìm thấy"):
        with db.transaction(officer()) as session:
            erase_person(session, person_id, REASON)


def test_a_named_list_with_full_phones_needs_a_reason(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "to.xlsx"
    with db.transaction(TESTER) as session, pytest.raises(UserError, match="lý do"):
        export.export_named_list(session, target, "Tổ CNSCĐ", ["Họ và tên", "Số điện thoại"],
                                 [["Hà Văn Sơn", "0901234567"]], personal=True, reason=" ")
    assert not target.exists()
    with db.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "export")) == 0
