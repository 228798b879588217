"""The one-to-one support session form, built for speed from the keyboard.

Tab goes field to field in reading order; the topics are chosen by typing (see
cdsxa.ui.topic_chooser); Enter in a text field or Ctrl+S saves, Esc starts over.
After a save everything about the citizen is reset, so the next one starts clean;
the date, village and helper stay.
"""

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cdsxa.common.errors import UserError
from cdsxa.common.ids import PersonId
from cdsxa.common.outcomes import VNEID_FAILURE_REASONS
from cdsxa.commune import settings
from cdsxa.db.session import AppSession
from cdsxa.register import people, person_detail, teams, villages
from cdsxa.support import sessions, topics
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing
from cdsxa.ui.person_picker import PersonPicker, register_search
from cdsxa.ui.topic_chooser import TopicChooser
from cdsxa.ui.widgets import date_edit, lay_out_entry_form, to_date


class NewCitizen(QGroupBox):
    """A citizen not yet in the register, added with the session in one save."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("New citizen (added to the register with this session)"))
        self.name = QLineEdit()
        self.gender = QComboBox()
        self.gender.addItem(self.tr("Male"), "male")
        self.gender.addItem(self.tr("Female"), "female")
        # Empty until typed: a default year would become a wrong age group unseen.
        self.birth_year = QLineEdit(placeholderText=self.tr("year (e.g. 1975) or dd/mm/yyyy"))
        self.birth_year.setMaxLength(10)
        self.phone = QLineEdit()
        self.village = QComboBox()
        form = QFormLayout(self)
        form.addRow(self.tr("Full name"), self.name)
        form.addRow(self.tr("Gender"), self.gender)
        form.addRow(self.tr("Year of birth"), self.birth_year)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Village"), self.village)
        self.hide()

    def person_input(self) -> people.PersonInput:
        """What was typed, as the service takes it (the birth parsed: may raise)."""
        birth_date, birth_year = person_detail.parse_birth(self.birth_year.text())
        return people.PersonInput(
            full_name=self.name.text(), gender=str(self.gender.currentData()),
            village_id=self.village.currentData(), birth_date=birth_date,
            birth_year=birth_year, phone=self.phone.text() or None)


class SessionForm(QWidget):
    saved = Signal(str)  # a confirmation line for the status area

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.held_on = date_edit()
        self.picker = PersonPicker(register_search(context.db, context.actor))
        self.add_new = QPushButton(self.tr("&New citizen"))
        self.new_citizen = NewCitizen()
        self.member = QComboBox()
        self.topics = TopicChooser()
        self.result = QComboBox()
        for code, label in sessions.RESULTS.items():
            self.result.addItem(label, code)
        self.reason = QLineEdit(placeholderText=self.tr("Why it could not be done"))
        self.vneid_level = QComboBox()
        self.vneid_failure = QComboBox()
        self.minutes = QSpinBox(minimum=0, maximum=600, suffix=self.tr(" min"))
        self.minutes.setSpecialValueText("—")
        self.notes = QLineEdit()
        self.save_button = QPushButton(self.tr("&Save session"))
        self.save_button.setDefault(True)
        self.error = ErrorLabel()
        self.confirmation = QLabel()
        self._build()
        self.reload_choices()

    def _build(self) -> None:
        self.vneid_level.addItem(self.tr("level unknown"), None)
        self.vneid_level.addItem(self.tr("Level 1"), 1)
        self.vneid_level.addItem(self.tr("Level 2"), 2)
        self.vneid_failure.addItem(self.tr("(not a VNeID failure)"), None)
        for code, label in VNEID_FAILURE_REASONS.items():
            self.vneid_failure.addItem(label, code)
        who = QHBoxLayout()
        who.addWidget(self.picker, 1)
        who.addWidget(self.add_new, 0, Qt.AlignmentFlag.AlignTop)
        vneid_row = QHBoxLayout()
        vneid_row.addWidget(self.vneid_level)
        vneid_row.addWidget(self.vneid_failure, 1)
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.held_on)
        form.addRow(self.tr("Citizen"), who)
        form.addRow(self.new_citizen)
        form.addRow(self.tr("Helped by"), self.member)
        form.addRow(self.tr("Topics"), self.topics)
        form.addRow(self.tr("Result"), self.result)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("VNeID"), vneid_row)
        form.addRow(self.tr("Minutes"), self.minutes)
        form.addRow(self.tr("Notes"), self.notes)
        lay_out_entry_form(self, form, self.error, self.save_button, self.confirmation)
        self.add_new.clicked.connect(self.start_new_citizen)
        self.picker.picked.connect(self._person_picked)
        self.save_button.clicked.connect(self.save)
        self.topics.changed.connect(self._update_visibility)
        for combo in (self.member, self.result, self.vneid_failure, self.new_citizen.village):
            # Long choices (failure reasons) must not widen the form past the latest list.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.result.currentIndexChanged.connect(self._update_visibility)
        for edit in (self.reason, self.notes, self.new_citizen.name, self.new_citizen.phone,
                     self.new_citizen.birth_year):
            edit.returnPressed.connect(self.save)
        self.save_button.setToolTip(self.tr("Save the session (Enter or Ctrl+S)"))
        self.add_new.setToolTip(self.tr("Add a citizen who is not in the register (Ctrl+N)"))
        self._set_tab_order()
        # Scoped to this form: other pages have their own Ctrl+N.
        for keys, action in (("Ctrl+S", self.save), ("Ctrl+N", self.start_new_citizen),
                             ("Esc", self.clear)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(action)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_visibility()

    def reload_choices(self) -> None:
        """Topics and villages come from the database (the catalogue is data)."""
        with self.context.read() as session:
            catalogue = topics.catalogue(session)
            village_rows = villages.list_all(session)
            last_village = settings.get(session, settings.LAST_VILLAGE)
        self.topics.set_catalogue(catalogue)
        combo = self.new_citizen.village
        combo.clear()
        for village in village_rows:
            combo.addItem(village.name, village.id)
        index = combo.findData(uuid.UUID(last_village)) if last_village else -1
        combo.setCurrentIndex(max(index, 0))
        self._load_members(combo.currentData())

    def _load_members(self, village_id: Any) -> None:
        with self.context.read() as session:
            rows = teams.members(session, village_id=village_id, active_on=date.today()) \
                if village_id else []
            last = settings.get(session, settings.LAST_MEMBER)
        self.member.clear()
        self.member.addItem(self.tr("(nobody from the team)"), None)
        for row in rows:
            self.member.addItem(row.full_name, row.id)
        index = self.member.findData(uuid.UUID(last)) if last else -1
        self.member.setCurrentIndex(index if index > 0 else min(1, self.member.count() - 1))

    def _person_picked(self, row: Any) -> None:
        if row is not None:
            self.new_citizen.hide()
            with self.context.read() as session:
                village_id = villages.find_by_name(session, row.village)
            self._load_members(village_id)

    def start_new_citizen(self) -> None:
        self.new_citizen.name.setText(self.picker.edit.text())
        self.picker.clear()
        self.new_citizen.show()
        self.new_citizen.name.setFocus()

    def _set_tab_order(self) -> None:
        """Field to field in reading order; the new citizen's fields when shown."""
        citizen = self.new_citizen
        chain = [self.held_on, self.picker.edit, self.add_new, citizen.name, citizen.gender,
                 citizen.birth_year, citizen.phone, citizen.village, self.member,
                 self.topics.filter, self.result, self.reason, self.vneid_level,
                 self.vneid_failure, self.minutes, self.notes, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def checked_topics(self) -> list[topics.TopicView]:
        return self.topics.chosen()

    def _update_visibility(self) -> None:
        vneid = any(t.category == "vneid" for t in self.checked_topics())
        self.vneid_level.setEnabled(vneid)
        self.vneid_failure.setEnabled(vneid and self.result.currentData() == "not_possible")
        self.reason.setEnabled(self.result.currentData() != "done")

    def save(self) -> None:
        """The form is read here; the session is saved on the writer thread."""
        if writing(self):  # Enter pressed again while the save runs
            return
        new = self.new_citizen.isVisible()
        if not new and self.picker.chosen_id() is None:
            self.error.show_error(self.tr("Choose the citizen, or add a new one."))
            return
        try:
            citizen = self.new_citizen.person_input() if new else None
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        chosen = None if new else PersonId(self.picker.chosen.id)
        name = self.new_citizen.name.text().strip() if new else self.picker.chosen.full_name
        village = str(self.new_citizen.village.currentData()) if new else None
        member = self.member.currentData()
        held_on, codes = to_date(self.held_on.date()), [t.code for t in self.checked_topics()]
        result, minutes = str(self.result.currentData()), self.minutes.value() or None
        reason = self.reason.text() if self.reason.isEnabled() else None
        notes, level = self.notes.text(), self.vneid_level.currentData()
        failure = self.vneid_failure.currentData() if self.vneid_failure.isEnabled() else None

        def record(session: AppSession) -> None:
            person_id = people.add_person(session, citizen) if citizen is not None else chosen
            assert person_id is not None
            sessions.record(session, sessions.SessionInput(
                held_on=held_on, person_id=person_id, topics=codes, result=result,
                member_ids=[member] if member else [], reason=reason, minutes=minutes,
                notes=notes, vneid_level=level, vneid_failure=failure))
            if village is not None:
                settings.put(session, settings.LAST_VILLAGE, village)
            if member:
                settings.put(session, settings.LAST_MEMBER, str(member))

        WriteOp(self, self.context, record).success(lambda _: self._saved(name)) \
            .failure(self.error.show_failure).run_in_background()

    def _saved(self, name: str) -> None:
        self.error.clear_error()
        message = self.tr("Saved: a session with {name}.").format(name=name)
        self.confirmation.setText(message)
        self.saved.emit(message)
        self.clear(keep_confirmation=True)

    def clear(self, keep_confirmation: bool = False) -> None:
        """Esc: start the next session; date, village and helper stay as they were."""
        self.picker.clear()
        self.new_citizen.hide()
        for edit in (self.new_citizen.name, self.new_citizen.phone,
                     self.new_citizen.birth_year, self.reason, self.notes):
            edit.clear()
        self.topics.clear()
        self.result.setCurrentIndex(0)
        self.minutes.setValue(0)
        self.vneid_level.setCurrentIndex(0)
        self.vneid_failure.setCurrentIndex(0)
        self.error.clear_error()
        if not keep_confirmation:
            self.confirmation.clear()
        self.picker.edit.setFocus()
