"""Starting the GUI: the data key, opening the profile, signing in, the window.

    no profile          -> the first-run wizard (administrator, key, recovery key)
    a plain old profile -> encrypt it (after a backup), show its recovery key
    the data key        -> keyring, or the passphrase / recovery key dialog
    no administrator    -> create one (a profile from `cdsxa init` or an older version)
    sign in             -> the main window; signing out comes back to sign in

The whole time the profile is open the process holds its lock (cdsxa.profile.lock):
a second window on the same folder, or `cdsxa restore` / `cdsxa encrypt`, is refused
rather than swapping the file under this one. While the app is open, the daily
automatic backup is checked for every hour, not only at start: an office PC may stay
on for weeks.

`--self-test` never waits on a dialog: each dialog it would need is shown once,
and it exits 0. With CDSXA_SELF_TEST_USER and CDSXA_SELF_TEST_PASSWORD it signs
in and shows every page of the main window.
"""

import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from cdsxa.common.errors import UserError
from cdsxa.commune import profile, settings
from cdsxa.db.engine import Database
from cdsxa.profile import encryption as encrypt_profile
from cdsxa.profile import lock as profile_lock
from cdsxa.profile import paths
from cdsxa.profile.storage import open_database
from cdsxa.security import keys, users
from cdsxa.security.access import SYSTEM, Principal
from cdsxa.ui import i18n, tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.errors import excepthook, user_message
from cdsxa.ui.i18n import tr
from cdsxa.ui.operations import QueryOp
from cdsxa.ui.style import STYLE_SHEET
from cdsxa.ui.tasks import finish_all

log = logging.getLogger(__name__)

SELF_TEST_USER_ENV = "CDSXA_SELF_TEST_USER"
SELF_TEST_PASSWORD_ENV = "CDSXA_SELF_TEST_PASSWORD"
# How often the open app checks for today's automatic backup (at most one a day).
BACKUP_CHECK_MS = 60 * 60 * 1000


def application() -> QApplication:
    """The QApplication, with what every window of the app relies on: the last resort
    for unexpected errors (errors.excepthook)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("CĐS Xã")
        app.setOrganizationName("CDSXa")
        app.setWindowIcon(QIcon.fromTheme("applications-office"))
        app.setStyleSheet(STYLE_SHEET)
    sys.excepthook = excepthook
    return app


class Language:
    """The interface language: Vietnamese until the profile (which stores it) is open."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translators: list[QTranslator] = []

    def use(self, language: str) -> None:
        self.remove()
        self.translators = i18n.install(self.app, language)

    def remove(self) -> None:
        for translator in self.translators:
            self.app.removeTranslator(translator)
        self.translators = []


def _language(db: Database) -> str:
    with db.reading(SYSTEM) as session:
        return settings.get(session, settings.LANGUAGE)


def _commune_name(db: Database) -> str:
    with db.reading(SYSTEM) as session:
        view = profile.load(session)
    return view.commune_name if view else ""


def run(data_dir: Path, self_test: bool = False) -> int:
    app = application()
    language = Language(app)
    language.use("vi")
    try:
        # Before anything is read or made, and held until the profile is closed.
        with profile_lock.hold(data_dir):
            return Startup(app, data_dir, self_test, language).run()
    except _Stop:
        return 0
    except UserError as exc:
        _report(exc.message, self_test)
        return 1
    finally:
        language.remove()


