"""Accounts: the first administrator, sign-in with lock-out, recovery, and their audit."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cdsxa.common.errors import UserError
from cdsxa.db.base import utcnow
from cdsxa.db.engine import Database
from cdsxa.db.models import AppUser, AuditEvent
from cdsxa.security import audit, keys, users
from cdsxa.security.access import SYSTEM, AccessDenied, Principal, Role
from tests.conftest import TESTER
from tests.helpers import village

PASSWORD = "Mật khẩu 2026"


@pytest.fixture
def admin(db: Database) -> Database:
    """The fixture's first user (made without a password) claims the administrator account."""
    with db.transaction(SYSTEM) as session:
        assert users.needs_first_admin(session)
        waiting = users.unclaimed_admin(session)
        assert waiting is not None and waiting.full_name == "Lò Văn Tâm"
        users.create_first_admin(session, "Lò Văn Tâm", "tam", PASSWORD)
    return db


def sign_in(db: Database, name: str, password: str, when: object = None) -> Principal:
    """As the GUI does: the failure is committed even though sign-in fails."""
    failure: users.SignInFailed | None = None
    with db.transaction(SYSTEM) as session:
        try:
            return users.sign_in(session, name, password, when)  # type: ignore[arg-type]
        except users.SignInFailed as exc:
            failure = exc
    assert failure is not None
    raise failure


def events(db: Database, action: str) -> list[AuditEvent]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.seq)))


def test_the_first_administrator_claims_the_existing_user_and_signs_in(admin: Database) -> None:
    with admin.reading(TESTER) as session:
        assert not users.needs_first_admin(session)
        [only] = session.scalars(select(AppUser)).all()
        assert only.password_hash is not None and PASSWORD not in only.password_hash
        assert only.password_hash.startswith("$argon2id$")
    principal = sign_in(admin, "TAM ", PASSWORD)  # names compare folded
    assert (principal.name, principal.role, principal.label) == ("user:tam", Role.ADMIN,
                                                                "Lò Văn Tâm")
    with admin.transaction(SYSTEM) as session, pytest.raises(AccessDenied):
        users.create_first_admin(session, "Kẻ Lạ", "la", PASSWORD)
    assert [e.actor for e in events(admin, "sign_in")] == ["user:tam"]


def test_failures_grow_the_wait_and_are_audited(admin: Database) -> None:
    now = utcnow()
    for attempt in range(1, 4):  # the first three cost nothing
        with pytest.raises(users.SignInFailed) as failed:
            sign_in(admin, "tam", "sai mật khẩu", now)
        assert failed.value.wait_seconds == (30 if attempt == 3 else 0)
    with pytest.raises(users.SignInFailed, match="thử lại sau 25 giây"):
        sign_in(admin, "tam", PASSWORD, now + timedelta(seconds=5))  # even the right one
    with pytest.raises(users.SignInFailed) as fourth:
        sign_in(admin, "tam", "sai nữa", now + timedelta(seconds=31))
    assert fourth.value.wait_seconds == 60
    principal = sign_in(admin, "tam", PASSWORD, now + timedelta(seconds=92))
    assert principal.role is Role.ADMIN
    failed_events = events(admin, "sign_in_failed")
    assert len(failed_events) == 5  # with the try while locked out
    assert failed_events[3].summary == "Thử lại khi còn phải chờ 25 giây"
    with admin.reading(TESTER) as session:
        user = session.scalars(select(AppUser)).one()
        assert (user.failed_attempts, user.locked_until) == (0, None)


def test_an_unknown_name_fails_like_a_wrong_password_and_is_not_kept(admin: Database) -> None:
    # Someone types their password into the name field: it must not reach the log.
    with pytest.raises(users.SignInFailed, match="Sai tên đăng nhập hoặc mật khẩu"):
        sign_in(admin, PASSWORD, PASSWORD)
    [event] = events(admin, "sign_in_failed")
    assert PASSWORD not in event.summary + event.actor + (event.details or "")
    assert event.actor == users.UNKNOWN_ACTOR


def test_roles_and_villages_of_new_users(admin: Database) -> None:
    boss = sign_in(admin, "tam", PASSWORD)
    hang = village(admin, "Bản Hang")
    with admin.transaction(boss) as session:
        users.create_user(session, users.UserInput("Vi Văn Ba", "ba", Role.TEAM_MEMBER,
                                                   "mật khẩu của Ba", village_id=hang))
        with pytest.raises(UserError, match="cần được gán một thôn"):
            users.create_user(session, users.UserInput("Lường Thị Hoa", "hoa",
                                                       Role.TEAM_MEMBER, "mật khẩu Hoa"))
        with pytest.raises(UserError, match="đã có người dùng"):
            users.create_user(session, users.UserInput("Ba khác", "BA", Role.VIEWER,
                                                       "mật khẩu Ba 2"))
    member = sign_in(admin, "ba", "mật khẩu của Ba")
    assert (member.role, member.village_id) == (Role.TEAM_MEMBER, hang)
    with admin.transaction(member) as session, pytest.raises(AccessDenied):
        users.create_user(session, users.UserInput("X", "x", Role.ADMIN, "mật khẩu X 1"))


