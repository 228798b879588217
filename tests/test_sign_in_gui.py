"""Start-up, sign-in and the idle lock through real widgets (offscreen)."""

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from cdsxa.db.engine import Database, connect
from cdsxa.db.models import AppUser, AuditEvent
from cdsxa.profile import encryption as encrypt_profile
from cdsxa.profile import paths
from cdsxa.profile.storage import open_database
from cdsxa.register import villages
from cdsxa.security import keys, users
from cdsxa.security.access import SYSTEM, Principal, Role
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.idle_lock import Curtain
from cdsxa.ui.main_window import MainWindow, RestrictedPage
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.settings_page import SettingsPage
from cdsxa.ui.sign_in import ForgotPasswordDialog, SignInDialog
from cdsxa.ui.unlock_dialogs import EncryptDialog, FirstAdminDialog, PassphraseDialog
from tests.helpers import SIGN_IN_PASSWORD, signed_in, type_text

# Saves run inline (tasks.SYNCHRONOUS): the test reads what was saved at once.
pytestmark = pytest.mark.usefixtures("inline_work")

PASSWORD = SIGN_IN_PASSWORD
WRONG = "không phải mật khẩu"


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.reading(SYSTEM) as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.actor)
                               .order_by(AuditEvent.at)).all()
    return [(action, actor) for action, actor in rows]


def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture puts its own back


@pytest.fixture
def admin_db(db: Database) -> Database:
    """The `db` profile with an administrator "tam" who can sign in; nobody signed in."""
    with db.transaction(SYSTEM) as session:
        users.create_first_admin(session, "Lò Văn Tâm", "tam", PASSWORD)
    return db


def open_window(qtbot: QtBot, db: Database, data_dir: Path, principal: Principal,
                idle_ms: int | None = None) -> MainWindow:
    window = MainWindow(AppContext(data_dir, db, principal, Changes()), idle_ms=idle_ms)
    qtbot.addWidget(window)
    window.show()
    return window


# --- signing in ----------------------------------------------------------------------

def test_a_wrong_password_is_refused_and_counted_then_the_right_one_signs_in(
    qtbot: QtBot, admin_db: Database, data_dir: Path
) -> None:
    dialog = SignInDialog(data_dir, admin_db, "Xã Mường Lát")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, "tam")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password  # Enter moves on to the password
    assert audit_actions(admin_db) == [("user", "system")]  # and tries nothing
    dialog.password.setText(WRONG)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert dialog.password.text() == "" and dialog.isVisible()
    with admin_db.reading(SYSTEM) as session:  # the failure was committed
        assert session.scalars(select(AppUser.failed_attempts)
                               .where(AppUser.username == "tam")).one() == 1
    assert ("sign_in_failed", "user:tam") in audit_actions(admin_db)

    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter signs in
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.principal is not None
    assert (dialog.principal.display_name, dialog.principal.role) == ("Lò Văn Tâm", Role.ADMIN)
    assert audit_actions(admin_db)[-1] == ("sign_in", "user:tam")


