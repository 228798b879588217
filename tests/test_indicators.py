"""Commune indicators (cdsxa.counting.indicators) over a small register built through the services.

The reporting date is 30/06/2025 unless a test says otherwise. Every expected figure
is written out by hand, with the people it counts named in a comment.
"""

import json
import os
import random
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.common.ids import HouseholdId, PersonId, SessionId, VillageId
from cdsxa.commune.profile import Population, set_population
from cdsxa.counting import indicators
from cdsxa.counting.indicators import Indicator, compute, records_behind
from cdsxa.counting.indicators import today as commune_today
from cdsxa.db.activity import SupportSession, Team, TeamMember, Topic, VneidStep
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person
from cdsxa.profile.storage import open_database
from cdsxa.register import people, villages
from cdsxa.register.people import PersonInput
from cdsxa.security import keys
from cdsxa.support import sessions
from tests.conftest import PASSPHRASE, TESTER
from tests.helpers import as_actor

ON = date(2025, 6, 30)
ON_2026 = date(2026, 6, 30)
ACTOR = "test"

# name: (gender, birth_date, birth_year, village). At 30/06/2025: A adult, 14 aged 14+,
# W working age (15+, below 61y3m for men and 56y8m for women).
ROSTER: dict[str, tuple[str, date | None, int | None, str]] = {
    "an": ("male", date(2007, 6, 30), None, "hang"),  # turns 18 on the date: A 14 W
    "binh": ("female", date(2007, 7, 1), None, "hang"),  # 18 the day after: 14 W
    "cuong": ("male", date(2011, 7, 1), None, "hang"),  # 14 the day after: none
    "dung": ("female", date(2011, 6, 30), None, "hang"),  # 14 on the date: 14 (15 in 2026)
    "ha": ("female", None, 2007, "hang"),  # year only: 1/7/2007, 17: 14 W
    "khanh": ("male", None, 2006, "hang"),  # year only: 1/7/2006, 18: A 14 W
    "lan": ("female", None, None, "hang"),  # age unknown: in no age group
    "man_retired": ("male", date(1964, 3, 31), None, "hang"),  # 61y3m on 30/06/2025: A 14
    "man_working": ("male", date(1964, 4, 1), None, "hang"),  # A 14 W
    "woman_retired": ("female", date(1968, 10, 31), None, "hang"),  # 56y8m that day: A 14
    "woman_working": ("female", date(1968, 11, 1), None, "hang"),  # A 14 W
    "man_2026": ("male", date(1964, 12, 30), None, "hang"),  # A 14 W; 61y6m on 30/06/2026
    "man_2026_working": ("male", date(1965, 1, 1), None, "hang"),  # A 14 W, also in 2026
    "woman_2026": ("female", date(1969, 6, 30), None, "hang"),  # A 14 W; 57y on 30/06/2026
    "woman_2026_working": ("female", date(1969, 7, 1), None, "hang"),  # A 14 W, also 2026
    "deleted": ("male", date(1980, 1, 1), None, "hang"),  # deleted: never counted
    "elder": ("female", date(1940, 1, 1), None, "hang"),  # A 14
    "quang": ("male", date(1990, 5, 5), None, "dong_tam"),  # A 14 W
    "quyen": ("female", None, 1995, "dong_tam"),  # A 14 W
    "quoc": ("male", date(2015, 3, 3), None, "dong_tam"),  # child: none
}
# Commune at 30/06/2025: 13 adults (an khanh man_retired man_working woman_retired
# woman_working man_2026 man_2026_working woman_2026 woman_2026_working elder quang
# quyen), 16 aged 14+ (those and binh dung ha), 12 of working age (an binh ha khanh
# man_working woman_working man_2026 man_2026_working woman_2026 woman_2026_working
# quang quyen). Bản Hang alone: 11 adults, 14 aged 14+, 10 of working age.


@dataclass
class Commune:
    db: Database
    people: dict[str, PersonId]
    households: dict[str, HouseholdId]
    villages: dict[str, VillageId]
    sessions: dict[str, uuid.UUID]