def _report(message: str, self_test: bool) -> None:
    if self_test:
        print(f"cdsxa: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "CĐS Xã", message)


class Startup:
    """The steps from a data folder to a signed-in main window."""

    def __init__(self, app: QApplication, data_dir: Path, self_test: bool,
                 language: Language) -> None:
        self.app, self.data_dir, self.self_test, self.language = (
            app, data_dir, self_test, language)

    def ask(self, dialog: QDialog, self_test_note: str) -> bool:
        """exec() the dialog; in the self-test show it once and go no further."""
        if self.self_test:
            dialog.show()
            self.app.processEvents()
            print(self_test_note, file=sys.stderr)
            dialog.close()
            return False
        return dialog.exec() == QDialog.DialogCode.Accepted

    def run(self) -> int:
        if not paths.database_path(self.data_dir).exists():
            return self._first_run()
        key = self._encrypt_old() if encrypt_profile.needs_encryption(self.data_dir) \
            else self._data_key()
        if key is None:
            return 0
        db = open_database(self.data_dir, key)
        try:
            return self._open(db)
        finally:
            _close(db)

    def _open(self, db: Database) -> int:
        self.language.use(_language(db))
        if db.commune_code is None:
            raise UserError(tr("The data folder {path} holds an unfinished profile. Move it "
                               "away to set up the commune again.").format(path=self.data_dir))
        principal = self._first_admin(db)
        if principal is None:
            principal = self._sign_in(db)
        return 0 if principal is None else self._main_window(db, principal)

    # --- before the data opens ---------------------------------------------------------

    def _first_run(self) -> int:
        from cdsxa.ui.wizard import SetupWizard

        wizard = SetupWizard(self.data_dir)
        if not self.ask(wizard, tr("No commune profile yet: the setup wizard opened.")):
            return 0
        db = wizard.database
        assert db is not None
        try:
            user = wizard.first_user()
            return self._main_window(db, self._sign_in_as(db, user.username, user.password))
        finally:
            _close(db)

    def _encrypt_old(self) -> keys.DataKey | None:
        from cdsxa.ui.unlock_dialogs import EncryptDialog

        dialog = EncryptDialog(self.data_dir)
        if not self.ask(dialog, tr("The data is not encrypted yet: the encryption dialog "
                                   "opened.")):
            return None
        return dialog.key

    def _data_key(self) -> keys.DataKey | None:
        from cdsxa.ui.unlock_dialogs import PassphraseDialog

        if keys.needs_passphrase(self.data_dir):
            dialog = PassphraseDialog(self.data_dir)
        else:
            try:
                return keys.find(self.data_dir)
            except keys.DataKeyError as exc:  # not in this keyring: copied from another PC?
                dialog = PassphraseDialog(self.data_dir, problem=exc.message)
        if not self.ask(dialog, tr("The data passphrase was asked for.")):
            self._self_test_stops(tr("Self-test failed: the data key is needed. Set "
                                     "CDSXA_PASSPHRASE to the data passphrase and run it "
                                     "again."))
            return None
        return dialog.key

    # --- who signs in ------------------------------------------------------------------

    def _first_admin(self, db: Database) -> Principal | None:
        """Create the administrator where none can sign in; sign in as them."""
        from cdsxa.ui.unlock_dialogs import FirstAdminDialog

        with db.reading(SYSTEM) as session:
            if not users.needs_first_admin(session):
                return None
            waiting = users.unclaimed_admin(session)
        dialog = FirstAdminDialog(db, waiting)
        if not self.ask(dialog, tr("No administrator yet: the dialog to create one opened.")):
            raise _Stop()
        assert dialog.user is not None
        return self._sign_in_as(db, dialog.user.username, dialog.user.password)

    def _sign_in_as(self, db: Database, username: str | None, password: str | None) -> Principal:

        return users.attempt_sign_in(db, username or "", password or "")

    def _sign_in(self, db: Database) -> Principal | None:
        from cdsxa.ui.sign_in import SignInDialog

        if self.self_test and os.environ.get(SELF_TEST_USER_ENV):
            return self._sign_in_as(db, os.environ.get(SELF_TEST_USER_ENV),
                                    os.environ.get(SELF_TEST_PASSWORD_ENV))
        dialog = SignInDialog(self.data_dir, db, _commune_name(db))
        if not self.ask(dialog, tr("The sign-in dialog opened. Set CDSXA_SELF_TEST_USER and "
                                   "CDSXA_SELF_TEST_PASSWORD to sign in and show every page.")):
            self._self_test_stops(tr("Self-test failed: it needs a sign-in. Set "
                                     "CDSXA_SELF_TEST_USER and CDSXA_SELF_TEST_PASSWORD (a "
                                     "user of this profile) and run it again."))
            return None
        return dialog.principal

    def _self_test_stops(self, how_to_go_on: str) -> None:
        """The self-test passes only once every page was shown: stopping short fails it."""
        if self.self_test:
            raise UserError(how_to_go_on)

    # --- signed in ---------------------------------------------------------------------

    def _main_window(self, db: Database, principal: Principal) -> int:
        shell = Shell(self.app, self.data_dir, db)
        shell.start(principal)
        if self.self_test:
            QTimer.singleShot(0, lambda: _self_test(self.app, shell))
        else:
            shell.start_daily_backups()
        try:
            return self.app.exec()
        finally:
            shell.stop_daily_backups()  # before the profile closes
            if shell.db is not db:  # reopened after a restore
                tasks.wait_for_all()
                shell.db.close()


class _Stop(UserError):
    """The user closed a start-up dialog: exit without an error."""

    def __init__(self) -> None:
        super().__init__("")


class Shell(QObject):
    """The signed-in app: the main window, and signing out back to the sign-in dialog."""

    def __init__(self, app: QApplication, data_dir: Path, db: Database,
                 backup_check_ms: int = BACKUP_CHECK_MS) -> None:
        super().__init__()
        self.app, self.data_dir, self.db = app, data_dir, db
        self.window: "QWidget | None" = None
        self.sign_in_dialog: QDialog | None = None
        self.backing_up = False
        self.backups_stopped: str | None = None  # what the officer was last told
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(backup_check_ms)
        self.backup_timer.timeout.connect(self._backup_check)

    # --- the daily automatic backup ------------------------------------------------------

    def start_daily_backups(self) -> None:
        """Today's backup now (if none yet), then a check every hour while the app is open;
        signed out too: the sign-in dialog may sit there for days."""
        self.back_up_today()
        self.backup_timer.start()

    def stop_daily_backups(self) -> None:
        self.backup_timer.stop()

    def _backup_check(self) -> None:
        # A restore from Settings runs in the pool with the profile closed (and reopens
        # it afterwards): a backup must not open it meanwhile. An export or a backup
        # still running is waited for too; the next check comes within the hour.
        if tasks.idle():
            self.back_up_today()

    def back_up_today(self) -> None:
        """Today's automatic backup in the background, unless one is still running."""
        if self.backing_up:
            return
        self.backing_up = True

        def finished() -> None:
            from cdsxa.ui.backup_panel import warn_if_backups_stopped

            self.backing_up = False
            # A failure only logged would go unnoticed for months: tell the officer.
            self.backups_stopped = warn_if_backups_stopped(
                self.window or self.sign_in_dialog, self.data_dir, self.backups_stopped)

        _daily_backup(self.db, self.data_dir, finished)

    def start(self, principal: Principal) -> "QWidget":
        from cdsxa.ui.main_window import MainWindow

        window = MainWindow(AppContext(self.data_dir, self.db, principal, Changes()))
        window.signed_out.connect(self.signed_out)
        window.reopen_requested.connect(self.reopen)
        window.show()
        self.window = window
        return window

    def reopen(self) -> None:
        """After a restore: the file under the open profile changed; open it again and
        ask who signs in (the restored data may hold other accounts)."""
        tasks.wait_for_all()
        key = self.db.key
        assert key is not None
        self.db.close()
        self.db = open_database(self.data_dir, key)
        self.signed_out()

    def signed_out(self) -> None:
        from cdsxa.ui.sign_in import SignInDialog

        tasks.wait_for_all()
        # The sign-in dialog replaces the window: closing it must not end the app.
        self.app.setQuitOnLastWindowClosed(False)
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        dialog = SignInDialog(self.data_dir, self.db, _commune_name(self.db))
        dialog.finished.connect(self._signed_in)
        self.sign_in_dialog = dialog
        dialog.open()

    def _signed_in(self, result: int) -> None:
        from cdsxa.ui.sign_in import SignInDialog

        dialog, self.sign_in_dialog = self.sign_in_dialog, None
        self.app.setQuitOnLastWindowClosed(True)
        if (result == QDialog.DialogCode.Accepted and isinstance(dialog, SignInDialog)
                and dialog.principal is not None):
            self.start(dialog.principal)
        else:
            self.app.quit()
        if dialog is not None:
            dialog.deleteLater()


def _close(db: Database) -> None:
    # An export or the daily backup may still be writing: let it finish first.
    finish_all(tr("Finishing the work in progress (backup, export) before closing…"))
    db.close()


def _now() -> datetime:
    return datetime.now().astimezone()


def _daily_backup(db: Database, data_dir: Path, finished: Callable[[], None]) -> None:
    """Today's automatic backup, if none yet, off the UI thread; then finished()."""
    from cdsxa.profile import backup

    def made(path: Path | None) -> None:
        finished()
        log.info("automatic backup: %s", path)

    def failed(error: Exception) -> None:
        finished()
        log.error("automatic backup failed: %s", user_message(error))

    QueryOp(None, lambda: backup.auto_backup(db, data_dir, _now())).success(made) \
        .failure(failed).run_in_background()


def _self_test(app: QApplication, shell: Shell) -> None:
    from cdsxa.ui.main_window import MainWindow

    window = shell.window
    assert isinstance(window, MainWindow)
    try:
        shown = window.visit_every_page()
        print(tr("Self-test passed: {count} pages shown.").format(count=shown))
        window.close()
        app.exit(0)
    except Exception:
        log.exception("self-test failed")
        app.exit(1)
