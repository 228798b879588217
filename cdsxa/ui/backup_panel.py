"""Sao lưu: the last automatic backup, a copy to a USB stick, and restoring one.

Backing up and restoring run off the UI thread. A restore replaces the open
profile's database, so the profile is closed first and the window must reopen
it afterwards: the panel emits `restart_requested`, which the main window handles.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common import admin_units
from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.engine import Database
from cdsxa.profile import backup, paths
from cdsxa.profile import restore as restoring
from cdsxa.security import keys
from cdsxa.security.access import Permission, Principal
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp

MANUAL_REASON = "manual"


def when(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",") if size >= 100_000 else \
        f"{max(1, round(size / 1000))} kB"


@dataclass(frozen=True)
class LatestBackup:
    path: Path
    at: datetime
    kept: int


def latest_auto_backup(data_dir: Path) -> LatestBackup | None:
    """The newest automatic backup (their names sort by time) and how many are kept."""
    folder = backup.auto_dir(data_dir)
    found = sorted(folder.glob(f"*{backup.SUFFIX}")) if folder.is_dir() else []
    if not found:
        return None
    newest = found[-1]
    return LatestBackup(newest, datetime.fromtimestamp(newest.stat().st_mtime).astimezone(),
                        len(found))


def warn_if_backups_stopped(parent: QWidget | None, data_dir: Path,
                            told: str | None) -> str | None:
    """After a daily backup: when backups have stopped, say so and why (once for the
    same problem, told being what was said last); returns the problem, or None."""
    problem = backup.backup_problem(data_dir)
    if problem is not None and problem != told:
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate(
            "BackupPanel", "Automatic backups have stopped"), problem,
            QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("backupsStopped")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal, does not block the caller
    return problem


@dataclass(frozen=True)
class Inspected:
    """A backup file checked whole, and what is known of the commune it holds."""

    info: backup.BackupInfo
    commune_name: str
    same_profile: bool


def _inspect(path: Path, data_dir: Path) -> Inspected:
    """Worker thread: read and check the backup (it reads the whole file)."""
    info = backup.inspect_backup(path)
    keyfile = keys.KeyFile.load(data_dir)
    same = keyfile is not None and info.profile_id in (None, keyfile.profile_id)
    return Inspected(info, admin_units.commune_label(info.commune_code), same)


def _restore(data_dir: Path, path: Path, principal: Principal, key: keys.DataKey | None,
             recovery_key: str | None, other_commune: bool) -> restoring.Restored:
    """Worker thread: the profile is closed; replace its database with the backup's."""
    return restoring.restore(data_dir, path, principal, key=key, recovery_key=recovery_key,
                          other_commune=other_commune)