def _village_ids(db: Database) -> dict[str, VillageId]:
    with db.reading(TESTER) as session:
        found = {"hang": villages.find_by_name(session, "Bản Hang"),
                 "dong_tam": villages.find_by_name(session, "Thôn Đồng Tâm")}
    return {k: v for k, v in found.items() if v is not None}


def _add_people(db: Database, village: dict[str, VillageId]) -> dict[str, PersonId]:
    batch = [PersonInput(full_name=f"Người {name}", gender=gender, village_id=village[v],
                         birth_date=born, birth_year=year)
             for name, (gender, born, year, v) in ROSTER.items()]
    with db.transaction(as_actor(ACTOR)) as session:
        ids = people.add_people(session, batch)
    return dict(zip(ROSTER, ids))


OUTCOMES: list[tuple[str, str, date | None]] = [
    ("an", "smartphone", date(2025, 6, 30)),  # on the date: counts
    ("an", "payment_account", date(2025, 7, 1)),  # the day after: not yet
    ("an", "dvc_account", None),  # undated, entered today (after 30/06/2025)
    ("an", "digital_skills", date(2025, 1, 10)),
    ("binh", "smartphone", date(2025, 5, 1)),  # a 17-year-old: not an adult owner
    ("binh", "protection_software", date(2025, 5, 2)),
    ("khanh", "smartphone", date(2024, 12, 1)),
    ("khanh", "protection_software", date(2025, 7, 15)),  # after the date
    ("khanh", "digital_signature", date(2025, 6, 1)),
    ("khanh", "digital_skills", date(2025, 6, 1)),
    ("man_retired", "smartphone", date(2020, 1, 1)),
    ("man_retired", "digital_skills", date(2024, 1, 1)),  # retired: not working age
    ("man_working", "payment_account", date(2025, 6, 30)),
    ("lan", "smartphone", date(2025, 1, 1)),  # age unknown: owner, not adult
    ("lan", "protection_software", date(2025, 1, 1)),
    ("deleted", "smartphone", date(2025, 1, 1)),
    ("woman_working", "smartphone", date(2025, 1, 1)),  # cleared below
    ("elder", "protection_software", date(2025, 2, 2)),  # no smartphone
    ("quang", "smartphone", date(2025, 3, 3)),
    ("quang", "payment_account", date(2025, 3, 3)),
    ("quang", "protection_software", date(2025, 3, 3)),
    ("quang", "dvc_account", date(2025, 3, 3)),
]

# (person, step, level, taken_on, deleted)
STEPS: list[tuple[str, str, int | None, date, bool]] = [
    ("an", "activated", 2, date(2025, 6, 30), False),  # on the date
    ("dung", "activated", 1, date(2025, 6, 1), False),  # 14 on the date
    ("cuong", "activated", 1, date(2025, 6, 1), False),  # 13: not counted
    ("ha", "registered", 1, date(2025, 6, 1), False),  # not activated
    ("khanh", "activated", 1, date(2024, 1, 1), False),
    ("khanh", "activated", 2, date(2025, 7, 1), False),  # level 2 after the date
    ("quang", "activated", 2, date(2025, 1, 1), True),  # step deleted
    ("quang", "failed", None, date(2025, 2, 1), False),
    ("deleted", "activated", 2, date(2025, 1, 1), False),
    ("man_working", "activated", 1, date(2024, 5, 5), False),  # two activations,
    ("man_working", "activated", 2, date(2025, 5, 5), False),  # one person
]

M1, M2, M3 = (str(uuid.UUID(int=n)) for n in (1, 2, 3))
# name: (held_on, village, person, topics, member_ids, deleted)
SESSIONS: dict[str, tuple[date, str, str, list[str], list[str], bool]] = {
    "s1": (date(2025, 6, 1), "hang", "an", ["vneid_install", "smartphone"], [M1], False),
    "s2": (date(2025, 6, 30), "hang", "binh", ["vneid_install"], [M1, M2], False),
    "s3": (date(2025, 6, 15), "dong_tam", "quang", ["online_payment"], [M2], False),
    "s4": (date(2025, 5, 31), "hang", "an", ["vneid_install"], [M1], False),
    "s5": (date(2025, 7, 1), "hang", "an", ["vneid_install"], [M1], False),
    "s6": (date(2025, 6, 10), "hang", "an", ["fraud_awareness"], [M3], True),
}


