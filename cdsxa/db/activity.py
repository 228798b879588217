"""Tables of the daily work: teams, the topic catalogue, support sessions, VNeID steps."""

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cdsxa.db.base import Base, Travelling
from cdsxa.db.links import assign, link_id_default, live_items


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
    """One-to-one help given to a citizen. Its topics and helpers are rows of their
    own (support_session_topic, support_session_member), so two PCs changing one
    session's lists merge item by item; `topics` and `member_ids` read and set them
    as lists (see cdsxa.db.links)."""

    __tablename__ = "support_session"
    __table_args__ = (
        Index("ix_support_session_held", "deleted", "held_on"),
        Index("ix_support_session_village", "village_id", "held_on"),
        # A commune's sessions in a date range, with what the breakdowns group and
        # join by, read from the index alone (cdsxa.counting.breakdowns).
        Index("ix_support_session_counting", "commune_code", "deleted", "held_on",
              "village_id", "id"),
        # Sessions per village in a date range: one range count per village.
        Index("ix_support_session_village_counting", "commune_code", "deleted", "village_id",
              "held_on"),
    )

    held_on: Mapped[date] = mapped_column(Date)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"))
    # None once the person was erased at their request: the work still counts.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))  # done, partial, not_possible
    reason: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)

    # Every row, soft-deleted ones too (an item added again brings its row back).
    topic_links: Mapped[list["SupportSessionTopic"]] = relationship(
        lazy="selectin", back_populates="parent")
    member_links: Mapped[list["SupportSessionMember"]] = relationship(
        lazy="selectin", back_populates="parent")

    @property
    def topics(self) -> list[str]:
        """Topic codes, in the order they were entered."""
        return live_items(self.topic_links, _topic_code)

    @topics.setter
    def topics(self, codes: Iterable[str]) -> None:
        assign(self.topic_links, list(codes), _topic_code,
               lambda code, position: SupportSessionTopic(topic_code=code, position=position))

    @property
    def member_ids(self) -> list[str]:
        """Team member ids (as text), in the order they were entered: the first helped."""
        return [str(m) for m in live_items(self.member_links, _member_id)]

    @member_ids.setter
    def member_ids(self, ids: Iterable[str | uuid.UUID]) -> None:
        assign(self.member_links, [uuid.UUID(str(m)) for m in ids], _member_id,
               lambda m, position: SupportSessionMember(member_id=m, position=position))


class GroupSession(Travelling, Base):
    """A class at the cultural house: named attendees, or a head count. Trainers and
    attendees are rows of their own (group_session_trainer, group_session_attendee);
    `trainer_ids` and `attendee_ids` read and set them as lists."""

    __tablename__ = "group_session"
    __table_args__ = (Index("ix_group_session_held", "deleted", "held_on"),)

    held_on: Mapped[date] = mapped_column(Date)
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))
    place: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(40))
    attendee_count: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)

    trainer_links: Mapped[list["GroupSessionTrainer"]] = relationship(lazy="selectin")
    attendee_links: Mapped[list["GroupSessionAttendee"]] = relationship(lazy="selectin")

    @property
    def trainer_ids(self) -> list[str]:
        return [str(m) for m in live_items(self.trainer_links, _member_id)]

    @trainer_ids.setter
    def trainer_ids(self, ids: Iterable[str | uuid.UUID]) -> None:
        assign(self.trainer_links, [uuid.UUID(str(m)) for m in ids], _member_id,
               lambda m, position: GroupSessionTrainer(member_id=m, position=position))

    @property
    def attendee_ids(self) -> list[str]:
        return [str(p) for p in live_items(self.attendee_links, _person_id)]

    @attendee_ids.setter
    def attendee_ids(self, ids: Iterable[str | uuid.UUID]) -> None:
        assign(self.attendee_links, [uuid.UUID(str(p)) for p in ids], _person_id,
               lambda p, position: GroupSessionAttendee(person_id=p, position=position))


# A session's date, village and liveness copied onto its topic and helper rows
# (kept by cdsxa.db.copies), so that sessions per topic or helper in a date range
# are one range count each in the index: no session looked up per row. Index
# order: commune_code, deleted, session_deleted, <item>, session_held_on, ...
_SESSION_COUNTING = ("commune_code", "deleted", "session_deleted", "session_held_on",
                     "session_village_id")


