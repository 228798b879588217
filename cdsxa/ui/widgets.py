"""Small widget builders used across pages, so every page behaves the same."""

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def date_edit(not_after_today: bool = True) -> QDateEdit:
    """A dd/mm/yyyy date field with a calendar, starting at today."""
    edit = QDateEdit()
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
