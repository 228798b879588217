"""Demo daily work for the demo people: teams, training, outcomes, VNeID, sessions.

Built as rows written by cdsxa.db.bulk (the change-log hook's path for many
records: the same stamps, entries and audit rows) rather than one service call or
ORM object per session, so the large demo (300,000+ sessions) takes minutes, not
hours. Every outcome reached by a session names that session, as the services do.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnClause, literal_column, select
from sqlalchemy.orm import Session

from cdsxa.common.principal import Principal
from cdsxa.common.text import fold
from cdsxa.db import bulk
from cdsxa.db.activity import (
    GroupSession,
    SupportSession,
    SupportSessionMember,
    SupportSessionTopic,
    Team,
    TeamMember,
    Training,
    VneidStep,
)
from cdsxa.db.engine import Database
from cdsxa.db.links import link_id
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


def _age(person: Any, today: date) -> int:
    born = person.birth_date or date(person.birth_year or today.year, 7, 1)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


Row = dict[str, object]


class _Work:
    """The demo's work as rows, by table, for cdsxa.db.bulk (what the ORM objects
    would have held, with their list items made as cdsxa.db.links.assign makes them)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.members: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.sessions = self.outcomes = 0
        self.rows: dict[type[object], list[Row]] = {model: [] for model in _ORDER}
        self.vneid_states: dict[uuid.UUID, dict[str, object]] = {}

    def day(self, within: int = 730) -> date:
        return self.today - timedelta(days=self.rng.randrange(within))

    def helper(self, village_id: uuid.UUID) -> str:
        return str(self.rng.choice(self.members[village_id]))

    def session(self, citizen: _Citizen, held_on: date, topics: list[str],
                result: str = "done") -> uuid.UUID:
        self.sessions += 1
        session_id = uuid.uuid4()
        helper = uuid.UUID(self.helper(citizen.village_id))
        self.rows[SupportSession].append({
            "id": session_id, "held_on": held_on, "village_id": citizen.village_id,
            "person_id": citizen.id, "result": result,
            "minutes": self.rng.choice([5, 10, 10, 15, 15, 20, 30]),
            "reason": "Chưa có CCCD gắn chip" if result == "not_possible" else None,
            "notes": None})
        for position, code in enumerate(dict.fromkeys(topics)):
            self.rows[SupportSessionTopic].append({
                "id": link_id("support_session_topic", session_id, code),
                "session_id": session_id, "topic_code": code, "position": position})
        self.rows[SupportSessionMember].append({
            "id": link_id("support_session_member", session_id, helper),
            "session_id": session_id, "member_id": helper, "position": 0})
        return session_id

    def outcome(self, citizen: _Citizen, kind: str, reached_on: date | None,
                session_id: uuid.UUID | None = None) -> None:
        self.rows[PersonOutcome].append({"id": uuid.uuid4(), "person_id": citizen.id,
                                         "kind": kind, "reached_on": reached_on,
                                         "session_id": session_id})

    def reached(self, citizen: _Citizen, kind: str) -> None:
        """An outcome, usually reached in a session (which is created with it)."""
        self.outcomes += 1
        if kind in OUTCOME_TOPIC and self.rng.random() < 0.75:
            held_on = self.day()
            self.outcome(citizen, kind, held_on, self.session(citizen, held_on,
                                                              [OUTCOME_TOPIC[kind]]))
            return
        known = self.rng.random() < 0.5  # a survey often knows "yes" but not when
        self.outcome(citizen, kind, self.day(1500) if known else None)

    def step(self, citizen: _Citizen, step: str, taken_on: date, level: int | None = None,
             member_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None,
             failure_reason: str | None = None) -> None:
        self.rows[VneidStep].append({
            "id": uuid.uuid4(), "person_id": citizen.id, "step": step, "level": level,
            "taken_on": taken_on, "member_id": member_id, "session_id": session_id,
            "failure_reason": failure_reason, "note": None})

    def vneid(self, citizen: _Citizen) -> None:
        roll = self.rng.random()
        if roll > 0.93:
            return
        registered_on = self.day(900)
        level = 2 if self.rng.random() < 0.8 else 1
        support = self.session(citizen, registered_on, ["vneid_install", "vneid_register"])
        helper = self.rows[SupportSessionMember][-1]["member_id"]
        self.step(citizen, "registered", registered_on, level, helper, support)  # type: ignore[arg-type]
        status, status_on = "registered", registered_on
        if roll < 0.82:
            activated_on = min(self.today, registered_on + timedelta(days=self.rng.randint(3, 25)))
            self.step(citizen, "activated", activated_on, level)
            status, status_on = "activated", activated_on
        elif roll > 0.9:
            self.step(citizen, "failed", registered_on, failure_reason=self.rng.choice(
                ["no_chip_card", "wrong_phone", "face_not_recognised"]))
            status = "failed"
        self.vneid_states[citizen.id] = {"vneid_status": status, "vneid_status_on": status_on,
                                         "vneid_level": level}

    def citizen_work(self, citizen: _Citizen) -> None:
        if citizen.age >= 14:
            self.vneid(citizen)
        if citizen.age < 15:
            return
        owned = set()
        for kind, share in OUTCOME_SHARE.items():
            adult_share = share if citizen.age >= 18 else share / 2
            if citizen.age < 65 and self.rng.random() < adult_share:
                self.reached(citizen, kind)
                owned.add(kind)
        if "smartphone" in owned and self.rng.random() < 0.6:
            self.reached(citizen, "protection_software")
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
            self.session(citizen, self.day(), [self.rng.choice(EXTRA_TOPICS)],
                         self.rng.choice(["done", "done", "done", "partial", "not_possible"]))

    def write(self, session: Session) -> None:
        """The rows made so far, parents first, then the people's VNeID state."""
        for model in _ORDER:
            bulk.insert_records(session, model, self.rows[model])
            self.rows[model] = []
        bulk.update_records(session, Person, self.vneid_states)
        self.vneid_states = {}


# Parents before the rows that copy from them (cdsxa.db.copies).
_ORDER: tuple[type[object], ...] = (SupportSession, SupportSessionTopic, SupportSessionMember,
                                    PersonOutcome, VneidStep)


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
            # Columns, not records: the work is written as rows (cdsxa.db.bulk).
            batch = session.execute(select(Person.id, Person.village_id, Person.birth_date,
                                           Person.birth_year).where(Person.id.in_(chunk))
                                    .order_by(INSERTION_ORDER))
            for person in batch:
                work.citizen_work(_Citizen(person.id, person.village_id, _age(person, today)))
            work.write(session)
            households = session.execute(select(Household.id, Household.has_fibre).where(
                Household.id.in_(select(Person.household_id).where(Person.id.in_(chunk))))
                .order_by(Household.code))
            fibre: dict[uuid.UUID, dict[str, object]] = {}
            for household in households:
                if not household.has_fibre and rng.random() < 0.7:
                    fibre[household.id] = {
                        "has_fibre": True,
                        "fibre_since": work.day(1500) if rng.random() < 0.6 else None}
            bulk.update_records(session, Household, fibre)
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
