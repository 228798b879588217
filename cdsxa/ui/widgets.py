"""Small widget builders used across pages, so every page behaves the same."""

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)


class DateEdit(QDateEdit):
    """One Tab stop, like any field: QDateEdit's Tab walks day, month and year first.
    Typing the digits moves from part to part, and Left/Right move too."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt override)
        return QWidget.focusNextPrevChild(self, forward)


def date_edit(not_after_today: bool = True) -> QDateEdit:
    """A dd/mm/yyyy date field with a calendar, starting at today."""
    edit = DateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(QDate.currentDate())
    if not_after_today:
        edit.setMaximumDate(QDate.currentDate())
    return edit


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def lay_out_entry_form(owner: QWidget, form: QFormLayout, error: QWidget,
                       save_button: QPushButton, confirmation: QLabel) -> None:
    """Fields, then the inline error, then Save with its confirmation beside it."""
    buttons = QHBoxLayout()
    buttons.addWidget(save_button)
    buttons.addWidget(confirmation, 1)
    layout = QVBoxLayout(owner)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addLayout(buttons)


# Where typing or choosing happens; a page's first such widget is where its work starts
# (before any button: "Export" is rarely the first thing to do).
_INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QTextEdit)


def start_widget(page: QWidget) -> QWidget | None:
    """Where work starts on page: what it names (its start_widget()), or else its first
    field in Tab order, or else its first button."""
    named = getattr(page, "start_widget", None)
    if callable(named):
        widget = named()
        if isinstance(widget, QWidget):
            return widget
    stops: list[QWidget] = []
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page and len(stops) < 200:
        if (page.isAncestorOf(widget) and widget.isEnabled() and widget.isVisibleTo(page)
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return next((w for w in stops if isinstance(w, _INPUTS)), stops[0] if stops else None)
