"""Demo data: reproducible, realistic and valid by the app's own rules."""

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdsxa.db.models import ChangeLogEntry, Household, Person
from cdsxa.demo import commune as demo
from cdsxa.profile.storage import open_profile
from cdsxa.register import idnumber
from tests.conftest import TESTER

TODAY = date(2026, 6, 1)


def people_of(data_dir: Path) -> list[tuple[str, str | None, object, int | None]]:
    db = open_profile(data_dir)
    with db.reading(TESTER) as session:
        rows = session.execute(select(Person.full_name, Person.id_number, Person.birth_date,
                                      Person.birth_year).order_by(Person.id_number,
                                                                  Person.full_name))
        result = [tuple(r) for r in rows]
    db.close()
    return result  # type: ignore[return-value]


@pytest.mark.slow  # 5-6 s: the same demo commune built twice
def test_same_seed_same_people(tmp_path: Path) -> None:
    first = demo.create(tmp_path / "a", "small", today=TODAY)
    second = demo.create(tmp_path / "b", "small", today=TODAY)
    assert first == second
    assert people_of(tmp_path / "a") == people_of(tmp_path / "b")


def test_demo_people_are_valid_and_counted(tmp_path: Path) -> None:
    summary = demo.create(tmp_path / "p", "small", today=TODAY)
    db = open_profile(tmp_path / "p")
    with db.reading(TESTER) as session:
        persons = list(session.scalars(select(Person)))
        households = session.scalar(select(func.count()).select_from(Household))
        logged = session.scalar(select(func.count()).select_from(ChangeLogEntry)
                                .where(ChangeLogEntry.table_name == "person",
                                       ChangeLogEntry.op == "insert"))
    db.close()
    assert (summary.households, summary.people) == (households, len(persons)) == (120, logged)
    assert any("ư" in p.full_name or "ờ" in p.full_name or "Đ" in p.full_name for p in persons)
    for person in persons:
        if person.id_number:
            check = idnumber.check(person.id_number, birth=person.birth_date,
                                   birth_year=person.birth_year, gender=person.gender)
            assert check.ok, (person.full_name, check.error)
    ages = [TODAY.year - (p.birth_date.year if p.birth_date else p.birth_year or 0)
            for p in persons]
    assert min(ages) < 14 and max(ages) > 60  # children and elders, like a real commune


def test_demo_work_is_consistent_with_the_people(tmp_path: Path) -> None:
    """Every outcome a session reached names a done session of that person on that day;
    VNeID states agree with the steps; sessions have helpers from the village's team."""
    from cdsxa.db.activity import SupportSession, Team, TeamMember, VneidStep
    from cdsxa.db.models import PersonOutcome

    summary = demo.create(tmp_path / "p", "small", today=TODAY)
    assert summary.sessions > 3 * summary.people // 2 and summary.members >= 6 * 6
    db = open_profile(tmp_path / "p")
    with db.reading(TESTER) as session:
        sessions = {s.id: s for s in session.scalars(select(SupportSession))}
        team_village = dict(session.execute(select(TeamMember.id, Team.village_id)
                                            .join(Team, Team.id == TeamMember.team_id)).all())
        for outcome in session.scalars(select(PersonOutcome).where(
                PersonOutcome.session_id.is_not(None))):
            support = sessions[outcome.session_id]
            assert (support.person_id, support.held_on, support.result) == (
                outcome.person_id, outcome.reached_on, "done")
        for support in sessions.values():
            assert support.held_on <= TODAY
            assert all(team_village[uuid.UUID(m)] == support.village_id
                       for m in support.member_ids)
        activated = set(session.scalars(select(VneidStep.person_id).where(
            VneidStep.step == "activated")))
        statuses = dict(session.execute(select(Person.id, Person.vneid_status)).all())
    db.close()
    assert activated and all(statuses[p] == "activated" for p in activated)
