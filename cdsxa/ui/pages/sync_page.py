"""Đồng bộ: enrolling this PC with the province hub, syncing now, what the attempts did,
and the conflicts to review.

Not enrolled: the hub's address and the province's one-time code (cdsxa.ui.sync_enrol).
Enrolled: the hub and commune, "Sync now" with its progress, the last success, what
waits, when the next automatic attempt comes (cdsxa.ui.sync_scheduler, shared with the
window's timer), the history of attempts, and the conflicts (cdsxa.ui.sync_conflicts).
Everything shown is read off the UI thread in one query.
"""

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from cdsxa.common.admin_units import commune_label
from cdsxa.common.formatting import thousands
from cdsxa.sync import conflicts, status
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp, reading
from cdsxa.ui.pages.base import Page, heading, paragraph
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.sync_conflicts import ConflictsPanel
from cdsxa.ui.sync_enrol import EnrolForm
from cdsxa.ui.sync_files import FilesPanel
from cdsxa.ui.sync_scheduler import Finished, SyncScheduler
from cdsxa.ui.sync_text import clock_time, local_time, progress_text, result_text

NOTICE_STYLE = ("QLabel { background: #fdecea; border: 1px solid #e0a09a; border-radius: 4px;"
                " padding: 10px; }")


@dataclass(frozen=True)
class PageData:
    """What the page shows, read in one go."""

    state: status.SyncState
    history: list[status.Attempt]
    conflicts: list[conflicts.OpenConflict]


def _load(session: Session, context: AppContext) -> PageData:
    state = status.state(session, context.data_dir)
    found = conflicts.open_conflicts(session) if state.conflicts else []
    return PageData(state, status.history(session), found)


