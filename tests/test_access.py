"""Roles × actions, enforced in the services (issue 4, "Accounts and roles").

Every action is tried by the four roles. Allowed: it succeeds. Refused: it raises
AccessDenied with a Vietnamese message, and nothing was written even when the
transaction goes on to commit (the check comes before any write). The team
member in the matrix belongs to the village the action works on; the tests
after the matrix move them elsewhere, or leave them without a village.
"""

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import keyring
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.ids import MemberId, PersonId, SessionId, TeamId, VillageId
from cdsxa.commune import profile, settings
from cdsxa.commune.profile import FirstUser, Population, ProfileSetup, initialise
from cdsxa.counting import indicators
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Setting
from cdsxa.excel import people_import
from cdsxa.profile import paths
from cdsxa.register import people, search, teams, villages
from cdsxa.security import keys
from cdsxa.security.access import AccessDenied, Principal, Role
from cdsxa.security.keys import DataKey
from cdsxa.support import sessions, vneid
from cdsxa.sync import outbox, status
from tests.conftest import TESTER, MemoryKeyring, muong_lat_code
from tests.helpers import person, village

TODAY = date(2025, 6, 1)
ADMIN, OFFICER, TEAM, VIEWER = Role.ADMIN, Role.OFFICER, Role.TEAM_MEMBER, Role.VIEWER
EVERYONE = frozenset(Role)
PERSONAL = frozenset({ADMIN, OFFICER, TEAM})  # records and personal data (team: own village)
OFFICE = frozenset({ADMIN, OFFICER})  # imports
ADMIN_ONLY = frozenset({ADMIN})


@dataclass(frozen=True)
class World:
    """Bản Hang and Thôn Đồng Tâm each with a citizen, a team member and a session;
    Bản Mới with nobody and no team; a previewed Excel list."""

    hang: VillageId
    dong_tam: VillageId
    new_village: VillageId
    citizen: PersonId  # in Bản Hang
    neighbour: PersonId  # in Thôn Đồng Tâm
    team_hang: TeamId
    team_dong_tam: TeamId
    member_hang: MemberId
    member_dong_tam: MemberId
    session_hang: SessionId
    session_dong_tam: SessionId
    sheet: people_import.Sheet
    preview: people_import.ImportPreview


