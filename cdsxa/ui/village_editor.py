"""Editing the list of villages: the same widget in the wizard and in Settings.

The widget talks to a store: in the wizard the names live in memory until the
profile is created; in Settings they are records changed through the services.
"""

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.register import villages
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel


@dataclass(frozen=True)
class VillageRow:
    key: object
    name: str
    households: int = 0
    people: int = 0


class VillageStore(Protocol):
    def rows(self) -> list[VillageRow]: ...
    def add(self, name: str) -> None: ...
    def rename(self, key: object, name: str) -> None: ...
    def merge(self, source: object, target: object) -> None: ...
    def remove(self, key: object) -> None: ...


class MemoryVillageStore:
    """Names typed in the wizard, checked with the same rules as saved villages."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def rows(self) -> list[VillageRow]:
        return [VillageRow(i, name) for i, name in enumerate(self.names)]

    def add(self, name: str) -> None:
        self.names = villages.check_new_names([*self.names, name])

    def rename(self, key: object, name: str) -> None:
        changed = list(self.names)
        changed[int(str(key))] = name
        self.names = villages.check_new_names(changed)

    def merge(self, source: object, target: object) -> None:
        # Nothing is recorded yet, so merging is dropping the source name.
        self.remove(source)

    def remove(self, key: object) -> None:
        del self.names[int(str(key))]


class DatabaseVillageStore:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    def rows(self) -> list[VillageRow]:
        with self.context.read() as session:
            return [VillageRow(v.id, v.name, v.households, v.people)
                    for v in villages.list_all(session)]

    def add(self, name: str) -> None:
        with self.context.write("village") as session:
            villages.add(session, name)

    def rename(self, key: object, name: str) -> None:
        with self.context.write("village") as session:
            villages.rename(session, key, name)  # type: ignore[arg-type]

    def merge(self, source: object, target: object) -> None:
        with self.context.write("village", "household", "person") as session:
            villages.merge(session, source, target)  # type: ignore[arg-type]

    def remove(self, key: object) -> None:
        with self.context.write("village") as session:
            villages.remove(session, key)  # type: ignore[arg-type]


class EntryLineEdit(QLineEdit):
    """A line edit whose Enter belongs to it: in a dialog or wizard, Enter would
    otherwise also press the default button (e.g. "Next") after adding the name."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class VillageEditor(QWidget):
    edited = Signal()

    def __init__(self, store: VillageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.name_edit = EntryLineEdit(placeholderText=self.tr("e.g. Thôn Đồng Tâm, Bản Hang"))
        self.add_button = QPushButton(self.tr("&Add"))
        self.list = QListWidget()
        self.list.setMinimumHeight(160)
        self.list.setEditTriggers(QListWidget.EditTrigger.DoubleClicked
                                  | QListWidget.EditTrigger.EditKeyPressed)
        self.rename_button = QPushButton(self.tr("&Rename"))
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.merge_target = QComboBox()
        self.merge_button = QPushButton(self.tr("&Merge into"))
        self.error = ErrorLabel()
        self._build()
        self.reload()

    def _build(self) -> None:
        add_row = QHBoxLayout()
        add_row.addWidget(self.name_edit, 1)
        add_row.addWidget(self.add_button)
        actions = QHBoxLayout()
        for widget in (self.rename_button, self.remove_button, self.merge_button):
            actions.addWidget(widget)
        actions.addWidget(self.merge_target, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("New village, hamlet or residential group:")))
        layout.addLayout(add_row)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        self.name_edit.returnPressed.connect(self.add_typed)
        self.add_button.clicked.connect(self.add_typed)
        self.rename_button.clicked.connect(self._start_rename)
        self.remove_button.clicked.connect(self.remove_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.list.itemChanged.connect(self._renamed)
        self.list.currentRowChanged.connect(self._update_buttons)

    def reload(self) -> None:
        rows = self.store.rows()
        self.list.blockSignals(True)
        self.list.clear()
        self.merge_target.clear()
        for row in rows:
            item = QListWidgetItem(row.name)
            item.setData(Qt.ItemDataRole.UserRole, row.key)
            item.setToolTip(self.tr("{households} households, {people} people").format(
                households=thousands(row.households), people=thousands(row.people)))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
            self.merge_target.addItem(row.name, row.key)
        self.list.blockSignals(False)
        self._update_buttons()

    def names(self) -> list[str]:
        return [row.name for row in self.store.rows()]

    def _attempt(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except UserError as exc:
            self.error.show_error(exc.message)
            self.reload()
            return False
        self.error.clear_error()
        self.reload()
        self.edited.emit()
        return True

    def add_typed(self) -> None:
        if self._attempt(lambda: self.store.add(self.name_edit.text())):
            self.name_edit.clear()
        self.name_edit.setFocus()

    def _selected_key(self) -> object | None:
        item = self.list.currentItem()
        key: object | None = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return key

    def _start_rename(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _renamed(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        self._attempt(lambda: self.store.rename(key, item.text()))

    def remove_selected(self) -> None:
        key = self._selected_key()
        if key is not None:
            self._attempt(lambda: self.store.remove(key))

    def merge_selected(self) -> None:
        source, target = self._selected_key(), self.merge_target.currentData()
        if source is None or target is None:
            return
        if source == target:
            self.error.show_error(self.tr("Choose another village to merge into."))
            return
        source_name = self.list.currentItem().text()
        question = self.tr("Merge “{source}” into “{target}”? Its households and people move "
                           "to “{target}”, and “{source}” leaves the list.").format(
            source=source_name, target=self.merge_target.currentText())
        if self.confirm(question):
            self._attempt(lambda: self.store.merge(source, target))

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Merge villages"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _update_buttons(self) -> None:
        selected = self.list.currentItem() is not None
        for button in (self.rename_button, self.remove_button):
            button.setEnabled(selected)
        self.merge_button.setEnabled(selected and self.list.count() > 1)