def test_repeated_failures_disable_the_button_with_a_countdown(
    qtbot: QtBot, admin_db: Database, data_dir: Path
) -> None:
    dialog = SignInDialog(data_dir, admin_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("tam")
    for _ in range(users.FREE_ATTEMPTS + 1):
        dialog.password.setText(WRONG)
        dialog.sign_in()
    button = dialog.sign_in_button
    assert not button.isEnabled()
    assert "30" in dialog.error.text() and "30" in button.text()
    dialog.countdown.tick()
    assert "29" in button.text() and not button.isEnabled()
    dialog.password.setText(PASSWORD)
    dialog.sign_in()  # while the countdown runs nothing is tried
    assert dialog.principal is None
    for _ in range(29):
        dialog.countdown.tick()
    assert button.isEnabled() and button.text() == dialog.countdown.text
    dialog.sign_in()  # the account is still locked for real (30 s have not passed)
    assert dialog.principal is None and "giây" in dialog.error.text()


def test_forgotten_admin_password_is_reset_with_the_recovery_key(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from cdsxa.commune.profile import FirstUser, ProfileSetup, initialise
    from tests.conftest import muong_lat_code

    data_dir = tmp_path / "p"
    made = keys.create(data_dir)
    db = initialise(data_dir, ProfileSetup(38, muong_lat_code(), user=FirstUser(
        "Hà Thị Lan", None, "lan", PASSWORD)), made.key)
    try:
        sign_in = SignInDialog(data_dir, db)
        qtbot.addWidget(sign_in)
        sign_in.show()
        sign_in.forgot()
        forgot = sign_in.findChild(ForgotPasswordDialog)
        assert isinstance(forgot, ForgotPasswordDialog) and forgot.isVisible()
        forgot.recovery_key.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
        forgot.username.setText("lan")
        forgot.new_password.first.setText("Mới-mật-khẩu-1")
        forgot.new_password.second.setText("Mới-mật-khẩu-1")
        forgot.reset()
        assert forgot.error.isVisibleTo(forgot) and forgot.isVisible()  # wrong key
        forgot.recovery_key.setText(made.recovery_key.lower().replace("-", " "))
        forgot.reset()
        assert not forgot.isVisible()
        assert sign_in.username.text() == "lan" and sign_in.notice.isVisibleTo(sign_in)
        sign_in.password.setText("Mới-mật-khẩu-1")
        sign_in.sign_in()
        assert sign_in.principal is not None and sign_in.principal.name == "user:lan"
        assert "recovery" in [action for action, _actor in audit_actions(db)]
    finally:
        db.close()


def test_a_profile_without_an_administrator_asks_for_one(
    qtbot: QtBot, db: Database
) -> None:
    with db.reading(SYSTEM) as session:
        assert users.needs_first_admin(session)
        waiting = users.unclaimed_admin(session)
    dialog = FirstAdminDialog(db, waiting)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.fields.full_name.text() == "Lò Văn Tâm"  # carried over, pre-filled
    type_text(qtbot, dialog.fields.username, "tam")
    dialog.fields.password.first.setText(PASSWORD)
    dialog.fields.password.second.setText(PASSWORD + "x")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisibleTo(dialog) and dialog.isVisible()  # they differ
    dialog.fields.password.second.setText(PASSWORD)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == FirstAdminDialog.DialogCode.Accepted
    with db.reading(SYSTEM) as session:
        assert not users.needs_first_admin(session)
        assert [u.full_name for u in users.list_users(session)] == ["Lò Văn Tâm"]  # claimed
    assert users.attempt_sign_in(db, "tam", PASSWORD).role is Role.ADMIN


# --- the data key --------------------------------------------------------------------

def test_without_a_keyring_the_passphrase_opens_the_data(
    qtbot: QtBot, tmp_path: Path
) -> None:
    no_keyring()
    data_dir = tmp_path / "p"
    made = keys.create(data_dir, "cụm mật khẩu dữ liệu")
    assert not made.in_keyring and keys.needs_passphrase(data_dir)
    dialog = PassphraseDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText("sai mất rồi")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.key is None
    assert dialog.error.isVisibleTo(dialog) and dialog.passphrase.text() == ""
    dialog.passphrase.setText("cụm mật khẩu dữ liệu")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted
    assert dialog.key is not None and dialog.key.raw == made.key.raw


def test_a_forgotten_passphrase_is_replaced_with_the_recovery_key(
    qtbot: QtBot, tmp_path: Path
) -> None:
    no_keyring()
    data_dir = tmp_path / "p"
    made = keys.create(data_dir, "cụm mật khẩu dữ liệu")
    dialog = PassphraseDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.recovery_button, Qt.MouseButton.LeftButton)
    assert dialog.recovering() and dialog.new_passphrase.first.isVisibleTo(dialog)
    dialog.recovery_key.setText(made.recovery_key)
    dialog.new_passphrase.first.setText("mật khẩu dữ liệu mới")
    dialog.new_passphrase.second.setText("mật khẩu dữ liệu mới")
    dialog.open_data()
    assert dialog.key is not None and dialog.key.raw == made.key.raw
    assert keys.find(data_dir, lambda: "mật khẩu dữ liệu mới").raw == made.key.raw


def make_plain_profile(db: Database, data_dir: Path) -> None:
    """The `db` profile as a version before encryption left it: a plain SQLite file."""
    db.close()
    plain = data_dir / "plain.sqlite3"
    source = connect(db.path, db.key)
    source.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    source.execute("SELECT sqlcipher_export('plain')")
    version = source.execute("PRAGMA user_version").fetchone()[0]
    source.execute(f"PRAGMA plain.user_version = {int(version)}")
    source.execute("DETACH DATABASE plain")
    source.close()
    for leftover in (data_dir / keys.KEY_FILE, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        leftover.unlink(missing_ok=True)
    plain.replace(db.path)
    assert encrypt_profile.needs_encryption(data_dir)


@pytest.mark.parametrize("keyring_there", [True, False])
def test_an_old_plain_profile_is_encrypted_then_shows_its_recovery_key(
    qtbot: QtBot, db: Database, data_dir: Path, keyring_there: bool
) -> None:
    make_plain_profile(db, data_dir)
    if not keyring_there:
        no_keyring()
    dialog = EncryptDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.passphrase.first.isVisibleTo(dialog) is not keyring_there
    if not keyring_there:
        dialog.passphrase.first.setText("cụm mật khẩu dữ liệu")
        dialog.passphrase.second.setText("cụm mật khẩu dữ liệu")
    qtbot.mouseClick(dialog.encrypt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.key is not None, timeout=10000)  # off the UI thread
    assert not encrypt_profile.needs_encryption(data_dir)
    assert dialog.recovery.isVisible()
    assert not dialog.continue_button.isEnabled()
    dialog.reject()  # not before the recovery key is written down
    assert dialog.isVisible()
    dialog.recovery.confirmed.setChecked(True)
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == EncryptDialog.DialogCode.Accepted
    assert dialog.key is not None
    assert keys.recover(data_dir, dialog.recovery.recovery_key).raw == dialog.key.raw
    reopened = open_database(data_dir, dialog.key)
    try:
        with reopened.reading(SYSTEM) as session:
            assert [v.name for v in villages.list_all(session)] == ["Bản Hang", "Thôn Đồng Tâm"]
            waiting = users.unclaimed_admin(session)
            assert users.needs_first_admin(session)  # next: the first-admin dialog
            assert waiting is not None and waiting.full_name == "Lò Văn Tâm"
    finally:
        reopened.close()
    assert "Thôn Đồng Tâm".encode() not in paths.database_path(data_dir).read_bytes()


def test_recovery_key_copies_and_saves_as_pdf(qtbot: QtBot, tmp_path: Path) -> None:
    from cdsxa.ui.recovery_key_view import RecoveryKeyView

    view = RecoveryKeyView()
    qtbot.addWidget(view)
    view.set_key("ABCDE-FGHJK-MNPQR-STUVW-XYZ23", "Xã Mường Lát")
    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "ABCDE-FGHJK-MNPQR-STUVW-XYZ23"
    target = tmp_path / "khoa.pdf"
    view.ask_pdf_path = lambda: target  # type: ignore[method-assign]
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF") and str(target) in view.status.text()


# --- the main window and the idle lock -----------------------------------------------

def test_idle_lock_keeps_the_typed_form_and_only_the_same_user_unlocks(
    qtbot: QtBot, db: Database, data_dir: Path
) -> None:
    principal = signed_in(db)
    signed_in(db, "Lò Thị Mai", "mai", Role.OFFICER)  # another user of this PC
    window = open_window(qtbot, db, data_dir, principal, idle_ms=500)
    page = window.show_page("people")
    assert isinstance(page, PeoplePage)
    page.open_new()
    form = page.form
    assert form is not None
    type_text(qtbot, form.name, "Hà Văn Nam")

    qtbot.waitUntil(window.idle_lock.is_locked, timeout=5000)
    lock = window.idle_lock.dialog
    assert lock is not None and lock.isVisible()
    assert "Lò Văn Tâm" in lock.title.text()
    curtains = [c for c in window.idle_lock.curtains if c.isVisible()]
    assert {c.parentWidget() for c in curtains} >= {window, form}  # nothing left on screen
    assert all(isinstance(c, Curtain) for c in curtains)

    lock.reject()  # Esc does not unlock
    assert window.idle_lock.is_locked()
    lock.password.setText(PASSWORD.replace("2025", "2024"))
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert window.idle_lock.is_locked() and lock.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    with db.transaction(SYSTEM) as session:
        mai = session.scalars(select(AppUser).where(AppUser.username == "mai")).one()
        users.set_password(session, mai.id, "Mật-khẩu-của-Mai")
    lock.password.setText("Mật-khẩu-của-Mai")
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert window.idle_lock.is_locked()  # another user's password does not unlock
    lock.password.setText(PASSWORD)
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)

    assert not window.idle_lock.is_locked()
    assert page.form is form and form.isVisible() and form.name.text() == "Hà Văn Nam"
    assert not any(c.isVisible() for c in form.findChildren(Curtain))
    actions = [action for action, actor in audit_actions(db) if actor == "user:tam"]
    assert actions[-5:] == ["lock", "sign_in_failed", "sign_in_failed", "sign_in", "unlock"]
    window.idle_lock.stop()


def test_the_idle_time_is_the_profiles_setting(qtbot: QtBot, db: Database,
                                               data_dir: Path) -> None:
    from cdsxa.commune import settings
    from cdsxa.ui.operations import WriteOp

    window = open_window(qtbot, db, data_dir, signed_in(db))
    assert window.idle_lock.timeout_ms == 15 * 60_000
    WriteOp(window, window.context,  # announced as the Settings page's save is
            lambda session: settings.put(session, settings.IDLE_LOCK_MINUTES, 5)) \
        .run_in_background()
    assert window.idle_lock.timeout_ms == 5 * 60_000
    assert window.idle_lock.timer.isActive() and not window.idle_lock.is_locked()
    window.idle_lock.stop()


def test_the_lock_can_be_left_by_signing_out(qtbot: QtBot, db: Database,
                                              data_dir: Path) -> None:
    window = open_window(qtbot, db, data_dir, signed_in(db))
    signals: list[bool] = []
    window.signed_out.connect(lambda: signals.append(True))
    window.lock_action.trigger()  # Ctrl+L
    lock = window.idle_lock.dialog
    assert lock is not None
    lock.confirm_sign_out = lambda: True  # type: ignore[method-assign]
    qtbot.mouseClick(lock.sign_out_button, Qt.MouseButton.LeftButton)
    assert signals == [True] and not window.idle_lock.is_locked()
    assert [a for a, _ in audit_actions(db)][-2:] == ["lock", "sign_out"]


def test_signing_out_returns_to_the_sign_in_dialog(qtbot: QtBot, db: Database,
                                                   data_dir: Path) -> None:
    from cdsxa.ui.app import Shell

    signed_in(db, "Lò Thị Mai", "mai", Role.OFFICER)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shell = Shell(app, data_dir, db)
    first = shell.start(users.attempt_sign_in(db, "tam", PASSWORD))
    assert isinstance(first, MainWindow)
    people = first.show_page("people")
    assert isinstance(people, PeoplePage)
    people.open_new()  # a form is open: signing out asks first
    asked: list[bool] = []
    first.confirm_sign_out = lambda: asked.append(True) or False  # type: ignore[method-assign]
    first.sign_out_action.trigger()
    assert asked == [True] and shell.window is first and first.isVisible()
    first.confirm_sign_out = lambda: True  # type: ignore[method-assign]
    first.sign_out_action.trigger()
    dialog = shell.sign_in_dialog
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    assert shell.window is None
    dialog.username.setText("mai")
    dialog.password.setText(PASSWORD)
    dialog.sign_in()
    second = shell.window
    assert isinstance(second, MainWindow) and second is not first
    qtbot.addWidget(second)
    assert "Lò Thị Mai" in second.user_label.text() and "Cán bộ" in second.user_label.text()
    assert second.context.actor.name == "user:mai"
    assert app.quitOnLastWindowClosed()
    assert ("sign_out", "user:tam") in audit_actions(db)
    second.idle_lock.stop()


def test_a_viewer_sees_counts_only_and_an_officer_cannot_change_the_commune(
    qtbot: QtBot, db: Database, data_dir: Path
) -> None:
    viewer = open_window(qtbot, db, data_dir, signed_in(db, "Cầm Văn Xem", "xem", Role.VIEWER))
    for key in ("people", "support", "vneid", "sync"):
        page = viewer.show_page(key)
        assert isinstance(page, RestrictedPage), key
        notice = page.findChild(object, "restrictedNotice")
        assert notice is not None and notice.text()
    assert not isinstance(viewer.show_page("dashboard"), RestrictedPage)
    assert viewer.visit_every_page() == len(viewer.specs)

    officer = open_window(qtbot, db, data_dir, signed_in(db, "Lò Thị Mai", "mai", Role.OFFICER))
    settings_page = officer.show_page("settings")
    assert isinstance(settings_page, SettingsPage)
    assert not settings_page.issuing_body.isEnabled()
    assert not settings_page.villages.isEnabled() and not settings_page.save_population.isEnabled()
    assert settings_page.language.isEnabled()
    people = officer.show_page("people")
    assert isinstance(people, PeoplePage) and people.export_button.isVisible()

    member = open_window(qtbot, db, data_dir,
                         signed_in(db, "Vi Văn Tổ", "to", Role.TEAM_MEMBER))
    member_people = member.show_page("people")
    assert isinstance(member_people, PeoplePage)
    assert member_people.add_button.isVisible()
    assert not member_people.import_button.isVisible()
    assert not member_people.export_button.isVisible()
    for window in (viewer, officer, member):
        window.idle_lock.stop()


# --- the whole start, as a user runs it ----------------------------------------------

def cdsxa(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    for name in ("CDSXA_DEBUG", "CDSXA_SELF_TEST_USER", "CDSXA_SELF_TEST_PASSWORD"):
        if name not in env:
            full_env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=full_env, timeout=300)


@pytest.mark.slow
def test_self_test_signs_in_only_when_told_who(tmp_path: Path) -> None:
    target = str(tmp_path / "demo")
    secret = {keys.PASSPHRASE_ENV: "cụm mật khẩu dữ liệu"}
    made = cdsxa("demo", "--size", "small", "--data-dir", target,
                 "--admin-password", PASSWORD, **secret)
    assert made.returncode == 0, made.stderr
    asks = cdsxa("--self-test", "--data-dir", target, **secret)
    assert asks.returncode == 1, asks.stderr  # no page shown: the self-test did not pass
    assert "CDSXA_SELF_TEST_USER" in asks.stderr and asks.stdout == ""
    wrong = cdsxa("--self-test", "--data-dir", target, CDSXA_SELF_TEST_USER="admin",
                  CDSXA_SELF_TEST_PASSWORD=WRONG, **secret)
    assert wrong.returncode == 1 and "Sai tên đăng nhập" in wrong.stderr
    full = cdsxa("--self-test", "--data-dir", target, CDSXA_SELF_TEST_USER="admin",
                 CDSXA_SELF_TEST_PASSWORD=PASSWORD, **secret)
    assert full.returncode == 0, full.stderr
    assert "12 trang" in full.stdout
    no_secret = cdsxa("--self-test", "--data-dir", target)  # no keyring, no passphrase
    assert no_secret.returncode == 1 and no_secret.stdout == ""
    assert keys.PASSPHRASE_ENV in no_secret.stderr
