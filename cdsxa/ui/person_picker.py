"""Picking a citizen from the register by typing: name, ID number or phone.

Arrow keys move through the matches, Enter takes one; typing again starts over.
The search runs off the UI thread once typing pauses.
Matches show the ID number or phone masked (038•••••••12), as every list does.
"""

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from cdsxa.common.formatting import mask_id_number, mask_phone, vn_date
from cdsxa.db.engine import Database
from cdsxa.register import search
from cdsxa.common.actor import Actor
from cdsxa.security.access import Principal
from cdsxa.ui.errors import user_message
from cdsxa.ui.operations import QueryOp

SearchFunction = Callable[[str], Sequence[Any]]  # returns register.search PersonRow items


def register_search(db: Database, actor: Actor | Principal,
                    limit: int = 50) -> SearchFunction:
    """Searching the register, as every picker does: a short read per keystroke pause,
    as the signed-in user."""
    def run(text: str) -> Sequence[Any]:
        with db.reading(actor) as session:
            return search.search_people(session, text, limit=limit)
    return run


def describe(row: Any) -> str:
    """'Lò Thị Mai · 01/05/1990 · Bản Hang · 038•••••••23' for a search row."""
    birth = row.birth if isinstance(row.birth, int) else vn_date(row.birth)
    number = mask_id_number(row.id_number) if row.id_number else mask_phone(row.phone)
    parts = [row.full_name, str(birth or ""), row.village, number]
    return " · ".join(p for p in parts if p)


class PersonPicker(QWidget):
    picked = Signal(object)  # the chosen row (register.search PersonRow), or None

    def __init__(self, search: SearchFunction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = search  # called on a worker thread: it opens its own session
        self.chosen: Any = None
        self.generation = 0  # of the searches: only the newest one's answer is shown
        self.searching = False
        self._take_first = False  # Enter was pressed while searching
        self.edit = QLineEdit(placeholderText=self.tr("Type a name, ID number or phone"))
        self.edit.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(150)
        self.matches.hide()
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.matches)
        layout.addWidget(self.status)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        self.edit.textEdited.connect(self._typed)
        self.edit.installEventFilter(self)
        self.matches.itemActivated.connect(self._take)

    def _typed(self) -> None:
        if self.chosen is not None:
            self.chosen = None
            self.picked.emit(None)
        self._take_first = False
        self._timer.start()

    def refresh(self) -> None:
        """Search for what is typed, off the UI thread; the matches shown stay until the
        answer comes, and an answer to older typing is dropped."""
        self.generation += 1
        generation, text, search = self.generation, self.edit.text().strip(), self.search
        if len(text) < 2:
            self.searching = False
            self.matches.clear()
            self.matches.hide()
            self.status.clear()
            return
        self.searching = True
        QueryOp(self, lambda: list(search(text))) \
            .success(lambda rows: self._show(generation, rows)) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _show(self, generation: int, rows: list[Any]) -> None:
        if generation != self.generation:
            return  # typed again meanwhile
        self.searching = False
        self.matches.clear()
        for row in rows[:50]:
            item = QListWidgetItem(describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.matches.addItem(item)
        self.matches.setVisible(bool(rows))
        if rows:
            self.matches.setCurrentRow(0)
            self.status.setText(self.tr("{count} matches: ↓ to choose, Enter to take").format(
                count=len(rows)))
        else:
            self.status.setText(self.tr("Nobody matches. Add the citizen below."))
        take, self._take_first = self._take_first, False
        if take and self.matches.currentItem() is not None:  # Enter came before the matches
            self._take(self.matches.currentItem())

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self.generation:
            self.searching = self._take_first = False
            self.matches.clear()
            self.matches.hide()
            self.status.setText(user_message(error))

    def _enter(self) -> bool:
        """Enter takes the first match; before the matches caught up, once they come."""
        if self._timer.isActive():
            self._timer.stop()
            self.refresh()
        if self.searching:
            self._take_first = True
            return True
        if self.matches.isVisible() and self.matches.currentItem() is not None:
            self._take(self.matches.currentItem())
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.edit and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.isVisible():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
                self.matches.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._enter():
                return True
        return super().eventFilter(watched, event)

    def _take(self, item: QListWidgetItem) -> None:
        self.set_chosen(item.data(Qt.ItemDataRole.UserRole))
        self.focusNextChild()

    def set_chosen(self, row: Any) -> None:
        self._timer.stop()
        self.generation += 1  # a search still running must not show its matches again
        self.searching = self._take_first = False
        self.chosen = row
        self.matches.hide()
        self.edit.setText(row.full_name if row is not None else "")
        self.status.setText(describe(row) if row is not None else "")
        self.picked.emit(row)

    def chosen_id(self) -> uuid.UUID | None:
        return None if self.chosen is None else self.chosen.id

    def clear(self) -> None:
        self.set_chosen(None)
        self.status.clear()