def write_list(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Thôn/bản"])
    sheet.append(["Lò Văn Pọm", 1980, "Nam", "Bản Hang"])
    sheet.append(["Hà Thị Lan", 1992, "Nữ", "Thôn Đồng Tâm"])
    book.save(path)
    return path


@dataclass(frozen=True)
class Template:
    """A profile with the world in it, built once and copied for each test."""

    data_dir: Path
    key: DataKey
    commune_code: int | None
    world: World


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    # The autouse keyring fixture is per test; a module's fixture brings its own.
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        folder = tmp_path_factory.mktemp("access")
        data_dir = folder / "profile"
        key = keys.create(data_dir).key
        database = initialise(data_dir, ProfileSetup(
            province_code=38, commune_code=muong_lat_code(),
            village_names=["Bản Hang", "Thôn Đồng Tâm"],
            population=Population(2025, residents=1000, adults=700),
            user=FirstUser("Lò Văn Tâm", "Công chức")), key, TESTER)
        try:
            world = build_world(database, folder)
        finally:
            database.close()
    finally:
        keyring.set_keyring(previous)
    return Template(data_dir, key, database.commune_code, world)


@pytest.fixture
def db(template: Template, tmp_path: Path) -> Iterator[Database]:
    """A copy of the template profile, acting as the administrator "test"."""
    copy = tmp_path / "profile"
    shutil.copytree(template.data_dir, copy)
    database = Database(paths.database_path(copy), template.key, template.commune_code)
    yield database
    database.close()


@pytest.fixture
def world(template: Template) -> World:
    return template.world


def build_world(db: Database, folder: Path) -> World:
    hang, dong_tam = village(db), village(db, "Thôn Đồng Tâm")
    citizen = person(db, "Lò Thị Mai", phone="0912345678")
    neighbour = person(db, "Hà Văn Dũng", gender="male", village_name="Thôn Đồng Tâm",
                       phone="0987654321")
    with db.transaction(TESTER) as session:
        new_village = villages.add(session, "Bản Mới")
        team_hang = teams.team_of_village(session, hang)
        team_dong_tam = teams.team_of_village(session, dong_tam)
        member_hang = teams.add_member(session, team_hang, teams.MemberInput(
            "Hà Văn Sơn", "youth_union", phone="0901234567"))
        member_dong_tam = teams.add_member(session, team_dong_tam, teams.MemberInput(
            "Vi Thị Hoa", "womens_union", phone="0977654321"))
        session_hang = _session(session, citizen)
        session_dong_tam = _session(session, neighbour)
    sheet = people_import.read_sheet(write_list(folder / "ds.xlsx"))
    with db.reading(TESTER) as session:
        preview = people_import.preview(session, sheet, today=TODAY)
    return World(hang, dong_tam, new_village, citizen, neighbour, team_hang, team_dong_tam,
                 member_hang, member_dong_tam, session_hang, session_dong_tam, sheet, preview)


def _session(session: Session, citizen: PersonId) -> SessionId:
    return sessions.record(session, sessions.SessionInput(
        held_on=TODAY, person_id=citizen, topics=["payment_account"], result="done"))


def principal(role: Role, village_id: uuid.UUID | None = None) -> Principal:
    """A signed-in user; only a team member keeps the village given."""
    return Principal(f"user:{role.value}", role, uuid.uuid4(),
                     village_id if role is TEAM else None, f"Người dùng {role.value}")


Snapshot = tuple[int, int, dict[str, str]]


def written(db: Database) -> Snapshot:
    """What a refused action must leave unchanged: the change log, the audit log and
    the settings."""
    with db.reading(TESTER) as session:
        changes = session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        stored = {key: value for key, value in session.execute(
            select(Setting.key, Setting.value))}
    return changes, events, stored


def assert_vietnamese_refusal(exc: AccessDenied) -> None:
    assert "được" in exc.message and not exc.message.isascii()


# The matrix --------------------------------------------------------------------------------

Run = Callable[[Session, World], Any]


@dataclass(frozen=True)
class Action:
    name: str
    run: Run
    allowed: frozenset[Role]
    writes: bool = False
    village: str = "hang"  # the World field naming the village it works on

    def __str__(self) -> str:
        return self.name


def _record_step(session: Session, w: World) -> None:
    vneid.record_step(session, w.citizen, "guided", TODAY)


def _record_group(session: Session, w: World) -> None:
    sessions.record_group(session, sessions.GroupInput(
        held_on=TODAY, topic="online_payment", village_id=w.hang, attendee_ids=[w.citizen],
        trainer_ids=[w.member_hang]))


def _add_member(session: Session, w: World) -> None:
    teams.add_member(session, w.team_hang, teams.MemberInput("Lò Văn Tú", "other"))


def _preview(session: Session, w: World) -> None:
    people_import.preview(session, w.sheet, today=TODAY)


ACTIONS = [
    # Personal data: people, sessions with names, worklists, drill-down.
    Action("search_people", lambda s, w: search.search_people(s, "Lò"), PERSONAL),
    Action("count_people", lambda s, w: search.count_people(s, ""), PERSONAL),
    Action("recent_sessions", lambda s, w: sessions.recent(s), PERSONAL),
    Action("vneid_pending", lambda s, w: vneid.pending_activation(s), PERSONAL),
    Action("vneid_without_account", lambda s, w: vneid.without_account(s, TODAY), PERSONAL),
    Action("vneid_history", lambda s, w: vneid.history(s, w.citizen), PERSONAL),
    Action("records_behind", lambda s, w: indicators.records_behind(
        s, "payment_account_adults", TODAY), PERSONAL),
    # Counts and reports: anyone.
    Action("compute", lambda s, w: indicators.compute(s, TODAY), EVERYONE),
    Action("compute_village", lambda s, w: indicators.compute(s, TODAY, w.dong_tam), EVERYONE),
    Action("vneid_breakdown", lambda s, w: indicators.vneid_breakdown(s), EVERYONE),
    Action("sessions_breakdown", lambda s, w: indicators.sessions_breakdown(
        s, TODAY, TODAY), EVERYONE),
    Action("list_teams", lambda s, w: teams.list_teams(s), EVERYONE),
    Action("members", lambda s, w: teams.members(s), EVERYONE),
    Action("villages_list", lambda s, w: villages.list_all(s), EVERYONE),
    Action("sync_status", lambda s, w: status.state(s), EVERYONE),
    Action("profile_load", lambda s, w: profile.load(s), EVERYONE),
    # Sending is the administrator's.
    Action("sync_outbox", lambda s, w: outbox.pending(s), ADMIN_ONLY),
    # The commune's structure.
    Action("village_add", lambda s, w: villages.add(s, "Bản Pù Quăn"), OFFICE, writes=True),
    Action("village_rename", lambda s, w: villages.rename(s, w.new_village, "Bản Mới Lập"),
           ADMIN_ONLY, writes=True),
    Action("village_merge", lambda s, w: villages.merge(s, w.new_village, w.hang),
           ADMIN_ONLY, writes=True),
    Action("village_remove", lambda s, w: villages.remove(s, w.new_village), ADMIN_ONLY,
           writes=True),
    # Records of a village.
    Action("session_record", lambda s, w: _session(s, w.citizen), PERSONAL, writes=True),
    Action("session_group", _record_group, PERSONAL, writes=True),
    Action("session_remove", lambda s, w: sessions.remove(s, w.session_hang), PERSONAL,
           writes=True),
    Action("vneid_step", _record_step, PERSONAL, writes=True),
    Action("team_create", lambda s, w: teams.create_team(s, w.new_village), PERSONAL,
           writes=True, village="new_village"),
    Action("team_missing", lambda s, w: teams.create_missing_teams(s), PERSONAL, writes=True,
           village="new_village"),
    Action("team_add_member", _add_member, PERSONAL, writes=True),
    Action("team_update_member", lambda s, w: teams.update_member(
        s, w.member_hang, "0911111111", "Tổ phó"), PERSONAL, writes=True),
    Action("team_member_left", lambda s, w: teams.member_left(s, w.member_hang, TODAY),
           PERSONAL, writes=True),
    Action("team_training", lambda s, w: teams.add_training(
        s, w.member_hang, "Kỹ năng số cơ bản", TODAY, 4), PERSONAL, writes=True),
    # Excel imports touch any village.
    Action("import_preview", _preview, OFFICE),
    Action("import_apply", lambda s, w: people_import.apply(s, w.preview), OFFICE, writes=True),
    # Settings: preferences are anyone's; the commune's need a permission.
    Action("setting_preference", lambda s, w: settings.put(s, settings.LAST_PAGE, "people"),
           EVERYONE, writes=True),
    Action("setting_language", lambda s, w: settings.put(s, settings.LANGUAGE, "en"),
           EVERYONE, writes=True),
    Action("setting_idle_lock", lambda s, w: settings.put(s, settings.IDLE_LOCK_MINUTES, 30),
           ADMIN_ONLY, writes=True),
    Action("setting_import_mapping", lambda s, w: settings.put(
        s, settings.PEOPLE_IMPORT_MAPPING, {"Họ và tên": "full_name"}), OFFICE, writes=True),
    Action("setting_last_sync", lambda s, w: settings.put(
        s, settings.LAST_SYNC_SUCCESS, "2025-06-01T00:00:00+00:00"), ADMIN_ONLY, writes=True),
    Action("profile_population", lambda s, w: profile.set_population(
        s, Population(2026, residents=1100)), ADMIN_ONLY, writes=True),
    Action("profile_bodies", lambda s, w: profile.update_bodies(
        s, "UBND xã Mường Lát", "Sở Khoa học và Công nghệ tỉnh Thanh Hóa"),
           ADMIN_ONLY, writes=True),
]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_roles_and_actions(db: Database, world: World, action: Action, role: Role) -> None:
    acting = principal(role, getattr(world, action.village))
    before = written(db)
    if role in action.allowed:
        with _session_for(db, acting, action) as session:
            action.run(session, world)
        assert (written(db) != before) == action.writes
        return
    with _session_for(db, acting, action) as session:
        with pytest.raises(AccessDenied) as refused:
            action.run(session, world)
        # The transaction goes on and commits: the refusal came before any write.
    assert_vietnamese_refusal(refused.value)
    assert written(db) == before


def _session_for(db: Database, acting: Principal,
                 action: Action) -> AbstractContextManager[Session]:
    return db.transaction(acting) if action.writes else db.reading(acting)


def test_every_role_is_in_the_matrix_and_the_grants_differ() -> None:
    allowed = {role: {a.name for a in ACTIONS if role in a.allowed} for role in Role}
    assert allowed[VIEWER] < allowed[TEAM] and allowed[TEAM] - allowed[OFFICER] == set()
    assert allowed[OFFICER] < allowed[ADMIN] == {a.name for a in ACTIONS}


# A team member's village ---------------------------------------------------------------------

@pytest.fixture
def member_of_hang(world: World) -> Principal:
    return principal(TEAM, world.hang)


def refused(db: Database, acting: Principal, run: Callable[[Session], Any],
            writes: bool = True) -> None:
    """run is refused, and nothing is written even though the transaction commits."""
    before = written(db)
    context = db.transaction(acting) if writes else db.reading(acting)
    with context as session:
        with pytest.raises(AccessDenied) as exc:
            run(session)
    assert_vietnamese_refusal(exc.value)
    assert written(db) == before


def test_a_team_member_searches_only_their_own_village(db: Database, world: World,
                                                       member_of_hang: Principal) -> None:
    with db.reading(TESTER) as session:
        everyone = {r.full_name for r in search.search_people(session)}
    assert everyone == {"Lò Thị Mai", "Hà Văn Dũng"}
    with db.reading(member_of_hang) as session:
        assert [r.full_name for r in search.search_people(session)] == ["Lò Thị Mai"]
        assert [r.full_name for r in search.search_people(session, "", world.hang)] \
            == ["Lò Thị Mai"]
        assert search.search_people(session, "Dũng") == []
        assert search.search_people(session, "0987") == []  # the neighbour's phone
        assert search.count_people(session) == 1
        assert search.count_people(session, "Dũng") == 0
    refused(db, member_of_hang, lambda s: search.search_people(s, "", world.dong_tam),
            writes=False)
    refused(db, member_of_hang, lambda s: search.count_people(s, "", world.dong_tam),
            writes=False)


def test_a_team_member_lists_only_their_own_village(db: Database, world: World,
                                                    member_of_hang: Principal) -> None:
    with db.transaction(TESTER) as session:
        vneid.record_step(session, world.citizen, "registered", TODAY)
        vneid.record_step(session, world.neighbour, "registered", TODAY)
    with db.reading(member_of_hang) as session:
        assert [r.person for r in sessions.recent(session)] == ["Lò Thị Mai"]
        assert sessions.recent(session, person_id=world.neighbour) == []
        assert [w.full_name for w in vneid.pending_activation(session)] == ["Lò Thị Mai"]
        assert [w.full_name for w in vneid.without_account(session, TODAY)] == []
        behind = indicators.records_behind(session, "payment_account_adults", TODAY)
        assert behind == [world.citizen]
        assert vneid.history(session, world.citizen)[0].step == "registered"
        # Counts stay commune-wide: they name nobody.
        commune = indicators.compute(session, TODAY)
    payment = next(i for i in commune if i.id == "payment_account_adults")
    assert payment.numerator == 2
    for run in (lambda s: sessions.recent(s, village_id=world.dong_tam),
                lambda s: vneid.pending_activation(s, world.dong_tam),
                lambda s: vneid.without_account(s, TODAY, world.dong_tam),
                lambda s: vneid.history(s, world.neighbour),
                lambda s: indicators.records_behind(s, "payment_account_adults", TODAY,
                                                    world.dong_tam)):
        refused(db, member_of_hang, run, writes=False)


def test_a_team_member_changes_only_their_own_village(db: Database, world: World,
                                                      member_of_hang: Principal) -> None:
    other_village: list[Callable[[Session], Any]] = [
        lambda s: _session(s, world.neighbour),
        lambda s: sessions.record(s, sessions.SessionInput(  # held in Hang, for a neighbour
            held_on=TODAY, person_id=world.neighbour, topics=["online_shopping"],
            result="done", village_id=world.hang)),
        lambda s: sessions.record(s, sessions.SessionInput(  # for Mai, "held" elsewhere
            held_on=TODAY, person_id=world.citizen, topics=["online_shopping"],
            result="done", village_id=world.dong_tam)),
        lambda s: sessions.record_group(s, sessions.GroupInput(
            held_on=TODAY, topic="online_payment", village_id=world.dong_tam,
            attendee_count=12)),
        lambda s: sessions.record_group(s, sessions.GroupInput(  # commune-wide
            held_on=TODAY, topic="online_payment", attendee_count=12)),
        lambda s: sessions.record_group(s, sessions.GroupInput(  # naming a neighbour
            held_on=TODAY, topic="online_payment", village_id=world.hang,
            attendee_ids=[world.citizen, world.neighbour])),
        lambda s: teams.add_member(s, world.team_hang, teams.MemberInput(  # linked to one
            "Hà Văn Sơn", "other", person_id=world.neighbour)),
        lambda s: sessions.remove(s, world.session_dong_tam),
        lambda s: vneid.record_step(s, world.neighbour, "guided", TODAY),
        lambda s: teams.create_team(s, world.new_village),
        lambda s: teams.add_member(s, world.team_dong_tam, teams.MemberInput("Lò Văn Tú",
                                                                             "other")),
        lambda s: teams.update_member(s, world.member_dong_tam, None, "Tổ trưởng"),
        lambda s: teams.member_left(s, world.member_dong_tam, TODAY),
        lambda s: teams.add_training(s, world.member_dong_tam, "Kỹ năng số", TODAY, 2),
    ]
    for run in other_village:
        refused(db, member_of_hang, run)


def test_a_team_member_creates_only_their_own_villages_team(db: Database, world: World) -> None:
    with db.transaction(TESTER) as session:
        villages.add(session, "Bản Pù Quăn")
    with db.transaction(principal(TEAM, world.new_village)) as session:
        assert teams.create_missing_teams(session) == 1
    with db.reading(TESTER) as session:
        assert teams.villages_without_team(session) == ["Bản Pù Quăn"]


def test_a_team_member_without_a_village_is_refused(db: Database, world: World) -> None:
    nowhere = principal(TEAM, None)
    assert nowhere.village_id is None
    for run in (lambda s: search.search_people(s), lambda s: search.count_people(s),
                lambda s: sessions.recent(s), lambda s: vneid.pending_activation(s),
                lambda s: indicators.records_behind(s, "payment_account_adults", TODAY)):
        refused(db, nowhere, run, writes=False)
    for write in (lambda s: _session(s, world.citizen),
                  lambda s: vneid.record_step(s, world.citizen, "guided", TODAY),
                  lambda s: teams.add_member(s, world.team_hang,
                                             teams.MemberInput("Lò Văn Tú", "other")),
                  lambda s: teams.create_missing_teams(s)):
        refused(db, nowhere, write)
    with db.reading(nowhere) as session:  # counts are still theirs to see
        assert indicators.compute(session, TODAY)


# Team members' phones -------------------------------------------------------------------------

def phones(db: Database, acting: Principal) -> dict[str, str | None]:
    with db.reading(acting) as session:
        return {m.full_name: m.phone for m in teams.members(session)}


def test_member_phones_are_masked_for_who_may_not_see_them(db: Database, world: World) -> None:
    full = {"Hà Văn Sơn": "0901234567", "Vi Thị Hoa": "0977654321"}
    assert phones(db, principal(OFFICER)) == full
    assert phones(db, principal(VIEWER)) == {"Hà Văn Sơn": "090•••••67",
                                             "Vi Thị Hoa": "097•••••21"}
    assert phones(db, principal(TEAM, world.hang)) == {"Hà Văn Sơn": "0901234567",
                                                       "Vi Thị Hoa": "097•••••21"}


# Settings ------------------------------------------------------------------------------------

def settings_events(db: Database) -> list[AuditEvent]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "settings")
                                    .order_by(AuditEvent.seq)))


