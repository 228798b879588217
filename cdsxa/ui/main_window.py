"""The main window: navigation on the left, one page at a time, a status bar.

Keyboard first: Ctrl+1 … Ctrl+9 open the pages (shown in the Go menu and the
navigation's tooltips), a page puts the cursor where its work starts when it is
opened, Lock (Ctrl+L) and Sign out (Ctrl+Shift+Q) are in the menu, not in the Tab
chain, and F1 lists every shortcut (cdsxa.ui.shortcuts_help).

What the signed-in user's role may not do is not offered: such pages show a short
notice instead, and such buttons are hidden. The services refuse it anyway.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.commune import profile, settings
from cdsxa.security import audit
from cdsxa.security.access import ROLE_LABELS, Permission
from cdsxa.sync import status
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext
from cdsxa.ui.i18n import tr
from cdsxa.ui.idle_lock import IdleLock
from cdsxa.ui.operations import QueryOp, reading
from cdsxa.ui.pages.audit_page import AuditPage
from cdsxa.ui.pages.base import NotBuiltPage, Page, heading, paragraph
from cdsxa.ui.pages.overview import OverviewPage
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.settings_page import SettingsPage
from cdsxa.ui.pages.support_page import SupportPage
from cdsxa.ui.pages.sync_page import SyncPage
from cdsxa.ui.pages.teams_page import TeamsPage
from cdsxa.ui.pages.users_page import UsersPage
from cdsxa.ui.pages.vneid_page import VneidPage
from cdsxa.ui.shortcuts_help import ShortcutsHelp
from cdsxa.ui.sync_scheduler import SyncScheduler
from cdsxa.ui.sync_text import progress_text, status_text
from cdsxa.ui.village_editor import VillageEditor
from cdsxa.ui.widgets import start_widget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    make: Callable[[AppContext], Page]
    # Without this permission the page shows `denied` (a short notice) instead.
    needs: Permission | None = None
    denied: str = ""


# Buttons of a page that need a permission; hidden for roles without it.
ACTION_LIMITS: dict[str, list[tuple[str, Permission]]] = {
    "people": [("add_button", Permission.EDIT_RECORDS), ("import_button", Permission.IMPORT),
               ("export_button", Permission.EXPORT_PEOPLE)],
    "support": [("remove_button", Permission.EDIT_RECORDS),
                ("export_button", Permission.EXPORT_PEOPLE)],
    "vneid": [("save_button", Permission.EDIT_RECORDS),
              ("export_button", Permission.EXPORT_PEOPLE)],
    "teams": [("add_button", Permission.EDIT_RECORDS), ("update_button", Permission.EDIT_RECORDS),
              ("left_button", Permission.EDIT_RECORDS),
              ("training_button", Permission.EDIT_RECORDS),
              ("export_button", Permission.EXPORT_PEOPLE)],
}


class RestrictedPage(Page):
    """What a role may not see: a short notice where the page would be."""

    def __init__(self, context: AppContext, title: str, notice: str) -> None:
        super().__init__(context)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        label = paragraph(notice)
        label.setObjectName("restrictedNotice")
        label.setStyleSheet("QLabel { background: #eef2f6; border: 1px solid #b8c4d0;"
                            " border-radius: 4px; padding: 10px; }")
        layout.addWidget(label)
        layout.addStretch(1)


def _later(title: str, purpose: str) -> Callable[[AppContext], Page]:
    return lambda context: NotBuiltPage(context, title, purpose)


def page_specs(sync: SyncScheduler) -> list[PageSpec]:
    """The modules of the app, in navigation order; `sync` is the window's one sync."""
    counts_only = tr("Your role shows counts only. The figures of this module are on the "
                     "Overview and in the Reports.")
    return [
        PageSpec("dashboard", tr("Overview"), OverviewPage),
        PageSpec("people", tr("People & households"), PeoplePage,
                 Permission.VIEW_PERSONAL, counts_only),
        PageSpec("support", tr("Citizen support"), SupportPage,
                 Permission.VIEW_PERSONAL, counts_only),
        PageSpec("vneid", tr("VNeID"), VneidPage, Permission.VIEW_PERSONAL, counts_only),
        PageSpec("ocop", tr("OCOP & e-commerce"), _later(
            tr("OCOP & e-commerce"),
            tr("OCOP products, producers and their online shop listings."))),
        PageSpec("teams", tr("Community tech teams"), TeamsPage),
        PageSpec("assessment", tr("Self-assessment"), _later(
            tr("Self-assessment"),
            tr("The yearly self-assessment against the province's criteria, and the dossier."))),
        PageSpec("reports", tr("Reports"), _later(
            tr("Reports"),
            tr("Periodic reports in the official document format, and Excel exports."))),
        PageSpec("sync", tr("Sync"), lambda context: SyncPage(context, sync),
                 Permission.SYNC, tr("Only the commune administrator syncs with the province.")),
        PageSpec("settings", tr("Settings"), SettingsPage),
        PageSpec("users", tr("Users"), UsersPage, Permission.MANAGE_USERS,
                 tr("Only the commune administrator manages user accounts.")),
        PageSpec("audit", tr("Activity log"), AuditPage, Permission.VIEW_AUDIT,
                 tr("Only the commune administrator reads the activity log.")),
    ]


