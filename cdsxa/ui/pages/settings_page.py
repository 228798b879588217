"""Cài đặt: language, the names on documents, villages, population figures, the idle
lock and backups."""

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cdsxa.commune import profile, settings
from cdsxa.security.access import Permission
from cdsxa.ui import i18n
from cdsxa.ui.backup_panel import BackupPanel
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.population_form import PopulationForm
from cdsxa.ui.village_editor import DatabaseVillageStore, VillageEditor


class SettingsPage(Page):
    watches = frozenset({"commune_profile", "village", "population_figure"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language_note = QLabel()
        self.issuing_body = QLineEdit()
        self.receiving_body = QLineEdit()
        self.save_bodies = QPushButton(self.tr("Save names"))
        self.bodies_error = ErrorLabel()
        self.villages = VillageEditor(DatabaseVillageStore(context, self))
        self.population = PopulationForm()
        self.save_population = QPushButton(self.tr("Save figures"))
        self.population_status = QLabel()
        self.population_error = ErrorLabel()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(settings.IDLE_LOCK_MINUTES.minimum or 1,
                                   settings.IDLE_LOCK_MINUTES.maximum or 240)
        self.idle_minutes.setSuffix(self.tr(" minutes"))
        self.save_idle = QPushButton(self.tr("Save"))
        self.idle_error = ErrorLabel()
        self.backup = BackupPanel(context)
        self._build()
        self._load_idle()
        self._load_language()
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.save_bodies.clicked.connect(self.store_bodies)
        self.save_population.clicked.connect(self.store_population)
        self.save_idle.clicked.connect(self.store_idle)
        self.population.year.valueChanged.connect(self._show_year)

    def _build(self) -> None:
        language_box = QGroupBox(self.tr("Language"))
        language_layout = QFormLayout(language_box)
        language_layout.addRow(self.tr("Interface language"), self.language)
        language_layout.addRow(self.language_note)

        bodies_box = QGroupBox(self.tr("Names printed on documents"))
        bodies = QFormLayout(bodies_box)
        bodies.addRow(self.tr("Issuing body"), self.issuing_body)
        bodies.addRow(self.tr("Receiving body (province)"), self.receiving_body)
        bodies.addRow(self.save_bodies)
        bodies.addRow(self.bodies_error)

        villages_box = QGroupBox(self.tr("Villages and residential groups"))
        QVBoxLayout(villages_box).addWidget(self.villages)

        population_box = QGroupBox(self.tr("Population figures"))
        population_layout = QVBoxLayout(population_box)
        population_layout.addWidget(self.population)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_population)
        buttons.addWidget(self.population_status, 1)
        population_layout.addLayout(buttons)
        population_layout.addWidget(self.population_error)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(heading(self.tr("Settings")))
        security_box = QGroupBox(self.tr("Screen lock"))
        security = QFormLayout(security_box)
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(self.save_idle)
        idle_row.addStretch(1)
        security.addRow(self.tr("Lock the window after"), idle_row)
        security.addRow(self.idle_error)
        for box in (language_box, bodies_box, villages_box, population_box, security_box,
                    self.backup):
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        QVBoxLayout(self).addWidget(scroll)

    def refresh(self) -> None:
        with self.context.read() as session:
            view = profile.load(session)
        if view is not None:
            self.issuing_body.setText(view.issuing_body)
            self.receiving_body.setText(view.receiving_body)
        self.villages.reload()
        self._show_year()

    def _load_language(self) -> None:
        with self.context.read() as session:
            current = settings.get(session, settings.LANGUAGE)
        self.language.setCurrentIndex(self.language.findData(current))

    def _language_chosen(self) -> None:
        language = str(self.language.currentData())
        WriteOp(self, self.context,
                lambda session: settings.put(session, settings.LANGUAGE, language)) \
            .success(lambda _: self.language_note.setText(
                self.tr("The new language applies when CĐS Xã starts again."))) \
            .run_in_background()

    def store_bodies(self) -> None:
        issuing, receiving = self.issuing_body.text(), self.receiving_body.text()
        WriteOp(self, self.context,
                lambda session: profile.update_bodies(session, issuing, receiving)) \
            .success(lambda _: self.bodies_error.clear_error()) \
            .failure(self.bodies_error.show_failure).run_in_background()

    def _load_idle(self) -> None:
        with self.context.read() as session:
            self.idle_minutes.setValue(settings.get(session, settings.IDLE_LOCK_MINUTES))
        allowed = self.context.may(Permission.CHANGE_SETTINGS)
        self.idle_minutes.setEnabled(allowed)
        self.save_idle.setEnabled(allowed)

    def store_idle(self) -> None:
        minutes = self.idle_minutes.value()
        WriteOp(self, self.context,
                lambda session: settings.put(session, settings.IDLE_LOCK_MINUTES, minutes)) \
            .success(lambda _: self.idle_error.clear_error()) \
            .failure(self.idle_error.show_failure).run_in_background()

    def _show_year(self) -> None:
        year = self.population.year.value()
        with self.context.read() as session:
            known = {f.year: f for f in profile.population_figures(session)}
        if year in known:
            self.population.set_value(known[year])
            self.population_status.setText(
                self.tr("Figures recorded for {year}.").format(year=year))
        else:
            self.population.set_value(profile.Population(year))
            self.population_status.setText(self.tr("No figures recorded for {year} yet.").format(
                year=year))

    def store_population(self) -> None:
        figures = self.population.value()
        WriteOp(self, self.context, lambda session: profile.set_population(session, figures)) \
            .success(lambda _: self._population_saved()) \
            .failure(self.population_error.show_failure).run_in_background()

    def _population_saved(self) -> None:
        self.population_error.clear_error()
        self.population_status.setText(self.tr("Saved."))