def _add_households(db: Database, village: dict[str, VillageId]) -> dict[str, HouseholdId]:
    # name: (village, fibre since; None = fibre, date unknown; "no" = no fibre)
    plan: dict[str, tuple[str, date | None | str]] = {
        "h1": ("hang", date(2025, 6, 30)), "h2": ("hang", date(2025, 7, 1)),
        "h3": ("hang", None), "h4": ("hang", "no"), "h5": ("dong_tam", date(2024, 1, 1)),
        "h6": ("dong_tam", date(2024, 1, 1)),  # deleted below
    }
    ids: dict[str, HouseholdId] = {}
    with db.transaction(as_actor(ACTOR)) as session:
        for name, (v, since) in plan.items():
            ids[name] = people.add_household(session, village[v], code=name)
            session.flush()
            if since != "no":
                people.set_fibre(session, ids[name], since if isinstance(since, date) else None)
    return ids


def _add_helpers_and_topics(session: Session, c: Commune) -> None:
    """The team members M1-M3 and the "smartphone" topic the sessions name: a session's
    helpers and topics are rows with foreign keys (support_session_member, _topic)."""
    team = Team(id=uuid.uuid4(), village_id=c.villages["hang"], name="Tổ CNSCĐ Bản Hang")
    session.add(team)
    for n, member in enumerate((M1, M2, M3), start=1):
        session.add(TeamMember(id=uuid.UUID(member), team_id=team.id, full_name=f"Tổ viên {n}",
                               name_key=f"to vien {n}", organisation="other"))
    session.add(Topic(code="smartphone", name="Điện thoại thông minh", name_en="Smartphone",
                      category="other", position=99, active=True))
    session.flush()


def _add_activity(db: Database, c: Commune) -> None:
    with db.transaction(as_actor(ACTOR)) as session:
        for name, kind, reached in OUTCOMES:
            people.set_outcome(session, c.people[name], kind, reached)
        for name, step, level, taken, _ in STEPS:
            session.add(VneidStep(person_id=c.people[name], step=step, level=level,
                                  taken_on=taken))
        _add_helpers_and_topics(session, c)
        for key, (held, v, who, topics, members, _) in SESSIONS.items():
            row = SupportSession(id=uuid.uuid4(), held_on=held, village_id=c.villages[v],
                                 person_id=c.people[who], topics=topics, member_ids=members,
                                 result="done")
            session.add(row)
            c.sessions[key] = row.id


def _delete_some(db: Database, c: Commune) -> None:
    with db.transaction(as_actor(ACTOR)) as session:
        people.clear_outcome(session, c.people["woman_working"], "smartphone")
        rows = [session.get(Person, c.people["deleted"]),
                session.get(Household, c.households["h6"]),
                session.get(SupportSession, c.sessions["s6"])]
        for row in rows:
            assert row is not None
            row.deleted = True
        for step in session.scalars(select(VneidStep).where(
                VneidStep.person_id == c.people["quang"], VneidStep.step == "activated")):
            step.deleted = True


def build_commune(db: Database) -> Commune:
    """The hand-counted register, through the services (tests/engines.py reuses it)."""
    village = _village_ids(db)
    c = Commune(db, _add_people(db, village), _add_households(db, village), village, {})
    _add_activity(db, c)
    _delete_some(db, c)
    return c


@pytest.fixture
def commune(db: Database) -> Commune:
    return build_commune(db)


Figures = dict[str, tuple[int, int | None, float | None, str]]

