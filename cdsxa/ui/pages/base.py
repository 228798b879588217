"""What the main window expects of a page."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cdsxa.ui import wheel_guard
from cdsxa.ui.context import AppContext


class Page(QWidget):
    """A page refreshes itself when records it shows change, and when it is shown."""

    # Record kinds (table names) whose changes this page shows; empty: none.
    watches: frozenset[str] = frozenset()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        context.changes.changed.connect(self._on_changed)

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if kinds & self.watches and self.isVisible():
            self.refresh()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        wheel_guard.guard(self)
        self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageHeading")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


def paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class NotBuiltPage(Page):
    """A module that a later version fills; it says so plainly."""

    def __init__(self, context: AppContext, title: str, purpose: str) -> None:
        super().__init__(context)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        layout.addWidget(paragraph(purpose))
        notice = paragraph(self.tr("This module is not built yet. It will come in a later "
                                   "version; nothing on this page is recorded or counted today."))
        notice.setObjectName("notBuiltNotice")
        notice.setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e0c060;"
                             " border-radius: 4px; padding: 10px; }")
        layout.addWidget(notice)
        layout.addStretch(1)
