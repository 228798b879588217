"""Editing the list of villages: the same widget in the wizard and in Settings.

The widget talks to a store: in the wizard the names live in memory until the
profile is created; in Settings they are records changed through the services.
"""

from collections.abc import Callable
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
from cdsxa.db.session import AppSession
from cdsxa.register import villages
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp


@dataclass(frozen=True)
class VillageRow:
    key: object
    name: str
    households: int = 0
    people: int = 0


# Told how a change went: None once it is made, else why not (a UserError says it).
Done = Callable[[Exception | None], None]


class VillageStore(Protocol):
    def rows(self) -> list[VillageRow]: ...
    def add(self, name: str, done: Done) -> None: ...
    def rename(self, key: object, name: str, done: Done) -> None: ...
    def merge(self, source: object, target: object, done: Done) -> None: ...
    def remove(self, key: object, done: Done) -> None: ...


class MemoryVillageStore:
    """Names typed in the wizard, checked with the same rules as saved villages."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def rows(self) -> list[VillageRow]:
        return [VillageRow(i, name) for i, name in enumerate(self.names)]

    @staticmethod
    def _change(change: Callable[[], None], done: Done) -> None:
        try:
            change()
        except UserError as exc:
            done(exc)
            return
        done(None)

    def add(self, name: str, done: Done) -> None:
        self._change(lambda: self._set(villages.check_new_names([*self.names, name])), done)

    def rename(self, key: object, name: str, done: Done) -> None:
        changed = list(self.names)
        changed[int(str(key))] = name
        self._change(lambda: self._set(villages.check_new_names(changed)), done)

    def merge(self, source: object, target: object, done: Done) -> None:
        # Nothing is recorded yet, so merging is dropping the source name.
        self.remove(source, done)

    def remove(self, key: object, done: Done) -> None:
        del self.names[int(str(key))]
        done(None)

    def _set(self, names: list[str]) -> None:
        self.names = names


class DatabaseVillageStore:
    """Villages as records: each change is a WriteOp (announced when it commits)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.context, self.parent = context, parent

    def rows(self) -> list[VillageRow]:
        with self.context.read() as session:
            return [VillageRow(v.id, v.name, v.households, v.people)
                    for v in villages.list_all(session)]

    def _write(self, change: Callable[[AppSession], object], done: Done) -> None:
        WriteOp(self.parent, self.context, change).success(lambda _: done(None)) \
            .failure(done).run_in_background()

    def add(self, name: str, done: Done) -> None:
        self._write(lambda session: villages.add(session, name), done)

    def rename(self, key: object, name: str, done: Done) -> None:
        self._write(lambda session: villages.rename(
            session, key, name), done)  # type: ignore[arg-type]

    def merge(self, source: object, target: object, done: Done) -> None:
        self._write(lambda session: villages.merge(
            session, source, target), done)  # type: ignore[arg-type]

    def remove(self, key: object, done: Done) -> None:
        self._write(lambda session: villages.remove(session, key), done)  # type: ignore[arg-type]


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

    def _attempt(self, change: Callable[[Done], None],
                 then: Callable[[], None] | None = None) -> None:
        """Ask the store for a change; once it says how it went, show the list again."""
        def done(error: Exception | None) -> None:
            self.reload()
            if error is not None:
                self.error.show_failure(error)
                return
            self.error.clear_error()
            self.edited.emit()
            if then is not None:
                then()

        change(done)

    def add_typed(self) -> None:
        name = self.name_edit.text()
        self._attempt(lambda done: self.store.add(name, done), self.name_edit.clear)
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
        name = item.text()
        self._attempt(lambda done: self.store.rename(key, name, done))

    def remove_selected(self) -> None:
        key = self._selected_key()
        if key is not None:
            self._attempt(lambda done: self.store.remove(key, done))

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
            self._attempt(lambda done: self.store.merge(source, target, done))

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Merge villages"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _update_buttons(self) -> None:
        selected = self.list.currentItem() is not None
        for button in (self.rename_button, self.remove_button):
            button.setEnabled(selected)
        self.merge_button.setEnabled(selected and self.list.count() > 1)
