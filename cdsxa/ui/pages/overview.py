"""Tổng quan: the commune at a glance, from what is recorded today."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from cdsxa.common.formatting import thousands
from cdsxa.commune import profile
from cdsxa.register import villages
from cdsxa.ui.context import AppContext
from cdsxa.ui.pages.base import Page, heading, paragraph


class OverviewPage(Page):
    watches = frozenset({"commune_profile", "village", "household", "person",
                         "population_figure"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
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
        layout.addLayout(boxes)
        layout.addWidget(self.table, 1)
        layout.addWidget(paragraph(self.tr(
            "Indicators, targets and charts of the dashboard come in a later version; "
            "the figures above are counted from the records on this computer.")))

    def refresh(self) -> None:
        with self.context.read() as session:
            view = profile.load(session)
            rows = villages.list_all(session)
            figures = profile.population_figures(session)
        if view is None:
            return
        self.title.setText(view.commune_name)
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
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, cell)

    @staticmethod
    def _fill_form(form: QFormLayout, pairs: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        for label, value in pairs:
            form.addRow(label, QLabel(value))