class SyncPage(Page):
    def __init__(self, context: AppContext, scheduler: SyncScheduler) -> None:
        super().__init__(context)
        self.scheduler = scheduler
        self.data: PageData | None = None
        self._loading = self._again = False
        self.enrol_form = EnrolForm(context)
        self.enrolled_box = QWidget()
        self.hub_label, self.commune_label = QLabel(), QLabel()
        self.last_success, self.pending, self.next_attempt = QLabel(), QLabel(), QLabel()
        self.pending.setObjectName("pendingChanges")
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setAutoDefault(True)  # Enter on the focused button presses it
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress_label = QLabel()
        self.result = QLabel()
        self.result.setObjectName("syncResult")
        self.notice = paragraph("")
        self.notice.setObjectName("syncFailure")
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.error = ErrorLabel()
        self.conflicts = ConflictsPanel(context)
        self.files = FilesPanel(context)
        self.history = RowsView([self.tr("Time"), self.tr("Result"), self.tr("Sent"),
                                 self.tr("Received"), self.tr("Conflicts"), self.tr("Note")],
                                stretch=5, right_aligned=(2, 3, 4))
        self.history.setObjectName("syncHistory")
        self._build()
        self._show_idle()
        self.enrol_form.enrolled.connect(self._enrolled)
        self.sync_button.clicked.connect(self.sync_now)
        scheduler.started.connect(self._started)
        scheduler.progressed.connect(self._progressed)
        scheduler.finished.connect(self._finished)
        scheduler.planned.connect(self._show_next)

    def _build(self) -> None:
        self.info = info = QFormLayout()
        info.addRow(self.tr("Province hub"), self.hub_label)
        info.addRow(self.tr("Commune"), self.commune_label)
        info.addRow(self.tr("Last successful sync"), self.last_success)
        info.addRow(self.tr("Changes waiting to be sent"), self.pending)
        info.addRow(self.tr("Next automatic sync"), self.next_attempt)
        top = QHBoxLayout()
        top.addLayout(info, 1)
        top.addWidget(self.files, 1)
        progress = QHBoxLayout()
        progress.addWidget(self.sync_button)
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.progress_label, 1)
        self.enrolled_layout = enrolled = QVBoxLayout(self.enrolled_box)
        enrolled.setContentsMargins(0, 0, 0, 0)
        enrolled.addLayout(top)
        enrolled.addLayout(progress)
        enrolled.addWidget(self.result)
        enrolled.addWidget(self.notice)
        enrolled.addWidget(self.conflicts, 3)
        history_box = QGroupBox(self.tr("Sync attempts"))
        QVBoxLayout(history_box).addWidget(self.history)
        enrolled.addWidget(history_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Sync")))
        layout.addWidget(paragraph(self.tr(
            "This commune's records go to the province hub and the other PCs' changes come "
            "back. Everything keeps working without a network: what is not sent yet stays "
            "safe on this PC and goes with the next sync.")))
        layout.addWidget(self.enrol_form, 1)  # one of the two is shown: it takes the room
        layout.addWidget(self.enrolled_box, 1)
        layout.addWidget(self.error)
        self.enrolled_box.hide()
        self.setTabOrder(self.sync_button, self.files.export_button)
        self.setTabOrder(self.files.export_button, self.files.receipt_button)
        self.setTabOrder(self.files.receipt_button, self.conflicts.table)
        self.setTabOrder(self.conflicts.other_button, self.history)

    def start_widget(self) -> QWidget:
        """Where work starts: the first empty field of the enrolment, or "Sync now"."""
        if self.enrolled_box.isHidden():
            return self.enrol_form.code if self.enrol_form.hub_url.text() \
                else self.enrol_form.hub_url
        return self.files.export_button if self.sync_button.isHidden() else self.sync_button

    # --- reading ------------------------------------------------------------------------

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if self.isVisible():  # anything written changes what waits to be sent
            self.refresh()

    def refresh(self) -> None:
        if self._loading:  # one read at a time; one more once it arrives
            self._again = True
            return
        self._loading = True
        context = self.context
        QueryOp(self, reading(context, lambda session: _load(session, context))) \
            .success(self._arrived).failure(self._failed).run_in_background()

    def _arrived(self, data: PageData) -> None:
        self._loading = False
        self.data = data
        self.error.clear_error()
        self._show(data)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, error: Exception) -> None:
        self._loading = self._again = False
        self.error.show_failure(error)

    # --- showing ------------------------------------------------------------------------

    def _show(self, data: PageData) -> None:
        state = data.state
        focus_was_in_form = self.enrol_form.isAncestorOf(self.focusWidget()) \
            if self.focusWidget() else False
        self.enrol_form.setVisible(not state.enrolled)
        self.enrolled_box.setVisible(state.enrolled)
        # Enrolled by file: no network sync, the files only.
        for widget in (self.sync_button, self.next_attempt,
                       self.info.labelForField(self.next_attempt)):
            if widget is not None:
                widget.setVisible(not state.by_file)
        if state.enrolled and focus_was_in_form:
            self.start_widget().setFocus()
        self.hub_label.setText(state.hub_url or self.tr("none: enrolled with a file, syncs "
                                                        "by file"))
        self.commune_label.setText(commune_label(state.commune_code))
        self.last_success.setText(self.tr("never") if state.last_success is None
                                  else local_time(state.last_success, state.zone))
        self.pending.setText(thousands(state.pending))
        self.history.rows_model.set_rows([self._attempt_cells(a, data) for a in data.history],
                                         list(range(len(data.history))))
        self.conflicts.show_conflicts(data.conflicts, state.conflicts, state.zone)
        self.enrolled_layout.setStretchFactor(self.conflicts, 3 if data.conflicts else 0)
        self._show_next()
        self._show_notice()

    def _attempt_cells(self, attempt: status.Attempt, data: PageData) -> tuple[object, ...]:
        zone = data.state.zone
        return (Shown(local_time(attempt.at, zone), attempt.at), result_text(attempt),
                attempt.sent, attempt.received, attempt.conflicts, attempt.message)

    def _show_next(self) -> None:
        if self.scheduler.running:
            self.next_attempt.setText(self.tr("syncing now"))
        elif self.scheduler.next_at is not None and self.data is not None:
            self.next_attempt.setText(clock_time(self.scheduler.next_at, self.data.state.zone,
                                                 self.scheduler.now()))
        else:
            self.next_attempt.setText(self.tr("none planned"))
        self._show_notice()

    def _show_notice(self) -> None:
        """The last attempt failed: why, in its words, and what happens next."""
        message = self._failure()
        if not message or self.scheduler.running:
            self.notice.hide()
            return
        if self.scheduler.next_at is not None and self.data is not None:
            then = self.tr("CĐS Xã will try again by itself at {time}.").format(
                time=clock_time(self.scheduler.next_at, self.data.state.zone,
                                self.scheduler.now()))
        else:
            then = self.tr("Press “Sync now” to try again.")
        self.notice.setText(f"{message} {then}")
        self.notice.show()

    def _failure(self) -> str:
        last = self.scheduler.last
        if last is not None and not last.ok and not last.stopped and last.outcome is None:
            return last.message  # ended before the history could record it
        attempt = self.data.state.last_attempt if self.data is not None else None
        return attempt.message if attempt is not None and not attempt.ok else ""

    def _show_idle(self) -> None:
        self.progress.hide()
        self.progress_label.clear()
        self.sync_button.setEnabled(not self.scheduler.running)

    # --- enrolling and syncing ----------------------------------------------------------

    def _enrolled(self, done: object) -> None:
        name = getattr(done, "commune_name", "")
        self.result.setText(self.tr("This PC is now enrolled with the province hub for "
                                    "{commune}.").format(commune=name))
        self.scheduler.start()
        self.refresh()

    def sync_now(self) -> None:
        if self.scheduler.running:
            return
        if not self.scheduler.run_now():
            self.error.show_error(self.tr("Syncing is not possible now (is the window locked, "
                                          "or closing?)."))

    def _started(self) -> None:
        self.error.clear_error()
        self.result.clear()
        self.notice.hide()
        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first batch says how many
        self.progress.show()
        self.progress_label.setText(self.tr("Connecting to the province hub…"))
        self._show_next()

    def _progressed(self, stage: str, done: int, total: int) -> None:
        if stage == "push" and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)
        self.progress_label.setText(progress_text(stage, done, total))

    def _finished(self, finished: Finished) -> None:
        self._show_idle()
        outcome = finished.outcome
        if outcome is not None and finished.ok:
            self.result.setText(self.tr(
                "Synced: {sent} changes sent, {received} received, {conflicts} conflicts; "
                "{pending} still waiting.").format(
                sent=thousands(outcome.sent), received=thousands(outcome.received),
                conflicts=thousands(outcome.conflicts), pending=thousands(outcome.pending)))
        elif finished.stopped:
            self.result.setText(finished.message)
        self.refresh()