class BackupPanel(QGroupBox):
    restart_requested = Signal()  # the database was replaced: reopen the profile

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Backups"))
        self.context = context
        self.last_auto = QLabel()
        self.last_auto.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = QPushButton(self.tr("Open folder"))
        self.backup_button = QPushButton(self.tr("Back up to USB…"))
        self.restore_button = QPushButton(self.tr("Restore from backup…"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ErrorLabel()
        self.stopped = ErrorLabel()  # the daily backups fail: stays until they work
        self.progress: QProgressDialog | None = None
        self._build()
        self.open_folder.clicked.connect(self._open_folder)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.choose_restore)
        self.refresh()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Last automatic backup"), self.last_auto)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.open_folder)
        form.addRow(self.tr("Backup folder"), folder_row)
        note = QLabel(self.tr(
            "A backup is made automatically every day; the last 14 days and one a month "
            "for a year are kept. Backups are encrypted: they open only with this profile's "
            "key or its recovery key."))
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stopped)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error)

    def _allowed(self) -> bool:
        return self.context.may(Permission.BACKUP)

    def refresh(self) -> None:
        latest = latest_auto_backup(self.context.data_dir)
        if latest is None:
            self.last_auto.setText(self.tr("None yet"))
        else:
            self.last_auto.setText(self.tr("{time} · {file} ({kept} kept)").format(
                time=when(latest.at), file=latest.path.name, kept=latest.kept))
        self.folder.setText(str(paths.backup_dir(self.context.data_dir)))
        problem = backup.backup_problem(self.context.data_dir)
        if problem is None:
            self.stopped.clear_error()
        else:
            self.stopped.show_error(problem)
        allowed = self._allowed()
        self.backup_button.setEnabled(allowed)
        self.restore_button.setEnabled(allowed)
        if not allowed:
            self.backup_button.setToolTip(self.tr("Only administrators back up and restore."))
            self.restore_button.setToolTip(self.backup_button.toolTip())

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]

    def _open_folder(self) -> None:
        try:
            folder = backup.backups_folder(self.context.data_dir)
        except UserError as exc:
            self.error.show_failure(exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- backing up -----------------------------------------------------------------

    def back_up(self) -> None:
        suggested = Path.home() / backup.backup_name(datetime.now(), MANUAL_REASON)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Back up to USB"), str(suggested),
            self.tr("CĐS Xã backup (*{suffix})").format(suffix=backup.SUFFIX))
        if not chosen:
            return
        target = Path(chosen)
        if not target.name.endswith(backup.SUFFIX):
            target = target.with_name(target.name + backup.SUFFIX)
        db, principal = self.context.db, self.context.principal
        self._busy(self.tr("Backing up to {path}…").format(path=target))
        QueryOp(self, lambda: backup.make_backup(db, target, MANUAL_REASON, principal)) \
            .success(self._backed_up).failure(self._failed).run_in_background()

    def _backed_up(self, info: backup.BackupInfo) -> None:
        self._idle()
        self.status.setText(self.tr("Backed up to {path} ({size}). Keep the USB stick "
                                    "somewhere safe: with the recovery key it opens the "
                                    "data.").format(path=info.path, size=size_text(info.size)))

    # --- restoring ------------------------------------------------------------------

    def choose_restore(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Restore from backup"), str(paths.backup_dir(self.context.data_dir)),
            self.tr("CĐS Xã backup (*{suffix})").format(suffix=backup.SUFFIX))
        if not chosen:
            return
        path, data_dir = Path(chosen), self.context.data_dir
        self._busy(self.tr("Checking {file}…").format(file=path.name))
        QueryOp(self, lambda: _inspect(path, data_dir)).success(self._inspected) \
            .failure(self._failed).run_in_background()

    def describe(self, found: Inspected) -> str:
        info = found.info
        commune = found.commune_name
        if self.other_commune(found):
            commune = self.tr("ANOTHER commune: {name}").format(name=commune)
        revision = info.revision or "?"
        if info.revision and info.revision < migrate.SCHEMA_HEAD:
            revision = self.tr("{revision} (older; it is upgraded when opened)").format(
                revision=info.revision)
        lines = [
            self.tr("Made on: {time}").format(time=when(info.created_at)),
            self.tr("Commune: {commune}").format(commune=commune),
            self.tr("Data version: {revision}").format(revision=revision),
            self.tr("Size: {size}").format(size=size_text(info.size)),
        ]
        if not found.same_profile:
            lines.append(self.tr("It was made on another PC or profile: its recovery key "
                                 "is needed."))
        return "\n".join(lines)

    def other_commune(self, found: Inspected) -> bool:
        here = self.context.db.commune_code
        return found.info.commune_code not in (None, here) and here is not None

    def _inspected(self, found: Inspected) -> None:
        self._idle()
        self.status.setText(self.tr("{file} is whole and readable.").format(
            file=found.info.path.name))
        question = self.tr(
            "Restore this backup?\n\n{details}\n\nThe current data will be kept as a backup "
            "first. Everything entered after the backup was made is replaced, and CĐS Xã "
            "reopens the data.").format(details=self.describe(found))
        answer = QMessageBox.question(self, self.tr("Restore from backup"), question)
        if answer != QMessageBox.StandardButton.Yes:
            self.status.setText(self.tr("Nothing was restored."))
            return
        other = self.other_commune(found)
        if other and QMessageBox.warning(
                self, self.tr("Restore from backup"),
                self.tr("This backup holds the data of {other}, not of {here}. Restoring it "
                        "replaces this commune's data with the other commune's, and that is "
                        "what will be sent to the province.\n\nReplace it anyway?").format(
                    other=found.commune_name,
                    here=admin_units.commune_label(self.context.db.commune_code)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            self.status.setText(self.tr("Nothing was restored."))
            return
        recovery_key = None
        if not found.same_profile:
            recovery_key, given = QInputDialog.getText(
                self, self.tr("Recovery key"),
                self.tr("The recovery key printed when that profile was set up:"),
                QLineEdit.EchoMode.Normal)
            if not given or not recovery_key.strip():
                self.status.setText(self.tr("Nothing was restored."))
                return
        self.restore(found.info.path, recovery_key, other_commune=other)

    def restore(self, path: Path, recovery_key: str | None = None,
                other_commune: bool = False) -> None:
        """Close the profile, replace its data in the background, then ask to reopen."""
        principal = self.context.principal
        db: Database = self.context.db
        tasks.wait_for_all(10_000)  # no read or write in flight
        key, data_dir = db.key, self.context.data_dir
        db.close()
        self._busy(self.tr("Restoring {file}…").format(file=path.name), modal=True)
        QueryOp(self, lambda: _restore(data_dir, path, principal, key, recovery_key,
                                       other_commune)) \
            .success(self._restored).failure(self._failed).run_in_background()

    def _restored(self, done: restoring.Restored) -> None:
        self._idle()
        kept = str(done.previous) if done.previous else self.tr("nothing to keep")
        self.status.setText(self.tr("Restored the backup of {time}. The data it replaced is "
                                    "kept in {kept}. Reopening…").format(
            time=when(done.backup.created_at), kept=kept))
        self.restart_requested.emit()

    # --- shared -----------------------------------------------------------------------

    def _busy(self, message: str, modal: bool = False) -> None:
        self.error.clear_error()
        self.status.setText(message)
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        if modal:  # a restore: nothing else may touch the closed profile meanwhile
            self.progress = QProgressDialog(message, "", 0, 0, self)
            self.progress.setCancelButton(None)
            self.progress.setWindowTitle(self.tr("Restore from backup"))
            self.progress.setWindowModality(Qt.WindowModality.ApplicationModal)
            self.progress.setMinimumDuration(0)
            self.progress.show()

    def _idle(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self._idle()
        self.status.clear()
        self.error.show_failure(error)