def test_commune_settings_changes_are_audited_with_old_and_new(db: Database) -> None:
    assert settings_events(db) == []
    with db.transaction(TESTER) as session:
        assert settings.get(session, settings.IDLE_LOCK_MINUTES) == 15
        settings.put(session, settings.IDLE_LOCK_MINUTES, 30)
        settings.put(session, settings.IDLE_LOCK_MINUTES, 30)  # no change, no entry
        settings.put(session, settings.LAST_PAGE, "people")  # a preference: not audited
        settings.put(session, settings.WINDOW_GEOMETRY, "AdnQywADAAA=")
    with db.transaction(principal(OFFICER)) as session:
        settings.put(session, settings.PEOPLE_IMPORT_MAPPING, {"Họ và tên": "full_name"})
    events = settings_events(db)
    assert [(e.actor, e.object_table) for e in events] == [
        ("test", "setting"), ("user:officer", "setting")]
    assert json.loads(events[0].details or "") == {"security.idle_lock_minutes": [15, 30]}
    assert json.loads(events[1].details or "") == {
        "import.people.mapping": [{}, {"Họ và tên": "full_name"}]}
    assert "15 → 30" in events[0].summary
    with db.reading(principal(VIEWER)) as session:  # anyone reads them
        assert settings.get(session, settings.IDLE_LOCK_MINUTES) == 30


