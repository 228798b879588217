"""Demo daily work for the demo people: teams, training, outcomes, VNeID, sessions.

Built as rows (through the change-log hook like everything else) rather than one
service call per session, so the large demo (300,000+ sessions) takes minutes, not
hours. Every outcome reached by a session names that session, as the services do.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnClause, literal_column, select
from sqlalchemy.orm import Session

from cdsxa.common.principal import Principal
from cdsxa.common.text import fold
from cdsxa.db.activity import GroupSession, SupportSession, Team, TeamMember, Training, VneidStep
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person, PersonOutcome
from cdsxa.register import villages
from cdsxa.register.villages import VillageView

ORGANISATION_MIX = ["village_head", "party_cell", "youth_union", "youth_union",
                    "womens_union", "farmers_union", "fatherland_front", "police", "other"]
# Share of adults reaching each outcome, roughly as Thanh Hóa reported for 2023-24.
OUTCOME_SHARE = {"smartphone": 0.78, "payment_account": 0.62, "dvc_account": 0.58,
                 "digital_signature": 0.32, "digital_skills": 0.6}
OUTCOME_TOPIC = {"payment_account": "payment_account", "dvc_account": "dvc_account",
                 "digital_signature": "digital_signature", "digital_skills": "digital_skills",
                 "protection_software": "protection_software"}
INSERTION_ORDER: ColumnClause[int] = literal_column("person.rowid")
EXTRA_TOPICS = ["online_shopping", "fraud_awareness", "dvc_skills", "online_payment",
                "sector_agriculture", "sector_health", "health_record", "selling_online"]


@dataclass(frozen=True)
class WorkSummary:
    members: int
    sessions: int
    outcomes: int


@dataclass
class _Citizen:
    id: uuid.UUID
    village_id: uuid.UUID
    age: int


def _age(person: Person, today: date) -> int:
    born = person.birth_date or date(person.birth_year or today.year, 7, 1)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class _Work:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.members: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.sessions = self.outcomes = 0

    def day(self, within: int = 730) -> date:
        return self.today - timedelta(days=self.rng.randrange(within))

    def helper(self, village_id: uuid.UUID) -> str:
        return str(self.rng.choice(self.members[village_id]))

    def session(self, citizen: _Citizen, held_on: date, topics: list[str],
                result: str = "done") -> SupportSession:
        self.sessions += 1
        return SupportSession(
            id=uuid.uuid4(), held_on=held_on, village_id=citizen.village_id,
            person_id=citizen.id, topics=topics, member_ids=[self.helper(citizen.village_id)],
            result=result, minutes=self.rng.choice([5, 10, 10, 15, 15, 20, 30]),
            reason="Chưa có CCCD gắn chip" if result == "not_possible" else None)

    def reached(self, citizen: _Citizen, kind: str) -> list[object]:
        """An outcome, usually reached in a session (which is created with it)."""
        self.outcomes += 1
        if kind in OUTCOME_TOPIC and self.rng.random() < 0.75:
            held_on = self.day()
            support = self.session(citizen, held_on, [OUTCOME_TOPIC[kind]])
            return [support, PersonOutcome(person_id=citizen.id, kind=kind, reached_on=held_on,
                                           session_id=support.id)]
        known = self.rng.random() < 0.5  # a survey often knows "yes" but not when
        return [PersonOutcome(person_id=citizen.id, kind=kind,
                              reached_on=self.day(1500) if known else None)]

    def vneid(self, citizen: _Citizen, person: Person) -> list[object]:
        roll = self.rng.random()
        if roll > 0.93:
            return []
        registered_on = self.day(900)
        level = 2 if self.rng.random() < 0.8 else 1
        support = self.session(citizen, registered_on, ["vneid_install", "vneid_register"])
        rows: list[object] = [support, VneidStep(
            person_id=citizen.id, step="registered", level=level, taken_on=registered_on,
            member_id=uuid.UUID(support.member_ids[0]), session_id=support.id)]
        status, status_on = "registered", registered_on
        if roll < 0.82:
            activated_on = min(self.today, registered_on + timedelta(days=self.rng.randint(3, 25)))
            rows.append(VneidStep(person_id=citizen.id, step="activated", level=level,
                                  taken_on=activated_on))
            status, status_on = "activated", activated_on
        elif roll > 0.9:
            rows.append(VneidStep(person_id=citizen.id, step="failed", taken_on=registered_on,
                                  failure_reason=self.rng.choice(
                                      ["no_chip_card", "wrong_phone", "face_not_recognised"])))
            status = "failed"
        person.vneid_status, person.vneid_status_on, person.vneid_level = status, status_on, level
        return rows

    def citizen_rows(self, citizen: _Citizen, person: Person) -> list[object]:
        rows: list[object] = []
        if citizen.age >= 14:
            rows += self.vneid(citizen, person)
        if citizen.age < 15:
            return rows
        owned = set()
        for kind, share in OUTCOME_SHARE.items():
            adult_share = share if citizen.age >= 18 else share / 2
            if citizen.age < 65 and self.rng.random() < adult_share:
                rows += self.reached(citizen, kind)
                owned.add(kind)
        if "smartphone" in owned and self.rng.random() < 0.6:
            rows += self.reached(citizen, "protection_software")
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
            rows.append(self.session(citizen, self.day(), [self.rng.choice(EXTRA_TOPICS)],
                                     self.rng.choice(["done", "done", "done", "partial",
                                                      "not_possible"])))
        return rows


def _teams(session: Session, work: _Work, village_rows: list[VillageView],
           names: Iterator[str]) -> int:
    count = 0
    for village in village_rows:
        team = Team(id=uuid.uuid4(), village_id=village.id, name=f"Tổ CNSCĐ {village.name}",
                    established_on=date(2023, 3, 1))
        session.add(team)
        work.members[village.id] = []
        for index in range(work.rng.randint(6, 9)):
            name = next(names)
            member = TeamMember(id=uuid.uuid4(), team_id=team.id, full_name=name,
                                name_key=fold(name), organisation=work.rng.choice(ORGANISATION_MIX),
                                role="Tổ trưởng" if index == 0 else "Thành viên",
                                joined_on=date(2023, 3, 1))
            session.add(member)
            session.add(Training(member_id=member.id, course="Tập huấn kỹ năng số cộng đồng",
                                 held_on=date(2023, 4, 15), hours=8.0))
            work.members[village.id].append(member.id)
            count += 1
    return count


def fill(db: Database, rng: random.Random, today: date, names: Iterator[str],
         acting: Principal) -> WorkSummary:
    work = _Work(rng, today)
    with db.transaction(acting) as session:
        village_rows = villages.list_all(session)
        members = _teams(session, work, village_rows, names)
    village_ids = [v.id for v in village_rows]
    with db.reading(acting) as session:
        # Insertion order, so the same seed walks people in the same order.
        person_ids = list(session.scalars(select(Person.id).order_by(INSERTION_ORDER)))
    for start in range(0, len(person_ids), 2000):
        chunk = person_ids[start:start + 2000]
        with db.transaction(acting) as session:
            batch = session.scalars(select(Person).where(Person.id.in_(chunk))
                                    .order_by(INSERTION_ORDER))
            for person in batch:
                citizen = _Citizen(person.id, person.village_id, _age(person, today))
                session.add_all(work.citizen_rows(citizen, person))
            households = session.scalars(select(Household).where(
                Household.id.in_(select(Person.household_id).where(Person.id.in_(chunk))))
                .order_by(Household.code))
            for household in households:
                if not household.has_fibre and rng.random() < 0.7:
                    household.has_fibre = True
                    household.fibre_since = work.day(1500) if rng.random() < 0.6 else None
    with db.transaction(acting) as session:
        for village_id in village_ids:
            for _ in range(rng.randint(4, 10)):
                session.add(GroupSession(
                    held_on=work.day(), village_id=village_id, place="Nhà văn hóa",
                    topic=rng.choice(["fraud_awareness", "online_payment", "dvc_skills",
                                      "self_protection"]),
                    trainer_ids=[work.helper(village_id)], attendee_ids=[],
                    attendee_count=rng.randint(15, 60)))
    return WorkSummary(members, work.sessions, work.outcomes)
