"""Community tech teams, members and training."""

from datetime import date

import pytest

from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.register import teams
from tests.helpers import as_actor, person, village
from tests.conftest import TESTER


def test_team_members_training_and_leaving(db: Database) -> None:
    hang = village(db)
    linked = person(db, "Lò Văn Tâm", gender="male")
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, hang)
        assert teams.team_of_village(session, hang) == team  # one team per village
        lead = teams.add_member(session, team, teams.MemberInput(
            "Lò Văn Tâm", "village_head", role="Tổ trưởng", phone="+84 987 654 321",
            joined_on=date(2023, 3, 1), person_id=linked))
        other = teams.add_member(session, team, teams.MemberInput("Vi Thị Hoa", "womens_union"))
        teams.add_training(session, lead, "Kỹ năng số cơ bản", date(2023, 4, 10), 8)
        teams.add_training(session, lead, "An toàn thông tin", date(2023, 6, 1), 4.5)
        teams.member_left(session, other, date(2024, 12, 31))
    with db.reading(TESTER) as session:
        [view] = teams.list_teams(session, on=date(2025, 1, 1))
        everyone = teams.members(session, team_id=team)
        active = teams.members(session, active_on=date(2025, 1, 1))
    assert (view.name, view.active_members, view.trained_members) == ("Tổ CNSCĐ Bản Hang", 1, 1)
    assert {m.full_name: m.training_hours for m in everyone} == {"Lò Văn Tâm": 12.5,
                                                                 "Vi Thị Hoa": 0.0}
    assert [m.phone for m in active] == ["0987654321"]


def test_member_rules(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        with pytest.raises(UserError, match="tổ chức"):
            teams.add_member(session, team, teams.MemberInput("A", "circus"))
        with pytest.raises(UserError, match="họ tên"):
            teams.add_member(session, team, teams.MemberInput("  ", "police"))
        member = teams.add_member(session, team, teams.MemberInput(
            "Hà Văn B", "police", joined_on=date(2024, 1, 1)))
        with pytest.raises(UserError, match="trước ngày vào tổ"):
            teams.member_left(session, member, date(2023, 1, 1))
        with pytest.raises(UserError, match="không quá 200"):
            teams.add_training(session, member, "Lớp", date(2024, 2, 1), 0)
        with pytest.raises(UserError, match="đã có"):
            teams.create_team(session, village(db))


def test_every_village_can_get_its_team(db: Database) -> None:
    with db.reading(TESTER) as session:
        assert teams.villages_without_team(session) == ["Bản Hang", "Thôn Đồng Tâm"]
    with db.transaction(as_actor("t")) as session:
        assert teams.create_missing_teams(session) == 2
        assert teams.create_missing_teams(session) == 0
    with db.reading(TESTER) as session:
        assert [t.name for t in teams.list_teams(session)] == ["Tổ CNSCĐ Bản Hang",
                                                               "Tổ CNSCĐ Thôn Đồng Tâm"]


def test_a_members_phone_and_role_can_change(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        member = teams.add_member(session, team, teams.MemberInput("Vi Thị Hoa", "womens_union"))
        teams.update_member(session, member, "+84 912 000 111", "Tổ phó")
        with pytest.raises(UserError, match="Số điện thoại không hợp lệ"):
            teams.update_member(session, member, "12345", "Tổ phó")
    with db.reading(TESTER) as session:
        [view] = teams.members(session, team_id=team)
    assert (view.phone, view.role) == ("0912000111", "Tổ phó")