def _live_unique(name: str, parent: str, item: str) -> Index:
    """One live row per item of a list (removed items stay, soft-deleted)."""
    return Index(name, parent, item, unique=True, sqlite_where=text("deleted = 0"),
                 postgresql_where=text("deleted = false"))


class SupportSessionTopic(Travelling, Base):
    """A topic of a one-to-one session."""

    __tablename__ = "support_session_topic"
    __table_args__ = (
        _live_unique("uq_support_session_topic_live", "session_id", "topic_code"),
        # Sessions per topic (the dashboards' breakdown).
        Index("ix_support_session_topic_counting", *_SESSION_COUNTING[:3], "topic_code",
              *_SESSION_COUNTING[3:]),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True,
        default=link_id_default("support_session_topic", "session_id", "topic_code"))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_session.id"), index=True)
    topic_code: Mapped[str] = mapped_column(String(40), ForeignKey("topic.code"))
    position: Mapped[int] = mapped_column(Integer)
    parent: Mapped[SupportSession] = relationship(back_populates="topic_links")
    session_held_on: Mapped[date | None] = mapped_column(Date)
    session_village_id: Mapped[uuid.UUID | None]
    session_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SupportSessionMember(Travelling, Base):
    """A team member who gave a one-to-one session (the first listed led it)."""

    __tablename__ = "support_session_member"
    __table_args__ = (
        _live_unique("uq_support_session_member_live", "session_id", "member_id"),
        # Sessions per team member (the dashboards' breakdown).
        Index("ix_support_session_member_counting", *_SESSION_COUNTING[:3], "member_id",
              *_SESSION_COUNTING[3:]),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True,
        default=link_id_default("support_session_member", "session_id", "member_id"))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_session.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team_member.id"))
    position: Mapped[int] = mapped_column(Integer)
    parent: Mapped[SupportSession] = relationship(back_populates="member_links")
    session_held_on: Mapped[date | None] = mapped_column(Date)
    session_village_id: Mapped[uuid.UUID | None]
    session_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class GroupSessionTrainer(Travelling, Base):
    """A team member who taught a class."""

    __tablename__ = "group_session_trainer"
    __table_args__ = (
        _live_unique("uq_group_session_trainer_live", "group_session_id", "member_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True,
        default=link_id_default("group_session_trainer", "group_session_id", "member_id"))
    group_session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_session.id"),
                                                        index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team_member.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)


class GroupSessionAttendee(Travelling, Base):
    """A person from the register who attended a class. Erasing the person deletes
    the row for good (cdsxa.register.erase); the class's head count stays."""

    __tablename__ = "group_session_attendee"
    __table_args__ = (
        _live_unique("uq_group_session_attendee_live", "group_session_id", "person_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True,
        default=link_id_default("group_session_attendee", "group_session_id", "person_id"))
    group_session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_session.id"),
                                                        index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)


def _topic_code(link: SupportSessionTopic) -> str:
    return link.topic_code


def _member_id(link: SupportSessionMember | GroupSessionTrainer) -> uuid.UUID:
    return link.member_id


def _person_id(link: GroupSessionAttendee) -> uuid.UUID:
    return link.person_id


class VneidStep(Travelling, Base):
    """A dated step of a person's VNeID: guided, registered, approved, activated, failed."""

    __tablename__ = "vneid_step"
    __table_args__ = (
        Index("ix_vneid_step_person", "person_id", "taken_on"),
        # A commune's activations grouped by person, and one person's, read from the
        # index alone (cdsxa.counting.totals).
        Index("ix_vneid_step_counting", "commune_code", "step", "deleted", "person_deleted",
              "person_id", "taken_on", "level", "person_birth_date"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    step: Mapped[str] = mapped_column(String(20))
    level: Mapped[int | None]
    taken_on: Mapped[date] = mapped_column(Date)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team_member.id"))
    session_id: Mapped[uuid.UUID | None]
    failure_reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    # The person's counting_birth_date and deleted flag, copied so that counting
    # need not look each person up (kept by cdsxa.db.copies).
    person_birth_date: Mapped[date | None] = mapped_column(Date)
    person_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