# The commune at ON, counted by hand.
COMMUNE_FIGURES: Figures = {
    # an (18 today), khanh, man_retired, quang; not binh (17), lan (age unknown),
    # deleted, woman_working (cleared). 4/13 = 30.77%.
    "smartphone_adults": (4, 13, 30.8, "register"),
    # h1 (since the date), h5; not h2 (after), h3 (undated, entered after the
    # date), h4 (no fibre), h6 (deleted). 2/5.
    "fibre_households": (2, 5, 40.0, "register"),
    # an (activated on the date), dung (14 today), khanh (level 1), man_working;
    # not cuong (13), ha (registered only), quang (deleted step, failed). 4/16.
    "digital_identity_people": (4, 16, 25.0, "register"),
    # an, man_working; khanh's level 2 comes the day after. 2/16.
    "vneid_level2_people": (2, 16, 12.5, "register"),
    # quang, man_working (on the date); an's is the day after. 2/13 = 15.38%.
    "payment_account_adults": (2, 13, 15.4, "register"),
    # quang; an's account is undated and was entered after the date. 1/13 = 7.69%.
    "dvc_account_adults": (1, 13, 7.7, "register"),
    "digital_signature_adults": (1, 13, 7.7, "register"),  # khanh
    # Owners of any age: an binh khanh man_retired lan quang (6); protected: binh,
    # lan, quang (khanh's comes after the date; elder has no smartphone). 3/6.
    "protection_software_people": (3, 6, 50.0, "register"),
    # an, khanh; man_retired is past retirement age. 2/12 = 16.67%.
    "digital_skills_working_age": (2, 12, 16.7, "register"),
    # s1 (1/6), s2 (30/6), s3; not s4 (May), s5 (July), s6 (deleted).
    "support_sessions": (3, None, None, "register"),
}


# Bản Hang alone at ON.
HANG_FIGURES: Figures = {
    "smartphone_adults": (3, 11, 27.3, "register"),  # an khanh man_retired; 27.27%
    "fibre_households": (1, 4, 25.0, "register"),  # h1 of h1-h4
    "digital_identity_people": (4, 14, 28.6, "register"),  # 28.57%
    "vneid_level2_people": (2, 14, 14.3, "register"),  # 14.29%
    "payment_account_adults": (1, 11, 9.1, "register"),  # man_working
    "dvc_account_adults": (0, 11, 0.0, "register"),
    "digital_signature_adults": (1, 11, 9.1, "register"),  # khanh
    "protection_software_people": (2, 5, 40.0, "register"),  # binh lan of 5 owners
    "digital_skills_working_age": (2, 10, 20.0, "register"),
    "support_sessions": (2, None, None, "register"),  # s1, s2
}


def by_id(results: list[Indicator]) -> dict[str, Indicator]:
    return {i.id: i for i in results}


def figures(results: list[Indicator]) -> Figures:
    return {i.id: (i.numerator, i.denominator, i.value, i.denominator_source) for i in results}


# -- the figures ------------------------------------------------------------------------


