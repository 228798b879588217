"""VNeID steps, current state and worklists."""

from datetime import date

import pytest

from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.support import vneid
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village


def state(db: Database, person_id: object) -> tuple[str | None, int | None, date | None]:
    with db.reading(TESTER) as session:
        row = session.get(Person, person_id)
        assert row is not None
        return row.vneid_status, row.vneid_level, row.vneid_status_on


def test_steps_move_the_state_forward_and_keep_history(db: Database) -> None:
    someone = person(db)
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, someone, "registered", date(2025, 1, 5), level=2)
        vneid.record_step(session, someone, "approved", date(2025, 1, 20), level=2)
        vneid.record_step(session, someone, "activated", date(2025, 2, 1), level=2)
    assert state(db, someone) == ("activated", 2, date(2025, 2, 1))


def test_a_late_entry_of_an_old_step_does_not_move_the_state_back(db: Database) -> None:
    someone = person(db)
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, someone, "activated", date(2025, 2, 1), level=1)
        vneid.record_step(session, someone, "registered", date(2025, 1, 5), level=1)
        vneid.record_step(session, someone, "guided", date(2025, 3, 1))
    assert state(db, someone) == ("activated", 1, date(2025, 2, 1))
    with db.reading(TESTER) as session:
        assert [s.step for s in vneid.history(session, someone)] == [
            "registered", "activated", "guided"]


def test_failures_need_a_reason_and_children_use_a_parent_account(db: Database) -> None:
    adult, child = person(db), person(db, "Lò Văn Bé", born=date(2015, 1, 1))
    with db.transaction(as_actor("t")) as session:
        with pytest.raises(UserError, match="lý do"):
            vneid.record_step(session, adult, "failed", date(2025, 1, 1))
        with pytest.raises(UserError, match="chưa đủ 14 tuổi"):
            vneid.record_step(session, child, "registered", date(2025, 1, 1))
        with pytest.raises(UserError, match="mức 1 hoặc mức 2"):
            vneid.record_step(session, adult, "registered", date(2025, 1, 1), level=3)
        vneid.record_step(session, adult, "failed", date(2025, 1, 1),
                          failure_reason="no_chip_card")
    assert state(db, adult)[0] == "failed"


def test_worklists(db: Database) -> None:
    today = date(2025, 6, 30)
    waiting_long = person(db, "Vi Thị Cũ")
    waiting_new = person(db, "Vi Thị Mới")
    done = person(db, "Vi Văn Xong")
    person(db, "Cầm Văn Chưa", village_name="Thôn Đồng Tâm", born=None,  # type: ignore[arg-type]
           birth_year=2011)  # 14 on 1 July 2025: one day too young on 30 June
    never = person(db, "Cầm Thị Chưa", village_name="Thôn Đồng Tâm")
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, waiting_new, "registered", date(2025, 5, 1))
        vneid.record_step(session, waiting_long, "registered", date(2025, 1, 1))
        vneid.record_step(session, done, "activated", date(2025, 2, 1))
    with db.reading(TESTER) as session:
        pending = vneid.pending_activation(session)
        missing = vneid.without_account(session, today)
        missing_dong_tam = vneid.without_account(session, today, village(db, "Thôn Đồng Tâm"))
    assert [w.full_name for w in pending] == ["Vi Thị Cũ", "Vi Thị Mới"]
    assert [w.full_name for w in missing] == ["Cầm Thị Chưa"]
    assert [w.person_id for w in missing_dong_tam] == [never]


def test_the_same_step_again_later_keeps_the_date_it_was_first_reached(db: Database) -> None:
    someone = person(db)
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, someone, "activated", date(2025, 10, 15), level=2)
        vneid.record_step(session, someone, "activated", date(2025, 12, 1), level=2)
    assert state(db, someone) == ("activated", 2, date(2025, 10, 15))
    with db.transaction(as_actor("t")) as session:
        # Entered late, taken earlier: the account was activated since then.
        vneid.record_step(session, someone, "activated", date(2025, 10, 1), level=2)
    assert state(db, someone) == ("activated", 2, date(2025, 10, 1))
