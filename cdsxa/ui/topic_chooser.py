"""Choosing a session's topics from the keyboard, the same keys giving the same topics.

A list's type-ahead jumps from the row it was left on, so the keys that chose
"Kích hoạt tài khoản VNeID" for one citizen chose "Khác" for the next. Here a box
filters the catalogue (no diacritics needed), the first match is highlighted the
moment something is typed, Enter adds it; what is chosen shows as chips, each
removable (click it, or Backspace in the empty box removes the last). The catalogue
order decides between matches, never what was done before, and `clear()` resets it
all for the next citizen. With `single`, choosing replaces the one topic (a class).
"""

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.text import fold
from cdsxa.support.topics import TopicView

CHIP_STYLE = ("QPushButton { text-align: left; padding: 3px 8px; border: 1px solid #9ec1f0;"
              " border-radius: 10px; background: #e8f1fd; }"
              " QPushButton:hover { background: #fde8e8; border-color: #e0a0a0; }")


def matches(catalogue: Sequence[TopicView], typed: str) -> list[TopicView]:
    """Topics whose name starts with what was typed, then those with a word starting so,
    then those containing it; catalogue order within each (diacritics, case ignored)."""
    query = fold(typed)
    if not query:
        return list(catalogue)
    starts, words, inside = [], [], []
    for topic in catalogue:
        name = fold(topic.name)
        if name.startswith(query):
            starts.append(topic)
        elif f" {query}" in f" {name}":
            words.append(topic)
        elif query in name:
            inside.append(topic)
    return starts + words + inside


class TopicChooser(QWidget):
    changed = Signal()  # a topic was added or removed

    def __init__(self, single: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.single = single
        self.catalogue: list[TopicView] = []
        self.chosen_topics: list[TopicView] = []
        self.chips: list[QPushButton] = []
        self.filter = QLineEdit(placeholderText=self.tr(
            "Type a few letters (no accents needed), Enter adds the highlighted topic"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        # Reached from the box (Up/Down) or the mouse: one Tab stop for the whole chooser.
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMinimumHeight(110)
        self.chip_area = QWidget()
        self.chip_layout = QVBoxLayout(self.chip_area)
        self.chip_layout.setContentsMargins(0, 0, 0, 0)
        self.chip_layout.setSpacing(3)
        self.chip_area.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chip_area)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        self.setFocusProxy(self.filter)
        self.filter.textChanged.connect(self._show_matches)
        self.filter.installEventFilter(self)
        self.list.itemClicked.connect(self._take)

    # What the form asks -----------------------------------------------------------------

    def set_catalogue(self, catalogue: Sequence[TopicView]) -> None:
        self.catalogue = list(catalogue)
        known = {t.code for t in self.catalogue}
        self.chosen_topics = [t for t in self.chosen_topics if t.code in known]
        self._redraw()

    def chosen(self) -> list[TopicView]:
        return list(self.chosen_topics)

    def choose(self, code: str) -> None:
        topic = next((t for t in self.catalogue if t.code == code), None)
        if topic is not None and topic not in self.chosen_topics:
            self.chosen_topics = [topic] if self.single else [*self.chosen_topics, topic]
            self._redraw()
            self.changed.emit()

    def remove(self, code: str) -> None:
        before = len(self.chosen_topics)
        self.chosen_topics = [t for t in self.chosen_topics if t.code != code]
        if len(self.chosen_topics) != before:
            self._redraw()
            self.changed.emit()

    def clear(self) -> None:
        """Ready for the next citizen: nothing chosen, nothing typed, nothing highlighted."""
        had = bool(self.chosen_topics)
        self.chosen_topics = []
        self.filter.clear()
        self._redraw()
        if had:
            self.changed.emit()

    def chip_texts(self) -> list[str]:
        return [t.name for t in self.chosen_topics]

    def match_texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    # Inside ------------------------------------------------------------------------------

    def _redraw(self) -> None:
        for chip in self.chips:
            self.chip_layout.removeWidget(chip)
            chip.hide()  # at once: deleteLater waits for the event loop
            chip.deleteLater()
        self.chips = []
        for topic in self.chosen_topics:
            chip = QPushButton(f"{topic.name}   ✕")
            chip.setObjectName("topicChip")
            chip.setStyleSheet(CHIP_STYLE)
            chip.setToolTip(self.tr("Remove this topic (or Backspace in the empty box)"))
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop between fields
            chip.setAutoDefault(False)
            chip.clicked.connect(lambda _=False, code=topic.code: self.remove(code))
            self.chip_layout.addWidget(chip)
            chip.show()  # at once: a layout shows a new child only from the event loop
            self.chips.append(chip)
        self.chip_area.setVisible(bool(self.chips))
        self._show_matches()

    def _show_matches(self) -> None:
        typed = self.filter.text()
        self.list.clear()
        for topic in matches(self.catalogue, typed):
            if topic in self.chosen_topics:
                continue
            item = QListWidgetItem(topic.name)
            item.setData(Qt.ItemDataRole.UserRole, topic)
            item.setToolTip(topic.name)
            self.list.addItem(item)
        # Highlighted only once something is typed: Enter in the empty box adds nothing.
        self.list.setCurrentRow(0 if typed.strip() and self.list.count() else -1)

    def _take(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        topic = item.data(Qt.ItemDataRole.UserRole)
        self.filter.clear()
        self.choose(topic.code)
        self.filter.setFocus()

    def _move(self, step: int) -> None:
        count = self.list.count()
        if count:
            row = self.list.currentRow()
            self.list.setCurrentRow(0 if row < 0 else max(0, min(count - 1, row + step)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.list.currentRow() >= 0:
                    self._take(self.list.currentItem())
                return True  # Enter here chooses; it never saves the session half-done
            if key == Qt.Key.Key_Down:
                self._move(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(-1)
                return True
            if key == Qt.Key.Key_Backspace and not self.filter.text() and self.chosen_topics:
                self.remove(self.chosen_topics[-1].code)
                return True
        return super().eventFilter(watched, event)
