"""Starting the GUI: translations, opening the profile, the first-run wizard, the window."""

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from cdsxa import settings
from cdsxa.db.engine import Database
from cdsxa.errors import UserError
from cdsxa.profile import users
from cdsxa.storage import open_database
from cdsxa.ui import i18n
from cdsxa.ui.i18n import tr
from cdsxa.ui.style import STYLE_SHEET
from cdsxa.ui.context import AppContext, Changes

log = logging.getLogger(__name__)



def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("CĐS Xã")
    app.setOrganizationName("CDSXa")
    app.setWindowIcon(QIcon.fromTheme("applications-office"))
    app.setStyleSheet(STYLE_SHEET)
    return app


def actor_for(db: Database) -> str:
    """Until sign-in exists, the app acts as the profile's first user."""
    with db.reading() as session:
        known = users(session)
    return f"user:{known[0].full_name}" if known else "user:unknown"


def _language(db: Database) -> str:
    with db.reading() as session:
        return settings.get(session, settings.LANGUAGE)


def _report(message: str, self_test: bool) -> None:
    if self_test:
        print(f"cdsxa: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "CĐS Xã", message)


def run(data_dir: Path, self_test: bool = False) -> int:
    app = application()
    try:
        db = open_database(data_dir)
    except UserError as exc:
        i18n.install(app, "vi")
        _report(exc.message, self_test)
        return 1
    translator = i18n.install(app, _language(db))
    opened: Database | None = db
    try:
        if db.commune_code is None:
            opened = _first_run(app, data_dir, db, self_test)
        return 0 if opened is None else _main_window(app, data_dir, opened, self_test)
    finally:
        if translator is not None:
            app.removeTranslator(translator)
        if opened is not None:
            opened.close()


def _first_run(app: QApplication, data_dir: Path, db: Database, self_test: bool) -> Database | None:
    from cdsxa.ui.wizard import SetupWizard

    db.close()
    wizard = SetupWizard(data_dir)
    if self_test:
        wizard.show()
        app.processEvents()
        print(tr("No commune profile yet: the setup wizard opened."), file=sys.stderr)
        wizard.close()
        return None
    if wizard.exec() != SetupWizard.DialogCode.Accepted or wizard.database is None:
        return None
    return wizard.database


def _main_window(app: QApplication, data_dir: Path, db: Database, self_test: bool) -> int:
    from cdsxa.ui.main_window import MainWindow

    context = AppContext(data_dir, db, actor_for(db), Changes())
    window = MainWindow(context)
    window.show()
    if self_test:
        QTimer.singleShot(0, lambda: _self_test(app, window))
    code = app.exec()
    # An export or import may still be writing: let it finish before the profile closes.
    QThreadPool.globalInstance().waitForDone()
    return code


def _self_test(app: QApplication, window: "object") -> None:
    from cdsxa.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    try:
        shown = window.visit_every_page()
        print(tr("Self-test passed: {count} pages shown.").format(count=shown))
        window.close()
        app.exit(0)
    except Exception:
        log.exception("self-test failed")
        app.exit(1)
