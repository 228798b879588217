"""The activity log as the page shows it speaks Vietnamese: built by the service the
audit page reads (cdsxa.security.audit_lines), over records made by the real services."""

import re
from datetime import date

from cdsxa.db.engine import Database
from cdsxa.security import audit, audit_lines
from cdsxa.security.access import SYSTEM
from cdsxa.support import sessions, vneid
from tests.conftest import TESTER
from tests.helpers import person

HEX_ID = re.compile(r"\b[0-9a-f]{8}\b")
ENGLISH_STATES = re.compile(r"\b(activated|registered|approved|guided|failed|done|male|"
                            r"female|True|False|None|system)\b")


def shown(db: Database) -> list[audit_lines.AuditLine]:
    with db.reading(TESTER) as session:
        return audit_lines.lines(session, audit.AuditFilter(), limit=500)


def test_the_log_names_records_states_and_dates_in_vietnamese(db: Database) -> None:
    mai = person(db, "Lò Thị Mai")
    with db.transaction(SYSTEM) as session:
        vneid.record_step(session, mai, "activated", date(2025, 10, 15), level=2)
    with db.transaction(TESTER) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 10, 20), person_id=mai, topics=["payment_account"],
            result="done"))
    lines = shown(db)
    texts = [" | ".join((line.who, line.action, line.record, line.what)) for line in lines]
    assert all(not HEX_ID.search(text) for text in texts), texts
    assert all(not ENGLISH_STATES.search(text) for text in texts), texts
    by_record = {(line.action, line.record): line for line in lines}
    assert ("Thêm mới", "Người dân: Lò Thị Mai") in by_record
    state = next(line for line in lines if line.action == "Sửa"
                 and line.record == "Người dân: Lò Thị Mai" and "VNeID" in line.what)
    assert "Đã kích hoạt" in state.what and "15/10/2025" in state.what
    assert state.who == "Hệ thống"
    helped = next(line for line in lines if line.record.startswith("Buổi hỗ trợ:"))
    assert "Lò Thị Mai" in helped.record and "20/10/2025" in helped.record
    topic = next(line for line in lines if line.record.startswith("Chủ đề của buổi hỗ trợ:"))
    assert "Lò Thị Mai" in topic.record
    assert state.at.tzinfo is not None and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d",
                                                        state.when)


def test_every_kind_of_record_has_a_vietnamese_label() -> None:
    from cdsxa.db.base import Base, is_travelling_class

    tables = {mapper.class_.__tablename__ for mapper in Base.registry.mappers
              if is_travelling_class(mapper.class_)}
    assert {"support_session_topic", "support_session_member", "group_session_trainer",
            "group_session_attendee"} <= tables
    assert tables - set(audit.TABLE_LABELS) == set()


def test_who_is_said_in_vietnamese() -> None:
    people = {"user:lan": "Hà Thị Lan"}
    assert audit_lines.actor_label("user:lan", people) == "Hà Thị Lan (lan)"
    assert audit_lines.actor_label("system", people) == "Hệ thống"
    assert audit_lines.actor_label("cli:root", people) == "Dòng lệnh (root)"