def test_the_last_administrator_cannot_be_demoted(admin: Database) -> None:
    boss = sign_in(admin, "tam", PASSWORD)
    with admin.transaction(boss) as session:
        [me] = users.list_users(session)
        with pytest.raises(UserError, match="ít nhất một quản trị"):
            users.update_user(session, me.id, Role.OFFICER, None, True)


def test_account_changes_are_audited_with_old_and_new(admin: Database) -> None:
    boss = sign_in(admin, "tam", PASSWORD)
    with admin.transaction(boss) as session:
        [me] = users.list_users(session)
        users.update_user(session, me.id, Role.ADMIN, None, True, position="Phó Chủ tịch UBND")
        users.update_user(session, me.id, Role.ADMIN, None, True, position="Phó Chủ tịch UBND")
    [event] = events(admin, "user")[-1:]
    assert json.loads(event.details or "") == {"position": ["Công chức", "Phó Chủ tịch UBND"]}
    assert len([e for e in events(admin, "user") if "position" in (e.details or "")]) == 1


def test_a_user_changes_their_own_password_only_with_the_current_one(admin: Database) -> None:
    boss = sign_in(admin, "tam", PASSWORD)
    assert boss.user_id is not None
    with admin.transaction(boss) as session:
        with pytest.raises(UserError, match="hiện tại không đúng"):
            users.set_password(session, boss.user_id, "mật khẩu mới 1", "sai")
        users.set_password(session, boss.user_id, "mật khẩu mới 1", PASSWORD)
    assert sign_in(admin, "tam", "mật khẩu mới 1").role is Role.ADMIN
    [event] = events(admin, "password")
    assert "mật khẩu mới 1" not in event.summary + (event.details or "")


def test_weak_passwords_are_refused() -> None:
    for weak in ("ngắn", "aaaaaaaaaa"):
        with pytest.raises(UserError):
            users.check_password(weak)


def test_a_forgotten_admin_password_is_reset_with_the_recovery_key(admin: Database,
                                                                   data_dir: object) -> None:
    recovery = keys.new_recovery_key()
    keyfile = keys.KeyFile.load(admin.path.parent)
    assert keyfile is not None
    keyfile.wraps["recovery"] = keys.wrap(admin.key, recovery)
    keyfile.save(admin.path.parent)
    # The GUI's path: the recovery key must unwrap the data key before anything else.
    with pytest.raises(keys.WrongSecretError):
        keys.recover(admin.path.parent, "22222-33333-44444-55555-66666")
    assert keys.recover(admin.path.parent, recovery) == admin.key
    users.reset_admin_password(admin, "tam", "mật khẩu mới 2", recovery.lower())
    assert sign_in(admin, "tam", "mật khẩu mới 2").role is Role.ADMIN
    assert len(events(admin, "recovery")) == 1


def test_the_admin_password_reset_checks_the_recovery_key_itself(admin: Database) -> None:
    """Whoever calls the service (a viewer's window, a script) needs the recovery key."""
    data_dir = admin.path.parent
    keyfile = keys.KeyFile.load(data_dir)
    assert keyfile is not None
    other_data = keys.new_recovery_key()  # a real recovery key, of other data
    keyfile.wraps["recovery"] = keys.wrap(keys.new_data_key(), other_data)
    keyfile.save(data_dir)
    for wrong in ("", "22222-33333-44444-55555-66666", other_data):
        with pytest.raises(keys.WrongSecretError, match="Khóa khôi phục"):
            users.reset_admin_password(admin, "tam", "mật khẩu chiếm quyền", wrong)
    with pytest.raises(TypeError):  # no way to leave it out
        users.reset_admin_password(admin, "tam", "mật khẩu chiếm quyền")  # type: ignore[call-arg]
    assert sign_in(admin, "tam", PASSWORD).role is Role.ADMIN  # unchanged
    assert events(admin, "recovery") == []  # nothing says the recovery key was used
    with pytest.raises(users.SignInFailed):
        sign_in(admin, "tam", "mật khẩu chiếm quyền")


def test_the_audit_log_lists_changes_with_old_and_new_values(admin: Database) -> None:
    from cdsxa.register import villages

    boss = sign_in(admin, "tam", PASSWORD)
    with admin.transaction(boss) as session:
        village_id = villages.add(session, "Bản Cũ")
    with admin.transaction(boss) as session:
        villages.rename(session, village_id, "Bản Mới")
    with admin.reading(boss) as session:
        rows = audit.browse(session, audit.AuditFilter(actor="user:tam"))
        assert [r.action for r in rows][:3] == ["update", "insert", "sign_in"]
        assert rows[0].describe() == "Tên: Bản Cũ → Bản Mới"
        assert rows[0].table_label == "Thôn/bản"
        only_sign_ins = audit.browse(session, audit.AuditFilter(actions=("sign_in",)))
        assert {r.action for r in only_sign_ins} == {"sign_in"}
        assert "user:tam" in audit.actors(session)
    officer = Principal("user:can-bo", Role.OFFICER)
    with admin.reading(officer) as session, pytest.raises(AccessDenied, match="xem nhật ký"):
        audit.browse(session)


def test_a_password_typed_with_combining_marks_is_the_same_password(admin: Database) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", PASSWORD)
    assert decomposed != PASSWORD
    assert sign_in(admin, "tam", decomposed).role is Role.ADMIN