def test_the_idle_lock_is_between_1_and_240_minutes(db: Database) -> None:
    with db.transaction(TESTER) as session:
        for minutes in (1, 240):
            settings.put(session, settings.IDLE_LOCK_MINUTES, minutes)
        for minutes in (0, 241, -5):
            with pytest.raises(UserError, match="từ 1 đến 240"):
                settings.put(session, settings.IDLE_LOCK_MINUTES, minutes)
        with pytest.raises(TypeError):
            settings.put(session, settings.IDLE_LOCK_MINUTES, True)
        assert settings.get(session, settings.IDLE_LOCK_MINUTES) == 240
        # A stored value out of range (a hand edit) reads as the default.
        stored = session.get(Setting, settings.IDLE_LOCK_MINUTES.name)
        assert stored is not None
        stored.value = "999"
        assert settings.get(session, settings.IDLE_LOCK_MINUTES) == 15


def test_every_declared_key_is_a_preference_or_needs_a_permission() -> None:
    commune = {k.name for k in settings.KEYS if k.commune_level}
    assert commune == {"import.people.mapping", "sync.last_success", "sync.pull_cursor",
                       "sync.pull_cursor_entry",
                       "sync.generation", "sync.topic_catalogue", "sync.history",
                       "security.idle_lock_minutes", "commune.time_zone"}
    # Sync's own bookkeeping is written at every sync: not the audit log's business.
    assert {k.name for k in settings.KEYS if k.commune_level and not k.audited} == {
        "sync.last_success", "sync.pull_cursor", "sync.pull_cursor_entry", "sync.generation",
        "sync.topic_catalogue", "sync.history"}
    assert all(k.label for k in settings.KEYS if k.commune_level)


def test_a_household_of_another_village_cannot_be_given(db: Database, world: World) -> None:
    with db.transaction(TESTER) as session:
        other_household = people.add_household(session, world.dong_tam, "HK-DT")
    for acting in (principal(TEAM, world.hang), principal(OFFICER)):
        before = written(db)
        with db.transaction(acting) as session, pytest.raises(UserError, match="Hộ đã chọn"):
            people.add_person(session, people.PersonInput(
                full_name="Lò Văn Mới", gender="male", village_id=world.hang,
                birth_year=1990, household_id=other_household))
        assert written(db) == before
