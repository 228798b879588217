"""A group class: when, where, what, who taught, and who came (names or a count)."""

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cdsxa.register import teams, villages
from cdsxa.support import sessions, topics
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing
from cdsxa.ui.person_picker import PersonPicker, describe, register_search
from cdsxa.ui.topic_chooser import TopicChooser
from cdsxa.ui.widgets import date_edit, lay_out_entry_form, to_date


class GroupForm(QWidget):
    saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.held_on = date_edit()
        self.village = QComboBox()
        self.place = QLineEdit(placeholderText=self.tr("e.g. village cultural house"))
        self.topic = TopicChooser(single=True)
        self.trainer = QComboBox()
        self.picker = PersonPicker(register_search(context.db, context.actor))
        self.attendees = QListWidget()
        self.remove_attendee = QPushButton(self.tr("Remove from list"))
        self.count = QSpinBox(minimum=0, maximum=5000)
        self.count.setSpecialValueText(self.tr("names listed above"))
        self.notes = QLineEdit()
        self.save_button = QPushButton(self.tr("Save class"))
        self.error = ErrorLabel()
        self.confirmation = QLabel()
        self._build()
        self.reload_choices()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.held_on)
        form.addRow(self.tr("Village"), self.village)
        form.addRow(self.tr("Place"), self.place)
        form.addRow(self.tr("Topic"), self.topic)
        form.addRow(self.tr("Trainer"), self.trainer)
        form.addRow(self.tr("Add an attendee"), self.picker)
        form.addRow(self.tr("Attendees"), self.attendees)
        form.addRow("", self.remove_attendee)
        form.addRow(self.tr("Or only a head count"), self.count)
        form.addRow(self.tr("Notes"), self.notes)
        lay_out_entry_form(self, form, self.error, self.save_button, self.confirmation)
        self.attendees.setMaximumHeight(140)
        self.picker.picked.connect(self._add_attendee)
        self.remove_attendee.clicked.connect(
            lambda: self.attendees.takeItem(self.attendees.currentRow()))
        self.village.currentIndexChanged.connect(self._load_trainers)
        self.save_button.clicked.connect(self.save)

    def reload_choices(self) -> None:
        with self.context.read() as session:
            catalogue = topics.catalogue(session)
            village_rows = villages.list_all(session)
        self.topic.set_catalogue(catalogue)
        self.village.clear()
        self.village.addItem(self.tr("Whole commune"), None)
        for village in village_rows:
            self.village.addItem(village.name, village.id)

    def _load_trainers(self) -> None:
        with self.context.read() as session:
            rows = teams.members(session, village_id=self.village.currentData(),
                                 active_on=date.today())
        self.trainer.clear()
        self.trainer.addItem(self.tr("(not recorded)"), None)
        for row in rows:
            self.trainer.addItem(f"{row.full_name} ({row.village})", row.id)

    def _add_attendee(self, row: Any) -> None:
        if row is None:
            return
        ids = [self.attendees.item(i).data(Qt.ItemDataRole.UserRole).id
               for i in range(self.attendees.count())]
        if row.id not in ids:
            item = QListWidgetItem(describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.attendees.addItem(item)
        self.picker.clear()
        self.picker.edit.setFocus()

    def save(self) -> None:
        trainer = self.trainer.currentData()
        chosen = self.topic.chosen()
        if not chosen:
            self.error.show_error(self.tr("Choose the topic of the class."))
            return
        data = sessions.GroupInput(
            held_on=to_date(self.held_on.date()), topic=chosen[0].code,
            village_id=self.village.currentData(), place=self.place.text(),
            trainer_ids=[trainer] if trainer else [],
            attendee_ids=[self.attendees.item(i).data(Qt.ItemDataRole.UserRole).id
                          for i in range(self.attendees.count())],
            attendee_count=self.count.value() or None, notes=self.notes.text())
        if writing(self):
            return
        topic = chosen[0].name
        WriteOp(self, self.context, lambda session: sessions.record_group(session, data)) \
            .success(lambda _: self._saved(topic, data)).failure(self.error.show_failure) \
            .run_in_background()

    def _saved(self, topic: str, data: sessions.GroupInput) -> None:
        self.error.clear_error()
        self.confirmation.setText(self.tr("Saved: {topic}, {count} attendees.").format(
            topic=topic, count=len(data.attendee_ids) or data.attendee_count))
        self.attendees.clear()
        self.count.setValue(0)
        self.notes.clear()