def test_commune_figures_on_the_reporting_date(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session:
        result = figures(compute(session, ON))
    assert result == COMMUNE_FIGURES


def test_village_filter(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session:
        result = figures(compute(session, ON, commune.villages["hang"]))
    assert result == HANG_FIGURES


def test_working_age_follows_the_2026_retirement_ages(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session:
        working = records_behind(session, "digital_skills_working_age", ON_2026,
                                 part="denominator")
    # man_2026 (61y6m) and woman_2026 (57y) reach 2026's retirement ages on the date;
    # dung turns 15 on it; binh and ha are 18 now.
    expected = {"an", "binh", "dung", "ha", "khanh", "man_2026_working",
                "woman_2026_working", "quang", "quyen"}
    assert set(working) == {commune.people[n] for n in expected}


def test_undated_records_count_from_the_day_they_were_entered(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session:
        # The commune's today, not the computer's: run at 20:00 UTC, it is tomorrow there.
        result = by_id(compute(session, commune_today(session)))
    assert result["dvc_account_adults"].numerator == 2  # quang, and an's undated account
    assert result["fibre_households"].numerator == 4  # h1, h2, h3 (undated), h5


def test_profile_denominators(commune: Commune) -> None:
    # conftest's 2025 figures: residents 1000, adults 700, working age 600, households 250.
    with commune.db.reading(TESTER) as session:
        result = figures(compute(session, ON, denominators="profile"))
    assert result["smartphone_adults"] == (4, 700, 0.6, "profile")  # 0.57%
    assert result["payment_account_adults"] == (2, 700, 0.3, "profile")  # 0.29%
    assert result["fibre_households"] == (2, 250, 0.8, "profile")
    assert result["digital_skills_working_age"] == (2, 600, 0.3, "profile")  # 0.33%
    # People aged 14+ and smartphone owners are not profile figures: the register.
    assert result["digital_identity_people"] == (4, 16, 25.0, "register")
    assert result["protection_software_people"] == (3, 6, 50.0, "register")
    assert result["support_sessions"] == (3, None, None, "register")


def test_profile_figures_fall_back_to_the_register(commune: Commune) -> None:
    with commune.db.transaction(as_actor(ACTOR)) as session:
        set_population(session, Population(2024, residents=900, households=200))
    with commune.db.reading(TESTER) as session:
        before_any = figures(compute(session, date(2023, 12, 31), denominators="profile"))
        in_2024 = figures(compute(session, date(2024, 12, 31), denominators="profile"))
        in_2026 = figures(compute(session, date(2026, 3, 1), denominators="profile"))
        village = figures(compute(session, ON, commune.villages["hang"], "profile"))
    assert {v[3] for v in before_any.values()} == {"register"}  # no figures before 2024
    # 2024 has households but no adults: fibre from the profile, adults from the register.
    assert in_2024["fibre_households"][1:] == (200, 0.5, "profile")  # h5 only: 1/200
    assert in_2024["smartphone_adults"][3] == "register"
    assert in_2026["smartphone_adults"][1] == 700  # 2025 is the latest figure by 2026
    assert {v[3] for v in village.values()} == {"register"}  # figures are commune-wide


def test_an_unknown_denominator_source_is_refused(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session, pytest.raises(ValueError):
        compute(session, ON, denominators="census")  # type: ignore[arg-type]


def test_the_ids_are_stable() -> None:
    assert indicators.IDS == (
        "smartphone_adults", "fibre_households", "digital_identity_people",
        "vneid_level2_people", "payment_account_adults", "dvc_account_adults",
        "digital_signature_adults", "protection_software_people",
        "digital_skills_working_age", "support_sessions")


# -- drill-down -------------------------------------------------------------------------


def test_the_records_behind_a_figure(commune: Commune) -> None:
    p = commune.people
    with commune.db.reading(TESTER) as session:
        owners = records_behind(session, "smartphone_adults", ON)
        fibre = records_behind(session, "fibre_households", ON)
        sessions = records_behind(session, "support_sessions", ON)
        nothing = records_behind(session, "support_sessions", ON, part="denominator")
    assert set(owners) == {p["an"], p["khanh"], p["man_retired"], p["quang"]}
    assert set(fibre) == {commune.households["h1"], commune.households["h5"]}
    assert set(sessions) == {commune.sessions[s] for s in ("s1", "s2", "s3")}
    assert nothing == []


@pytest.mark.parametrize("on", [ON, ON_2026, date(2024, 2, 29), date.today()])
@pytest.mark.parametrize("where", [None, "hang", "dong_tam"])
def test_records_behind_agree_with_the_figures(commune: Commune, on: date,
                                               where: str | None) -> None:
    village = commune.villages[where] if where else None
    with commune.db.reading(TESTER) as session:
        for item in compute(session, on, village):
            numerator = records_behind(session, item.id, on, village, "numerator")
            denominator = records_behind(session, item.id, on, village, "denominator")
            assert len(numerator) == len(set(numerator)) == item.numerator, item.id
            assert len(denominator) == (item.denominator or 0), item.id
            assert set(numerator) <= set(denominator) or item.denominator is None, item.id


def test_an_unknown_indicator_is_refused(commune: Commune) -> None:
    with commune.db.reading(TESTER) as session, pytest.raises(ValueError, match="unknown"):
        records_behind(session, "smartphones", ON)


def test_sql_age_groups_match_the_python_rules(db: Database) -> None:
    """Hundreds of birth dates around month ends and 29 February, counted both ways."""
    rng = random.Random(7)
    village = _village_ids(db)["hang"]
    births = [date(1950, 1, 1) + timedelta(days=rng.randrange(0, 27_000)) for _ in range(300)]
    births += [date(y, 2, 29) for y in (1964, 1968, 2004, 2008, 2012)]
    births += [date(y, m, d) for y in (1964, 1968, 2007, 2010) for m, d in
               ((2, 28), (3, 1), (3, 31), (4, 1), (10, 31), (11, 1), (6, 30), (7, 1))]
    batch = [PersonInput(f"P {i}", rng.choice(["male", "female"]), village,
                         birth_date=None if i % 5 == 0 else born,
                         birth_year=born.year if i % 5 == 0 else None)
             for i, born in enumerate(births)]
    with db.transaction(as_actor(ACTOR)) as session:
        ids = people.add_people(session, batch)
    person = dict(zip(ids, batch))
    for on in (date(2024, 2, 29), date(2025, 2, 28), date(2025, 6, 30), date(2025, 7, 1),
               date(2026, 6, 30), date(2030, 12, 31)):
        with db.reading(TESTER) as session:
            got = {part: set(records_behind(session, ind, on, part="denominator"))
                   for part, ind in (("adult", "smartphone_adults"),
                                     ("14", "digital_identity_people"),
                                     ("working", "digital_skills_working_age"))}
        for pid, data in person.items():
            born = ages.effective_birth_date(data.birth_date, data.birth_year)
            assert born is not None
            assert (pid in got["adult"]) == ages.is_adult(born, on), (born, on)
            assert (pid in got["14"]) == ages.is_aged_14_plus(born, on), (born, on)
            assert (pid in got["working"]) == ages.is_working_age(born, data.gender, on)


# -- breakdowns -------------------------------------------------------------------------


def test_vneid_breakdown(commune: Commune) -> None:
    statuses = {"an": ("activated", 2), "khanh": ("activated", 1), "ha": ("registered", 1),
                "quang": ("failed", None), "deleted": ("activated", 2), "quoc": ("guided", None)}
    with commune.db.transaction(as_actor(ACTOR)) as session:
        for name, (status, level) in statuses.items():
            row = session.get(Person, commune.people[name])
            assert row is not None
            row.vneid_status, row.vneid_level = status, level
    with commune.db.reading(TESTER) as session:
        result = indicators.vneid_breakdown(session, on=ON)
        village = indicators.vneid_breakdown(session, commune.villages["dong_tam"], on=ON)
    # The deleted person is not counted; quoc (a child) has a status all the same.
    assert result == {"by_status": {"activated": 2, "registered": 1, "failed": 1, "guided": 1},
                      "by_level": {2: 1, 1: 2},
                      # 16 people aged 14+, of whom an, khanh, ha, quang have a status.
                      "none": 12}
    assert village == {"by_status": {"failed": 1, "guided": 1}, "by_level": {},
                       "none": 1}  # quyen


def test_sessions_breakdown(commune: Commune) -> None:
    hang, dong_tam = commune.villages["hang"], commune.villages["dong_tam"]
    with commune.db.reading(TESTER) as session:
        june = indicators.sessions_breakdown(session, date(2025, 6, 1), date(2025, 6, 30))
        hang_only = indicators.sessions_breakdown(session, date(2025, 5, 1), date(2025, 7, 31),
                                                  hang)
    assert june == {  # s1, s2, s3; s6 is deleted
        "sessions": 3,
        "by_topic": {"vneid_install": 2, "smartphone": 1, "online_payment": 1},
        "by_member": {M1: 2, M2: 2},
        "by_village": {hang: 2, dong_tam: 1},
    }
    assert hang_only == {  # s1, s2, s4, s5
        "sessions": 4,
        "by_topic": {"vneid_install": 4, "smartphone": 1},
        "by_member": {M1: 4, M2: 1},
        "by_village": {hang: 4},
    }


def test_sessions_breakdown_follows_edits_of_a_session(commune: Commune) -> None:
    """The breakdown counts topic and helper rows by the session's date, village and
    liveness copied onto them: moving, deleting or re-topicking a session moves its
    rows in the counts at once."""
    hang, dong_tam = commune.villages["hang"], commune.villages["dong_tam"]
    with commune.db.transaction(as_actor(ACTOR)) as session:
        s1 = session.get(SupportSession, commune.sessions["s1"])
        s3 = session.get(SupportSession, commune.sessions["s3"])
        assert s1 is not None and s3 is not None
        s1.held_on = date(2025, 7, 2)  # out of June (as a remote edit would)
        s3.village_id = hang
        s3.topics = ["online_payment", "smartphone"]
        sessions.remove(session, SessionId(commune.sessions["s2"]))
    with commune.db.reading(TESTER) as session:
        june = indicators.sessions_breakdown(session, date(2025, 6, 1), date(2025, 6, 30))
        july = indicators.sessions_breakdown(session, date(2025, 7, 1), date(2025, 7, 31),
                                             hang)
    assert june == {"sessions": 1, "by_topic": {"online_payment": 1, "smartphone": 1},
                    "by_member": {M2: 1}, "by_village": {hang: 1}}
    assert dong_tam not in june["by_village"]
    assert july == {"sessions": 2, "by_topic": {"vneid_install": 2, "smartphone": 1},
                    "by_member": {M1: 2}, "by_village": {hang: 2}}  # s1 and s5


# -- the command line -------------------------------------------------------------------


def cdsxa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE}
    env.pop("CDSXA_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cdsxa", "indicators", *args],
                          capture_output=True, text=True, env=env, timeout=180)


def test_cli_json_matches_compute(commune: Commune, data_dir: Path) -> None:
    result = cdsxa("--json", "--date", "2025-06-30", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    with commune.db.reading(TESTER) as session:
        expected = compute(session, ON)
    assert [{k: row[k] for k in ("id", "numerator", "denominator", "value",
                                 "denominator_source")} for row in printed] == [
        {"id": i.id, "numerator": i.numerator, "denominator": i.denominator, "value": i.value,
         "denominator_source": i.denominator_source} for i in expected]
    assert printed[0]["label"] == "Người trưởng thành có điện thoại thông minh"


def test_cli_village_and_profile(commune: Commune, data_dir: Path) -> None:
    result = cdsxa("--json", "--date", "2025-06-30", "--village", "ban hang",
                   "--denominators", "profile", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    smartphone = json.loads(result.stdout)[0]
    assert (smartphone["numerator"], smartphone["denominator"],
            smartphone["denominator_source"]) == (3, 11, "register")


def test_cli_table_is_vietnamese(commune: Commune, data_dir: Path) -> None:
    result = cdsxa("--date", "2025-06-30", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "Xã Mường Lát, ngày 30/06/2025" in result.stdout
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("Người trưởng thành có đ"))
    assert "4/13" in line and "30,8%" in line and "sổ dân cư" in line
    assert "Lượt hỗ trợ người dân trong tháng 06/2025" in result.stdout


def test_cli_unknown_village_is_one_line(commune: Commune, data_dir: Path) -> None:
    result = cdsxa("--village", "Bản Không Có", "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert result.stderr.strip() == "cdsxa: Không có thôn/bản “Bản Không Có” trong xã."
    assert result.stdout == ""


def test_cli_without_a_profile_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    result = cdsxa("--json", "--data-dir", str(target))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Không có hồ sơ xã" in result.stderr
    assert not (target / "cdsxa.sqlite3").exists()


def test_cli_on_a_folder_with_a_database_but_no_profile(tmp_path: Path) -> None:
    open_database(tmp_path / "bare", keys.create(tmp_path / "bare", PASSPHRASE).key).close()
    result = cdsxa("--data-dir", str(tmp_path / "bare"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"cdsxa: Không có hồ sơ xã tại {tmp_path / 'bare'}."


def test_percent_text() -> None:
    from cdsxa.cli.indicators import percent_text

    assert percent_text(72.5) == "72,5%"
    assert percent_text(0.0) == "0,0%"
    assert percent_text(None) == "—"
