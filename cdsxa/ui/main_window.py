"""The main window: navigation on the left, one page at a time, a status bar."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget,
)

from cdsxa import profile, settings
from cdsxa.formatting import thousands
from cdsxa.sync import status
from cdsxa.ui.context import AppContext
from cdsxa.ui.i18n import tr
from cdsxa.ui.tasks import run_in_background
from cdsxa.ui.pages.base import NotBuiltPage, Page
from cdsxa.ui.pages.overview import OverviewPage
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.settings_page import SettingsPage
from cdsxa.ui.pages.support_page import SupportPage
from cdsxa.ui.pages.sync_page import SyncPage
from cdsxa.ui.pages.teams_page import TeamsPage
from cdsxa.ui.pages.vneid_page import VneidPage



log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    make: Callable[[AppContext], Page]


def _later(title: str, purpose: str) -> Callable[[AppContext], Page]:
    return lambda context: NotBuiltPage(context, title, purpose)


def page_specs() -> list[PageSpec]:
    """The modules of the app, in navigation order."""
    return [
        PageSpec("dashboard", tr("Overview"), OverviewPage),
        PageSpec("people", tr("People & households"), PeoplePage),
        PageSpec("support", tr("Citizen support"), SupportPage),
        PageSpec("vneid", tr("VNeID"), VneidPage),
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
        PageSpec("sync", tr("Sync"), lambda context: SyncPage(
            context, tr("Sync"),
            tr("Sending this commune's records to the province hub, by network or by USB "
               "file. The connection to the province is not built yet."))),
        PageSpec("settings", tr("Settings"), SettingsPage),
    ]


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.specs = page_specs()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.commune_label = QLabel()
        self.user_label = QLabel()
        self.sync_label = QLabel()
        self._build()
        self._restore_layout()
        # Counting pending changes takes tens of ms on a large commune: after a burst
        # of saves, count once, off the UI thread.
        self._status_timer = QTimer(self, singleShot=True, interval=300)
        self._status_timer.timeout.connect(self.refresh_status)
        context.changes.changed.connect(self._changed)
        self._show_identity()
        self.refresh_status()

    def _build(self) -> None:
        self.setWindowTitle(tr("CĐS Xã"))
        for index, spec in enumerate(self.specs):
            QListWidgetItem(spec.title, self.nav)
            if index < 9:  # Ctrl+1 … Ctrl+9: keyboard-first navigation
                shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
                shortcut.activated.connect(lambda i=index: self.nav.setCurrentRow(i))
        self.nav.currentRowChanged.connect(self._open_row)
        self.nav.setMinimumWidth(180)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 900])
        self.setCentralWidget(self.splitter)
        bar = self.statusBar()
        bar.addWidget(self.commune_label)
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.sync_label)
        self.resize(1200, 760)

    def _open_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.page(self.specs[row].key))

    def page(self, key: str) -> Page:
        """The page for key, built the first time it is needed (start-up builds one)."""
        if key not in self.pages:
            spec = next(spec for spec in self.specs if spec.key == key)
            self.pages[key] = spec.make(self.context)
            self.stack.addWidget(self.pages[key])
        return self.pages[key]

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
        self.user_label.setText(tr("User: {name}").format(
            name=self.context.actor.removeprefix("user:")))

    def refresh_status(self) -> None:
        db = self.context.db

        def work() -> status.SyncState:
            with db.reading() as session:
                return status.state(session)

        run_in_background(work, self._show_sync, lambda message: log.warning(
            "sync state not read: %s", message))

    def _show_sync(self, sync: status.SyncState) -> None:
        when = (tr("never synced") if sync.last_success is None
                else tr("last synced {when}").format(
                    when=sync.last_success.astimezone().strftime("%d/%m/%Y %H:%M")))
        self.sync_label.setText(tr("Sync: {when} · {count} changes waiting").format(
            when=when, count=thousands(sync.pending)))

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

        with self.context.db.transaction(self.context.actor) as session:
            settings.put(session, settings.WINDOW_GEOMETRY, encoded(self.saveGeometry()))
            settings.put(session, settings.SPLITTER_STATE, encoded(self.splitter.saveState()))
            settings.put(session, settings.LAST_PAGE, self.current_key())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_layout()
        super().closeEvent(event)


