"""The person form's field widgets: dated fields, outcome rows, editable lists and styles.

No text of their own: labels and placeholders come translated from the form.
"""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QLineEdit, QWidget

from cdsxa.common import outcomes
from cdsxa.common.formatting import vn_date
from cdsxa.register import person_detail

NOTICE_STYLE = "QLabel { background: #e8f1fd; border: 1px solid #9ec1f0; border-radius: 4px;" \
               " padding: 6px; }"
NOTE_STYLE = "QLabel { color: #8a5a00; }"
HINT_STYLE = "QLabel { color: #555; }"


def index_of(combo: QComboBox, value: object) -> int:
    """The item whose data equals value (findData compares Python objects by identity)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def editable_combo(items: tuple[str, ...]) -> QComboBox:
    """A list to pick from or type into, completing from the start of each item."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(["", *items])
    completer = combo.completer()
    if completer is not None:
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    return combo


def refill(combo: QComboBox, items: list[str]) -> str:
    """Replaces an editable combo's items, keeping (and returning) what was typed."""
    typed = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(["", *items])
    combo.setCurrentText(typed)
    combo.blockSignals(False)
    return typed


class DateField(QLineEdit):
    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setMaxLength(10)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)

    def follow(self, chosen: bool) -> None:
        """Enabled while its choice is made: today when first made, blank when unmade."""
        self.setEnabled(chosen)
        if chosen and not self.text():
            self.setText(vn_date(date.today()))
        elif not chosen:
            self.clear()


class OutcomeRow:
    """A tick box and the date it was reached (blank: reached, date unknown)."""

    def __init__(self, label: str, placeholder: str) -> None:
        self.box = QCheckBox(label)
        self.date = DateField(placeholder)
        self.date.setEnabled(False)
        self.box.toggled.connect(self.date.follow)

    def set_value(self, reached: bool, on: date | None) -> None:
        self.box.setChecked(reached)
        self.date.setText(vn_date(on) if reached else "")

    def value(self, what: str) -> tuple[bool, date | None]:
        if not self.box.isChecked():
            return False, None
        return True, person_detail.parse_date(self.date.text(), what)


def reached_outcomes(rows: dict[str, OutcomeRow]) -> dict[str, date | None]:
    """The ticked rows' dates by outcome code (parsed: may raise)."""
    reached: dict[str, date | None] = {}
    for code, row in rows.items():
        ticked, on = row.value(outcomes.BY_CODE[code].label)
        if ticked:
            reached[code] = on
    return reached


def set_tab_order(fields: list[QWidget], rows: list[OutcomeRow], last: QWidget) -> None:
    """Tab goes through the fields, then each row's box and date, then last."""
    chain = [*fields]
    for row in rows:
        chain += [row.box, row.date]
    chain += [last]
    for first, second in zip(chain, chain[1:]):
        QWidget.setTabOrder(first, second)
