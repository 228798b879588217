"""Conflicts to review, on the Sync page: the record in words, both values side by
side, and the two ways to settle one (keep the value in use, or take the other back).

Settling is a write of the signed-in user (WriteOp): keeping the value in use marks
the conflict resolved (cdsxa.sync.conflicts.keep_current); taking the other value
writes it as a new edit, which then wins everywhere (cdsxa.sync.apply.reverse).
"""

import uuid
from collections.abc import Callable
from datetime import timezone, tzinfo

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout
from sqlalchemy.orm import Session

from cdsxa.common.formatting import thousands
from cdsxa.security.access import Permission
from cdsxa.sync import apply, conflicts
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.sync_text import local_time


class ConflictsPanel(QGroupBox):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.shown: list[conflicts.OpenConflict] = []
        self.table = RowsView([self.tr("Found"), self.tr("Record"), self.tr("Field"),
                               self.tr("Value in use"), self.tr("Other value"),
                               self.tr("Kind of conflict")], stretch=4)
        self.table.setObjectName("conflictsTable")
        self.keep_button = QPushButton(self.tr("Keep the value in use"))
        self.other_button = QPushButton(self.tr("Take the other value"))
        for button in (self.keep_button, self.other_button):
            button.setAutoDefault(True)  # Enter on the focused button presses it
        self.status = QLabel()
        self.error = ErrorLabel()
        self._build()
        self.keep_button.clicked.connect(self.keep_current)
        self.other_button.clicked.connect(self.take_other)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self._selection_changed()

    def _build(self) -> None:
        self.setTitle(self.tr("Conflicts to review"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.other_button)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self.tr(
            "The same value was changed on two PCs before they synced: the newer change is "
            "in use everywhere, the other is kept here until you decide."))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.setTabOrder(self.table, self.keep_button)
        self.setTabOrder(self.keep_button, self.other_button)

    def show_conflicts(self, found: list[conflicts.OpenConflict], total: int,
                       zone: tzinfo = timezone.utc) -> None:
        chosen = self.table.current_key()
        self.shown = found
        self.table.rows_model.set_rows(
            [(Shown(local_time(c.detected_at, zone), c.detected_at),
              c.record, c.field_label,
              c.current if not c.erased else self.tr("(erased: no values kept)"),
              c.other, c.kind_label) for c in found],
            [c.id for c in found])
        if chosen in self.table.rows_model.keys:
            self.table.selectRow(self.table.rows_model.keys.index(chosen))
        elif found:
            self.table.selectRow(0)
        # None to review: one line, and the room goes to the history below.
        for widget in (self.intro, self.table, self.keep_button, self.other_button):
            widget.setVisible(bool(found))
        if not total:
            self.status.setText(self.tr("No conflicts to review."))
        elif total > len(found):
            self.status.setText(self.tr("{count} conflicts to review; the newest {shown} are "
                                        "shown.").format(count=thousands(total),
                                                         shown=thousands(len(found))))
        else:
            self.status.setText(self.tr("{count} conflicts to review.").format(
                count=thousands(total)))
        self._selection_changed()

    def chosen(self) -> conflicts.OpenConflict | None:
        key = self.table.current_key()
        return next((c for c in self.shown if c.id == key), None)

    def _selection_changed(self) -> None:
        chosen = self.chosen()
        may = self.context.may(Permission.EDIT_RECORDS)
        self.keep_button.setEnabled(chosen is not None and may)
        self.other_button.setEnabled(chosen is not None and may and chosen.can_take_other)

    def keep_current(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self._settle(chosen.id, conflicts.keep_current)

    def take_other(self) -> None:
        chosen = self.chosen()
        if chosen is not None and chosen.can_take_other:
            self._settle(chosen.id, apply.reverse)

    def _settle(self, conflict_id: uuid.UUID,
                how: Callable[[Session, uuid.UUID], object]) -> None:
        if writing(self):
            return  # the first press is still being saved
        self.error.clear_error()
        WriteOp(self, self.context, lambda session: how(session, conflict_id)) \
            .failure(self.error.show_failure).run_in_background()
