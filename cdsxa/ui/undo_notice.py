"""A line saying what was just saved, with an Undo button (and Ctrl+Z) beside it.

The undo itself is the page's: a service call, so what was saved is taken back the
way any change is, recorded and synced.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class UndoNotice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoNotice")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #1b5e20; }")
        self.button = QPushButton(self.tr("&Undo"))
        self.button.setToolTip(self.tr("Take back what was just saved (Ctrl+Z)"))
        self.button.setAutoDefault(False)
        self._undo: Callable[[], None] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.undo)
        self.shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.undo)
        self.hide()

    def offer(self, message: str, undo: Callable[[], None] | None) -> None:
        """Say what was saved; with undo, offer to take it back."""
        self._undo = undo
        self.message.setText(message)
        self.button.setVisible(undo is not None)
        self.shortcut.setEnabled(undo is not None)
        self.show()

    def done(self, message: str) -> None:
        """The undo went through (or what was offered is no longer undoable)."""
        self.offer(message, None)

    def undo(self) -> None:
        if self._undo is not None and self.isVisible():
            undo, self._undo = self._undo, None  # one press, one undo
            self.button.setVisible(False)
            undo()

    def clear(self) -> None:
        self._undo = None
        self.message.clear()
        self.hide()
