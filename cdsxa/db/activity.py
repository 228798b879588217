"""Tables of the daily work: teams, the topic catalogue, support sessions, VNeID steps."""

import uuid
from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cdsxa.db.base import Base, Travelling


class Team(Travelling, Base):
    """A village's community digital technology team (Tổ công nghệ số cộng đồng)."""

    __tablename__ = "team"

    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    established_on: Mapped[date | None] = mapped_column(Date)


class TeamMember(Travelling, Base):
    __tablename__ = "team_member"

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(150))
    name_key: Mapped[str] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(100))  # tổ trưởng, tổ phó, thành viên
    organisation: Mapped[str] = mapped_column(String(40))  # see activity.ORGANISATIONS
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))


class Training(Travelling, Base):
    """A course a team member attended."""

    __tablename__ = "training"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team_member.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)


class Topic(Base):
    """The catalogue of support topics. Province reference data, not commune records:
    it ships with the app and the province extends it by sync later."""

    __tablename__ = "topic"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(150))  # Vietnamese, as printed
    name_en: Mapped[str] = mapped_column(String(150))
    category: Mapped[str] = mapped_column(String(20))  # basic_skill, sector, vneid, service, other
    # The outcome a successful session on this topic reaches, if any.
    outcome: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SupportSession(Travelling, Base):
    """One-to-one help given to a citizen. Topics and helpers travel with it as lists,
    so a session is one record that changes (and syncs) as a whole."""

    __tablename__ = "support_session"
    __table_args__ = (
        Index("ix_support_session_held", "deleted", "held_on"),
        Index("ix_support_session_village", "village_id", "held_on"),
    )

    held_on: Mapped[date] = mapped_column(Date)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"))
    # None once the person was erased at their request: the work still counts.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    topics: Mapped[list[str]] = mapped_column(JSON)
    member_ids: Mapped[list[str]] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(20))  # done, partial, not_possible
    reason: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)


class GroupSession(Travelling, Base):
    """A class at the cultural house: named attendees, or a head count."""

    __tablename__ = "group_session"
    __table_args__ = (Index("ix_group_session_held", "deleted", "held_on"),)

    held_on: Mapped[date] = mapped_column(Date)
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))
    place: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(40))
    trainer_ids: Mapped[list[str]] = mapped_column(JSON)
    attendee_ids: Mapped[list[str]] = mapped_column(JSON)
    attendee_count: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)


class VneidStep(Travelling, Base):
    """A dated step of a person's VNeID: guided, registered, approved, activated, failed."""

    __tablename__ = "vneid_step"
    __table_args__ = (
        Index("ix_vneid_step_person", "person_id", "taken_on"),
        Index("ix_vneid_step_counting", "step", "deleted", "taken_on"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    step: Mapped[str] = mapped_column(String(20))
    level: Mapped[int | None]
    taken_on: Mapped[date] = mapped_column(Date)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team_member.id"))
    session_id: Mapped[uuid.UUID | None]
    failure_reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
