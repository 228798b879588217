"""The person form: a person's details, household and the eight digital outcomes.

Keyboard first: fields in reading order, Enter saves, Esc closes without asking.
Saving is one service call (person_detail.save_person) in one transaction, so a
refused entry writes nothing; the reason shows under the fields.

The form shows the ID number and phone in full: only roles that may see this
person's personal data can open it (the service refuses the others). It notes the
citizen's consent, reminds the officer to ask for it, and offers erasing the
person at their request to roles allowed to.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common import outcomes
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import vn_date
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.register import idnumber, person_detail
from cdsxa.register.people import DuplicateIdNumber, PersonInput
from cdsxa.register.person_detail import PersonDetail, PersonEdit
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.erase_dialog import EraseDialog
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing
from cdsxa.ui.person_fields import (
    HINT_STYLE,
    NOTE_STYLE,
    NOTICE_STYLE,
    DateField,
    OutcomeRow,
    editable_combo,
    index_of,
    reached_outcomes,
    refill,
    set_tab_order,
)


class PersonForm(QDialog):
    saved = Signal(object)  # PersonId
    erased = Signal(object)  # PersonId

    def __init__(self, context: AppContext, person_id: PersonId | None = None,
                 village_id: VillageId | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id = person_id
        self.known_codes: list[str] = []
        self.name = QLineEdit()
        self.gender = QComboBox()
        self.birth = QLineEdit(placeholderText=self.tr("dd/mm/yyyy, or the year only"))
        self.ethnicity = editable_combo(person_detail.ETHNICITIES)
        self.id_number = QLineEdit(placeholderText=self.tr("12 digits"))
        self.id_note = QLabel()
        self.phone = QLineEdit(placeholderText=self.tr("e.g. 0912 345 678"))
        self.village = QComboBox()
        self.household = editable_combo(())
        self.household_hint = QLabel()
        self.relation = editable_combo(person_detail.RELATIONS)
        self.notes = QLineEdit()
        self.consent = QComboBox()
        self.consent_on = DateField(self.tr("dd/mm/yyyy"))
        self.consent_reminder = QLabel(self.tr(
            "Ask the citizen whether they agree to their data being kept (Decree 13/2023), "
            "and note their answer."))
        self.outcomes = {code: OutcomeRow(label, self.tr("dd/mm/yyyy"))
                         for code, label in self._outcome_labels().items()}
        self.fibre = OutcomeRow(self.tr("Fibre broadband (the household's)"),
                                self.tr("dd/mm/yyyy"))
        self.vneid = QLabel()
        self.notice = QLabel()
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = QPushButton(self.tr("Erase at the citizen's request…"))
        self.erase_dialog: EraseDialog | None = None
        self._build()
        self._fill_choices()
        self._connect()
        if person_id is not None:
            self.load(person_id)
        else:
            self._start_new(village_id)

    # Building -------------------------------------------------------------------------

    def _outcome_labels(self) -> dict[str, str]:
        labels = {
            outcomes.SMARTPHONE.code: self.tr("Smartphone"),
            outcomes.PAYMENT_ACCOUNT.code: self.tr("Digital payment account"),
            outcomes.DVC_ACCOUNT.code: self.tr("Online public-service account"),
            outcomes.DIGITAL_SIGNATURE.code: self.tr("Personal digital signature"),
            outcomes.PROTECTION_SOFTWARE.code: self.tr("Basic protection software"),
            outcomes.DIGITAL_SKILLS.code: self.tr("Basic digital skills"),
        }
        return {code: labels.get(code, outcomes.BY_CODE[code].label)
                for code in outcomes.PERSON_OUTCOMES}

    def _build(self) -> None:
        self.setMinimumWidth(820)
        self.id_note.setStyleSheet(NOTE_STYLE)
        self.household_hint.setStyleSheet(HINT_STYLE)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setObjectName("personNotice")
        for label in (self.id_note, self.household_hint, self.notice):
            label.setWordWrap(True)
            label.hide()
        self.vneid.setWordWrap(True)
        self.gender.addItem("", None)
        self.gender.addItem(self.tr("Male"), "male")
        self.gender.addItem(self.tr("Female"), "female")
        self.consent.addItem(self.tr("Not asked yet"), None)
        self.consent.addItem(self.tr("Agrees"), "given")
        self.consent.addItem(self.tr("Refuses"), "refused")
        self.consent_on.setToolTip(self.tr("The day they agreed or refused"))
        self.consent_reminder.setObjectName("consentReminder")
        self.consent_reminder.setWordWrap(True)
        consent = QHBoxLayout()
        consent.addWidget(self.consent, 1)
        consent.addWidget(self.consent_on)

        details = QFormLayout()
        details.addRow(self.tr("Full &name"), self.name)
        details.addRow(self.tr("&Gender"), self.gender)
        details.addRow(self.tr("Date of &birth"), self.birth)
        details.addRow(self.tr("&Ethnicity"), self.ethnicity)
        details.addRow(self.tr("&ID number"), self.id_number)
        details.addRow("", self.id_note)
        details.addRow(self.tr("&Phone"), self.phone)
        details.addRow(self.tr("&Village"), self.village)
        details.addRow(self.tr("&Household code"), self.household)
        details.addRow("", self.household_hint)
        details.addRow(self.tr("&Relation to head"), self.relation)
        details.addRow(self.tr("N&otes"), self.notes)
        consent_label = QLabel(self.tr("&Consent to keep data"))
        consent_label.setBuddy(self.consent)
        details.addRow(consent_label, consent)

        box = QGroupBox(self.tr("Digital outcomes (date reached)"))
        grid = QGridLayout(box)
        rows = [*self.outcomes.values(), self.fibre]
        for index, row in enumerate(rows):
            grid.addWidget(row.box, index, 0)
            grid.addWidget(row.date, index, 1)
        grid.addWidget(QLabel(self.tr("Digital identity (VNeID)")), len(rows), 0)
        grid.addWidget(self.vneid, len(rows) + 1, 0, 1, 2)
        grid.setRowStretch(len(rows) + 2, 1)
        hint = QLabel(self.tr("Leave the date blank when it is not known. VNeID steps are "
                              "recorded on the VNeID page."))
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)

        columns = QHBoxLayout()
        columns.addLayout(details, 3)
        columns.addWidget(box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(columns)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.consent_reminder)  # beside Save: asked before saving
        layout.addWidget(self.buttons)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("&Save"))
        save.setDefault(True)
        save.setEnabled(self.context.may(Permission.EDIT_RECORDS))
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.erase_button.setAutoDefault(False)
        self.erase_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        set_tab_order([self.name, self.gender, self.birth, self.ethnicity, self.id_number,
                       self.phone, self.village, self.household, self.relation, self.notes,
                       self.consent, self.consent_on], [*self.outcomes.values(), self.fibre],
                      self.buttons)

    def _fill_choices(self) -> None:
        with self.context.read() as session:
            choices = person_detail.village_choices(session)
        for village_id, name in choices:
            self.village.addItem(name, village_id)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.id_number.textEdited.connect(self._id_number_typed)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.household.editTextChanged.connect(self._household_typed)
        self.consent.currentIndexChanged.connect(self._consent_changed)
        self.erase_button.clicked.connect(self.ask_erase)
        self._consent_changed()

    # Loading --------------------------------------------------------------------------

    def _start_new(self, village_id: VillageId | None) -> None:
        self.setWindowTitle(self.tr("Add a person"))
        index = index_of(self.village, village_id) if village_id is not None else -1
        self.village.setCurrentIndex(max(index, 0))
        self._village_changed()
        self._show_vneid(None)
        self.name.setFocus()

    def load(self, person_id: PersonId) -> None:
        with self.context.read() as session:
            detail = person_detail.get_person(session, person_id)
        self.person_id = person_id
        self.setWindowTitle(self.tr("Person: {name}").format(name=detail.data.full_name))
        data = detail.data
        self.name.setText(data.full_name)
        self.gender.setCurrentIndex(max(0, self.gender.findData(data.gender)))
        self.birth.setText(vn_date(data.birth_date) if data.birth_date
                           else str(data.birth_year or ""))
        self.ethnicity.setCurrentText(data.ethnicity or "")
        self.id_number.setText(data.id_number or "")
        self.phone.setText(data.phone or "")
        self.village.setCurrentIndex(max(0, index_of(self.village, data.village_id)))
        self._village_changed()
        self.household.setCurrentText(detail.household_code or "")
        self.relation.setCurrentText(data.relation_to_head or "")
        self.notes.setText(data.notes or "")
        self.consent.setCurrentIndex(max(0, index_of(self.consent, data.consent)))
        self.consent_on.setText(vn_date(data.consent_on))
        self._consent_changed()
        self.erase_button.setVisible(self.context.may(Permission.ERASE_PERSON))
        for code, row in self.outcomes.items():
            row.set_value(code in detail.outcomes, detail.outcomes.get(code))
        self.fibre.set_value(detail.has_fibre, detail.fibre_since)
        self._show_vneid(detail)
        self.id_note.hide()
        self.error.clear_error()

    def _show_vneid(self, detail: PersonDetail | None) -> None:
        steps = {"guided": self.tr("Guided"), "registered": self.tr("Registered"),
                 "approved": self.tr("Approved"), "activated": self.tr("Activated"),
                 "failed": self.tr("Not successful")}
        if detail is None or detail.vneid_status is None:
            self.vneid.setText(self.tr("No VNeID step recorded."))
            return
        text = steps.get(detail.vneid_status, detail.vneid_status)
        if detail.vneid_level:
            text += " · " + self.tr("level {level}").format(level=detail.vneid_level)
        if detail.vneid_status_on:
            text += " · " + vn_date(detail.vneid_status_on)
        self.vneid.setText(text)

    def _consent_changed(self) -> None:
        """Agreeing or refusing is dated (today unless changed); not asked has no date."""
        asked = self.consent.currentData() is not None
        self.consent_on.follow(asked)
        self.consent_reminder.setStyleSheet(HINT_STYLE if asked else NOTICE_STYLE)

    def _village_changed(self) -> None:
        village_id = self.village.currentData()
        if village_id is None:
            return
        with self.context.read() as session:
            self.known_codes = person_detail.household_codes(session, village_id)
        self._household_typed(refill(self.household, self.known_codes))

    def _household_typed(self, code: str) -> None:
        code = code.strip()
        self.fibre.box.setEnabled(bool(code))
        if not code:
            self.household_hint.hide()
            self.fibre.set_value(False, None)
            return
        village_id = self.village.currentData()
        with self.context.read() as session:
            found = person_detail.find_household(session, village_id, code)
        if found is None:
            self.household_hint.setText(self.tr("New household: it is added when you save."))
            self.fibre.set_value(False, None)
        else:
            self.household_hint.setText(self.tr("Household of {count} people.").format(
                count=found.members))
            self.fibre.set_value(found.has_fibre, found.fibre_since)
        self.household_hint.show()

    # The ID number --------------------------------------------------------------------

    def _id_number_typed(self, text: str) -> None:
        digits = "".join(ch for ch in text if ch.isdigit())
        self.id_note.hide()
        if len(digits) != 12:
            return
        with self.context.read() as session:
            existing = person_detail.find_by_id_number(session, digits)
        if existing is not None and existing != self.person_id:
            self._id_number_taken(existing)
            return
        check = idnumber.check(digits)
        if check.warning:
            self.id_note.setText(check.warning)
            self.id_note.show()
        if self.gender.currentData() is None and check.ok:
            self.gender.setCurrentIndex(self.gender.findData(idnumber.gender_of(digits)))

    def _id_number_taken(self, existing: PersonId) -> None:
        """A new person's ID number is already in the register: open that person instead
        of adding them twice. On an existing person's form, say whose it is."""
        try:
            with self.context.read() as session:
                other = person_detail.get_person(session, existing)
        except UserError:  # someone this user may not see (another village's)
            self.error.show_error(self.tr(
                "This ID number is already in the register, in a village you do not "
                "work in. Ask the commune officer."))
            return
        if self.person_id is None:
            self.load(existing)
            self.notice.setText(self.tr(
                "ID number {number} is already in the register: {name}. Their record is "
                "open; nothing new was added.").format(number=other.data.id_number,
                                                       name=other.data.full_name))
            self.notice.show()
        else:
            self.error.show_error(self.tr(
                "ID number {number} belongs to {name}, already in the register.").format(
                number=other.data.id_number, name=other.data.full_name))

    # Saving ---------------------------------------------------------------------------

    def edit(self) -> PersonEdit:
        """What the form holds, as the services take it (dates parsed: may raise)."""
        birth_date, birth_year = person_detail.parse_birth(self.birth.text())
        reached = reached_outcomes(self.outcomes)
        has_fibre, since = self.fibre.value(outcomes.FIBRE.label)
        consent = self.consent.currentData()
        consent_on = person_detail.parse_date(self.consent_on.text(), "Ngày đồng ý/từ chối") \
            if consent is not None else None
        data = PersonInput(
            full_name=self.name.text(), gender=self.gender.currentData() or "",
            village_id=self.village.currentData(), birth_date=birth_date,
            birth_year=birth_year, ethnicity=self.ethnicity.currentText(),
            id_number=self.id_number.text(), phone=self.phone.text(),
            relation_to_head=self.relation.currentText(), notes=self.notes.text(),
            consent=consent, consent_on=consent_on)
        return PersonEdit(data, self.household.currentText(), reached, has_fibre, since)

    def save(self) -> None:
        if writing(self):  # Enter pressed again while the save runs
            return
        try:
            edit = self.edit()
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        person_id = self.person_id
        WriteOp(self, self.context,
                lambda session: person_detail.save_person(session, edit, person_id)) \
            .success(self._saved).failure(self._save_failed).run_in_background()

    def _saved(self, person_id: PersonId) -> None:
        self.error.clear_error()
        self.person_id = person_id
        self.saved.emit(person_id)
        self.accept()

    def _save_failed(self, error: Exception) -> None:
        if isinstance(error, DuplicateIdNumber):
            self._id_number_taken(error.existing)
        else:
            self.error.show_failure(error)

    # Erasing ---------------------------------------------------------------------------

    def ask_erase(self) -> EraseDialog | None:
        """The confirmation (reason, cannot be undone); the form closes once erased."""
        if self.person_id is None:
            return None
        dialog = EraseDialog(self.context, self.person_id, self.name.text().strip(), self)
        self.erase_dialog = dialog
        erased = self.person_id
        dialog.accepted.connect(lambda: self._erased(erased))
        dialog.open()
        return dialog

    def _erased(self, person_id: PersonId) -> None:
        self.erased.emit(person_id)
        self.reject()  # nothing left to save

    def village_id(self) -> VillageId | None:
        village_id: VillageId | None = self.village.currentData()
        return village_id
