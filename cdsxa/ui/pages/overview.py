"""Tổng quan: the commune at a glance, from what is recorded today.

A new profile has nothing to show yet: the page then says how to start (villages,
the list of people, the first help recorded), each step with a button that goes
there, and the steps done are ticked.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.formatting import thousands
from cdsxa.commune import profile
from cdsxa.register import villages
from cdsxa.ui.context import AppContext
from cdsxa.ui.pages.base import Page, heading, paragraph


class GettingStarted(QGroupBox):
    """The first steps on an empty profile; `go` names the page a button leads to."""

    go = Signal(str)  # "villages", "import" or "support"

    def __init__(self) -> None:
        super().__init__(self.tr("How to start"))
        self.setObjectName("gettingStarted")
        steps = [
            ("villages", self.tr("1. Add the commune's villages and residential groups "
                                 "(Settings)."), self.tr("Add villages")),
            ("import", self.tr("2. Import the list of people from Excel, or add people "
                               "one by one."), self.tr("Import the list of people")),
            ("support", self.tr("3. Record the help given to citizens, one by one or in a "
                                "class."), self.tr("Record help")),
        ]
        self.labels: dict[str, QLabel] = {}
        self.texts = {key: text for key, text, _ in steps}
        self.finished: set[str] = set()
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        for row, (key, text, button_text) in enumerate(steps):
            label = QLabel(text)
            label.setWordWrap(True)
            button = QPushButton(button_text)
            button.clicked.connect(lambda _=False, key=key: self.go.emit(key))
            grid.addWidget(label, row, 0)
            grid.addWidget(button, row, 1)
            self.labels[key], self.buttons[key] = label, button
        grid.setColumnStretch(0, 1)

    def done(self, key: str) -> bool:
        return key in self.finished

    def mark(self, key: str, done: bool) -> None:
        """A step done shows ticked; its button stays, for more of the same."""
        self.finished.discard(key)
        if done:
            self.finished.add(key)
        label = self.labels[key]
        text = self.texts[key]
        label.setText(f"{text} ✓" if done else text)


class OverviewPage(Page):
    watches = frozenset({"commune_profile", "village", "household", "person",
                         "population_figure"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.getting_started = GettingStarted()
        self.getting_started.hide()
        self.title = heading("")
        self.subtitle = QLabel()
        self.register_box = QGroupBox(self.tr("Register"))
        self.register_form = QFormLayout(self.register_box)
        self.population_box = QGroupBox(self.tr("Population figures"))
        self.population_form = QFormLayout(self.population_box)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Village"), self.tr("Households"), self.tr("People")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        boxes = QHBoxLayout()
        boxes.addWidget(self.register_box)
        boxes.addWidget(self.population_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.getting_started)
        layout.addLayout(boxes)
        layout.addWidget(self.table, 1)
        layout.addWidget(paragraph(self.tr(
            "Indicators, targets and charts of the dashboard come in a later version; "
            "the figures above are counted from the records on this computer.")))

    def start_widget(self) -> QWidget:
        """An empty profile: the first step not done yet; otherwise the villages' table."""
        if self.getting_started.isVisibleTo(self):
            return self.getting_started.buttons[
                "import" if self.getting_started.done("villages") else "villages"]
        return self.table

    def refresh(self) -> None:
        with self.context.read() as session:
            view = profile.load(session)
            rows = villages.list_all(session)
            figures = profile.population_figures(session)
        if view is None:
            return
        self.title.setText(view.commune_name)
        people = sum(r.people for r in rows)
        # Until the register has people there is nothing to count: say how to start.
        self.getting_started.setVisible(people == 0)
        self.getting_started.mark("villages", bool(rows))
        self.subtitle.setText(f"{view.province_name} · {view.issuing_body}")
        self._fill_form(self.register_form, [
            (self.tr("Villages"), thousands(len(rows))),
            (self.tr("Households"), thousands(sum(r.households for r in rows))),
            (self.tr("People"), thousands(sum(r.people for r in rows))),
        ])
        latest = figures[0] if figures else None
        unknown = self.tr("unknown")
        pairs = [(self.tr("No figures yet"), "")] if latest is None else [
            (self.tr("Year"), str(latest.year)),
            (self.tr("Residents"), thousands(latest.residents) if latest.residents else unknown),
            (self.tr("Adults"), thousands(latest.adults) if latest.adults else unknown),
            (self.tr("Households"), thousands(latest.households) if latest.households else unknown),
        ]
        self._fill_form(self.population_form, pairs)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, text in enumerate((row.name, thousands(row.households),
                                           thousands(row.people))):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, cell)

    @staticmethod
    def _fill_form(form: QFormLayout, pairs: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        for label, value in pairs:
            form.addRow(label, QLabel(value))