def limit_settings(page: SettingsPage, context: AppContext) -> None:
    """The commune's own settings are for its administrator; the language is for all."""
    allowed = context.may(Permission.CHANGE_SETTINGS)
    for widget in (page.issuing_body, page.receiving_body, page.save_bodies, page.villages,
                   page.population, page.save_population):
        widget.setEnabled(allowed)


class MainWindow(QMainWindow):
    signed_out = Signal()
    # A restore replaced the database: the profile must be opened again.
    reopen_requested = Signal()

    def __init__(self, context: AppContext, idle_ms: int | None = None) -> None:
        """idle_ms: lock after this long without use (default: the profile's setting)."""
        super().__init__()
        self.context = context
        # Before the pages: the Sync page and the status bar follow it.
        self.sync_scheduler = SyncScheduler(context, self)
        self.specs = page_specs(self.sync_scheduler)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.commune_label = QLabel()
        self.user_label = QLabel()
        self.sync_label = QLabel()
        self.lock_action = QAction(tr("&Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip(tr("Lock CĐS Xã now (Ctrl+L)"))
        self.sign_out_action = QAction(tr("Sign &out"), self)
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        self.sign_out_action.setToolTip(tr("Sign out (Ctrl+Shift+Q)"))
        self.help_action = QAction(tr("&Keyboard shortcuts"), self)
        self.help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.go_actions: list[QAction] = []
        self.shortcuts_help: ShortcutsHelp | None = None
        self.idle_lock = IdleLock(self, context, idle_ms)
        self._build()
        self._restore_layout()
        # Counting pending changes takes tens of ms on a large commune: after a burst
        # of saves, count once, off the UI thread.
        self._status_timer = QTimer(self, singleShot=True, interval=300)
        self._status_timer.timeout.connect(self.refresh_status)
        context.changes.changed.connect(self._changed)
        self.sync_scheduler.started.connect(self.refresh_status)
        self.sync_scheduler.finished.connect(self.refresh_status)
        self.sync_scheduler.progressed.connect(  # sync progress lives in the status bar
            lambda stage, done, total: self.sync_label.setText(
                progress_text(stage, done, total)))
        self.idle_lock.locked.connect(self.sync_scheduler.pause)
        self.idle_lock.unlocked.connect(self.sync_scheduler.resume)
        self._show_identity()
        self.refresh_status()
        self.sync_scheduler.start()

    def _build(self) -> None:
        self.setWindowTitle(tr("CĐS Xã"))
        for index, spec in enumerate(self.specs):
            item = QListWidgetItem(spec.title, self.nav)
            if index < 9:  # Ctrl+1 … Ctrl+9: keyboard-first navigation
                keys = QKeySequence(f"Ctrl+{index + 1}")
                action = QAction(spec.title, self)
                action.setShortcut(keys)
                action.triggered.connect(lambda _=False, i=index: self.go_to(i))
                self.go_actions.append(action)
                item.setToolTip(f"{spec.title} ({keys.toString()})")
        self.nav.currentRowChanged.connect(self._open_row)
        # Chosen with the mouse, or Enter on a row: into the page. Moving along the
        # list with the arrow keys shows each page but leaves the cursor in the list.
        self.nav.itemClicked.connect(lambda _: self.focus_page())
        self.nav.itemActivated.connect(lambda _: self.focus_page())
        # Wide enough for the longest page name in either language, never cut.
        self.nav.setMinimumWidth(max(180, self.nav.sizeHintForColumn(0)
                                     + 2 * self.nav.frameWidth() + 16))
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 900])
        self.setCentralWidget(self.splitter)
        bar = self.statusBar()
        bar.addWidget(self.commune_label)
        bar.addWidget(self.user_label)
        for action in (self.lock_action, self.sign_out_action):
            self.addAction(action)  # the shortcut works wherever the focus is
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # by shortcut, not by Tab
            bar.addWidget(button)
        self._build_menus()
        self.help_action.triggered.connect(self.show_shortcuts)
        bar.addPermanentWidget(self.sync_label)
        self.lock_action.triggered.connect(self.idle_lock.lock)
        self.sign_out_action.triggered.connect(lambda: self.sign_out())
        # The lock dialog has asked already.
        self.idle_lock.sign_out_requested.connect(lambda: self.sign_out(ask=False))
        self.resize(1200, 760)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        app_menu = bar.addMenu(tr("&CĐS Xã"))
        app_menu.addAction(self.lock_action)
        app_menu.addAction(self.sign_out_action)
        go_menu = bar.addMenu(tr("&Go to"))
        for action in self.go_actions:
            go_menu.addAction(action)
        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addAction(self.help_action)

    def show_shortcuts(self) -> ShortcutsHelp:
        """F1: every shortcut, read from the menus, and the forms' keys."""
        if self.shortcuts_help is None:
            self.shortcuts_help = ShortcutsHelp(
                [self.lock_action, self.sign_out_action, *self.go_actions, self.help_action],
                self)
        self.shortcuts_help.show()
        self.shortcuts_help.raise_()
        return self.shortcuts_help

    def _first_step(self, step: str) -> None:
        """From the Overview's "how to start": the page, and the cursor on the step."""
        key = {"villages": "settings", "import": "people", "support": "support"}[step]
        page = self.show_page(key)
        self.focus_page()
        target = {"villages": "villages", "import": "import_button"}.get(step)
        widget = getattr(page, target, None) if target else None
        if isinstance(widget, VillageEditor):
            widget = widget.name_edit
        if isinstance(widget, QWidget) and widget.isVisible() and widget.isEnabled():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_to(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self.focus_page()

    def focus_page(self) -> None:
        """The cursor where the shown page's work starts (its start_widget, or else its
        first field in Tab order)."""
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            target = start_widget(page)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.page(self.specs[row].key))
            if not self.nav.hasFocus():
                self.focus_page()

    def page(self, key: str) -> Page:
        """The page for key, built the first time it is needed (start-up builds one)."""
        if key not in self.pages:
            spec = next(spec for spec in self.specs if spec.key == key)
            self.pages[key] = self._make(spec)
            self.stack.addWidget(self.pages[key])
        return self.pages[key]

    def _make(self, spec: PageSpec) -> Page:
        if spec.needs is not None and not self.context.may(spec.needs):
            return RestrictedPage(self.context, spec.title, spec.denied)
        page = spec.make(self.context)
        for name, permission in ACTION_LIMITS.get(spec.key, []):
            if not self.context.may(permission):
                getattr(page, name).hide()
        if isinstance(page, OverviewPage):
            page.getting_started.go.connect(self._first_step)
        if isinstance(page, SettingsPage):
            limit_settings(page, self.context)
            page.backup.restart_requested.connect(self.reopen_requested)
        return page

    def current_key(self) -> str:
        return self.specs[max(0, self.nav.currentRow())].key

    def show_page(self, key: str) -> Page:
        index = next(i for i, spec in enumerate(self.specs) if spec.key == key)
        self.nav.setCurrentRow(index)
        return self.page(key)

    def _changed(self, kinds: frozenset[str]) -> None:
        if "commune_profile" in kinds:
            self._show_identity()
        self._status_timer.start()

    def _show_identity(self) -> None:
        with self.context.read() as session:
            view = profile.load(session)
        self.commune_label.setText(view.commune_name if view else "")
        principal = self.context.principal
        self.user_label.setText(tr("User: {name} ({role})").format(
            name=principal.label, role=ROLE_LABELS[principal.role]))

    def refresh_status(self) -> None:
        data_dir = self.context.data_dir
        QueryOp(self, reading(self.context, lambda session: status.state(session, data_dir))) \
            .success(self._show_sync) \
            .failure(lambda error: log.warning("sync state not read: %s",
                                               type(error).__name__)) \
            .run_in_background()

    def _show_sync(self, sync: status.SyncState) -> None:
        self.sync_label.setText(status_text(sync, self.sync_scheduler.running))

    def visit_every_page(self) -> int:
        """Show each page once (the self-test); returns how many were shown."""
        app = QApplication.instance()
        for spec in self.specs:
            self.show_page(spec.key)
            if app is not None:
                app.processEvents()
            if not self.pages[spec.key].isVisible():
                raise RuntimeError(f"page {spec.key} did not show")
        return len(self.specs)

    # Window size, splitter and page are remembered per profile.
    def _restore_layout(self) -> None:
        with self.context.read() as session:
            geometry = settings.get(session, settings.WINDOW_GEOMETRY)
            splitter = settings.get(session, settings.SPLITTER_STATE)
            last = settings.get(session, settings.LAST_PAGE)
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode()))
        keys = [spec.key for spec in self.specs]
        self.nav.setCurrentRow(keys.index(last) if last in keys else 0)

    def save_layout(self) -> None:
        def encoded(data: QByteArray) -> str:
            return bytes(data.toBase64().data()).decode()

        # Closing: written here and now, once the saves still running are done.
        tasks.writer_pool().waitForDone()
        with self.context.db.transaction(self.context.actor) as session:
            settings.put(session, settings.WINDOW_GEOMETRY, encoded(self.saveGeometry()))
            settings.put(session, settings.SPLITTER_STATE, encoded(self.splitter.saveState()))
            settings.put(session, settings.LAST_PAGE, self.current_key())

    def open_forms(self) -> list[QDialog]:
        return [dialog for dialog in self.findChildren(QDialog) if dialog.isVisible()]

    def confirm_sign_out(self) -> bool:
        answer = QMessageBox.question(self, tr("Sign out"), tr(
            "Signing out closes the open forms; what was typed and not saved is lost. "
            "Sign out?"))
        return answer == QMessageBox.StandardButton.Yes

    def sign_out(self, ask: bool = True) -> None:
        """Recorded, then whoever started the window closes it and asks who signs in."""
        if ask and self.open_forms() and not self.confirm_sign_out():
            return
        self.sync_scheduler.stop()  # at most one short step of it to wait for
        tasks.writer_pool().waitForDone()  # the saves still running are recorded first
        with self.context.db.transaction(self.context.actor) as session:
            audit.record(session, "sign_out", "")
        self.signed_out.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.idle_lock.stop()
        self.sync_scheduler.stop()
        self.save_layout()
        super().closeEvent(event)
