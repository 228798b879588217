"""Importing people from Excel: see what will happen to every row, then import all
or nothing (or, when chosen, the good rows, the bad ones saved to a file to fix).
Column mapping can be corrected and unknown villages added first; the survey date
dates what the sheet records."""

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.actor import Actor
from cdsxa.common.formatting import thousands
from cdsxa.db.engine import Database
from cdsxa.db.session import AppSession
from cdsxa.excel import people_import as importer
from cdsxa.register import villages
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp, WriteOp
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.widgets import date_edit, to_date


def _read_and_preview(db: Database, actor: Actor, path: Path, mapping: dict[str, str] | None,
                      survey_date: date | None = None) -> Any:
    """Worker thread: read the workbook and classify its rows (writes nothing)."""
    with db.reading(actor) as session:
        known = {**importer.remembered_mapping(session), **(mapping or {})}
        return importer.preview(session, importer.read_sheet(path, known=known), mapping,
                                survey_date=survey_date)


def bad_rows_path(source: Path) -> Path:
    """Where the rows to fix are saved: beside the list, named after it."""
    return source.with_name(f"{source.stem}-dong-loi.xlsx")


class ImportDialog(QDialog):
    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.path = context, path
        self.result: Any = None  # the ImportPreview on screen
        self._generation = 0  # previews started; an older one's answer is dropped
        self._date_chosen = False  # until the officer picks a date, it is the commune's today
        self.setWindowTitle(self.tr("Import people from Excel"))
        self.resize(1000, 680)
        self.summary = QLabel(self.tr("Reading {file}…").format(file=path.name))
        self.summary.setWordWrap(True)
        self.columns = QFormLayout()
        self.column_combos: dict[str, QComboBox] = {}
        self.recheck = QPushButton(self.tr("Check again with these columns"))
        self.villages_note = QLabel()
        self.villages_note.setWordWrap(True)
        self.add_villages = QPushButton(self.tr("Add these villages to the commune"))
        self.survey_date = date_edit()
        self.survey_date.setToolTip(self.tr("The day the people were asked: the outcomes, "
                                            "fibre and VNeID accounts in the file count from "
                                            "this day."))
        self.skip_bad_rows = QCheckBox(self.tr("Import the good rows and save the bad ones to "
                                               "a file to fix"))
        self.choice_note = QLabel()
        self.choice_note.setWordWrap(True)
        self.rows = RowsView([self.tr("Row"), self.tr("What will happen"), self.tr("Full name"),
                              self.tr("Reason or warning")], stretch=3)
        self.import_button = QPushButton()
        self.import_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.error = ErrorLabel()
        self._build()
        self._start_preview(None)

    def _build(self) -> None:
        columns_box = QGroupBox(self.tr("Columns read"))
        inner = QWidget()
        inner.setLayout(self.columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        column_layout = QVBoxLayout(columns_box)
        column_layout.addWidget(scroll)
        column_layout.addWidget(self.recheck)
        top = QHBoxLayout()
        columns_box.setMinimumWidth(400)
        top.addWidget(self.rows, 2)
        top.addWidget(columns_box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        villages_row = QHBoxLayout()
        villages_row.addWidget(self.villages_note, 1)
        villages_row.addWidget(self.add_villages)
        options = QFormLayout()
        options.addRow(self.tr("Survey date"), self.survey_date)
        options.addRow(self.skip_bad_rows)
        options.addRow(self.choice_note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(options)
        layout.addLayout(villages_row)
        layout.addLayout(top, 1)
        layout.addLayout(buttons)
        self.survey_date.dateChanged.connect(self._survey_date_changed)
        self.skip_bad_rows.toggled.connect(lambda _: self._show_choice())
        self.recheck.clicked.connect(lambda: self._start_preview(self.chosen_mapping()))
        self.add_villages.clicked.connect(self.add_unknown_villages)
        self.import_button.clicked.connect(self.run_import)
        self.close_button.clicked.connect(self.reject)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        result = self.result
        can_import = (not busy and result is not None
                      and (not result.has_errors or self.skip_bad_rows.isChecked())
                      and any(result.counts[a] for a in ("new", "update")))
        self.import_button.setEnabled(can_import)
        for widget in (self.recheck, self.add_villages, self.survey_date, self.skip_bad_rows):
            widget.setEnabled(not busy)

    def _start_preview(self, mapping: dict[str, str] | None) -> None:
        self._set_busy(True)
        self.error.clear_error()
        self._generation += 1
        generation = self._generation
        db, actor, path = self.context.db, self.context.actor, self.path
        surveyed = to_date(self.survey_date.date()) if self._date_chosen else None
        QueryOp(self, lambda: _read_and_preview(db, actor, path, mapping, surveyed)) \
            .success(lambda result: self._show(result) if generation == self._generation
                     else None) \
            .failure(self._failed).run_in_background()

    def _survey_date_changed(self, _: QDate) -> None:
        if self.result is not None and to_date(self.survey_date.date()) != \
                self.result.survey_date:
            self._date_chosen = True
            self._start_preview(self.chosen_mapping())  # the preview states the date it uses

    def bad_rows_file(self) -> Path | None:
        """The file the bad rows go to, when the officer chose to import the good ones."""
        if self.result is None or not self.result.has_errors or \
                not self.skip_bad_rows.isChecked():
            return None
        return bad_rows_path(self.path)

    def _show_choice(self) -> None:
        result = self.result
        if result is None:
            return
        self.choice_note.setText(importer.choice_line(result, bad_rows_path(self.path)
                                                      if self.skip_bad_rows.isChecked()
                                                      else None))
        if result.has_errors and not self.skip_bad_rows.isChecked():
            self.error.show_error(self.tr("{count} rows have errors: correct the file (or the "
                                          "columns) first. Nothing is imported while any row "
                                          "has an error.").format(
                count=thousands(result.counts["error"])))
        else:
            self.error.clear_error()
        self._set_busy(False)

    def _failed(self, error: Exception) -> None:
        self.summary.setText(self.tr("Nothing was imported."))
        self.error.show_failure(error)
        self._set_busy(False)

    def _show(self, result: Any) -> None:
        self.result = result
        if not self._date_chosen:  # the commune's today, which the preview used
            self.survey_date.blockSignals(True)
            self.survey_date.setMaximumDate(QDate(result.today))
            self.survey_date.setDate(QDate(result.survey_date))
            self.survey_date.blockSignals(False)
        self.summary.setText("\n".join(importer.preview_lines(result)[:3]))
        self._show_columns(result)
        unknown = result.unknown_villages
        self.villages_note.setText(self.tr("Not in the commune's list of villages: {names}.")
                                   .format(names=", ".join(unknown)) if unknown else "")
        self.villages_note.setVisible(bool(unknown))
        self.add_villages.setVisible(bool(unknown))
        ordered = sorted(result.rows, key=lambda r: (r.action == "new", r.action == "update",
                                                     r.number))
        self.rows.rows_model.set_rows([
            (Shown(str(r.number), r.number), importer.ACTION_LABELS[r.action],
             r.person.full_name or "",
             "; ".join(([r.reason] if r.reason else []) + list(r.warnings)) or
             ", ".join(r.changes)) for r in ordered], [r.number for r in ordered])
        to_import = result.counts["new"] + result.counts["update"]
        self.import_button.setText(self.tr("Import {count} people").format(
            count=thousands(to_import)))
        self.skip_bad_rows.setVisible(result.has_errors)
        self.choice_note.setVisible(result.has_errors)
        self._show_choice()

    def _show_columns(self, result: Any) -> None:
        while self.columns.rowCount():
            self.columns.removeRow(0)
        self.column_combos.clear()
        for index, header in enumerate(result.headers):
            if not header:
                continue
            combo = QComboBox()
            combo.addItem(self.tr("(not read)"), importer.IGNORE)
            for field_name in importer.FIELDS:
                combo.addItem(importer.LABELS[field_name], field_name)
            combo.setCurrentIndex(max(0, combo.findData(result.mapping.get(index,
                                                                            importer.IGNORE))))
            self.column_combos[header] = combo
            self.columns.addRow(header, combo)

    def chosen_mapping(self) -> dict[str, str]:
        return {header: str(combo.currentData()) for header, combo in self.column_combos.items()}

    def add_unknown_villages(self) -> None:
        names = list(self.result.unknown_villages) if self.result else []

        def add(session: AppSession) -> None:
            for name in names:
                villages.add(session, name)

        # A UserError names the village that could not be added.
        WriteOp(self, self.context, add) \
            .success(lambda _: self._start_preview(self.chosen_mapping())) \
            .failure(self.error.show_failure).run_in_background()

    def run_import(self) -> None:
        bad_rows = self.bad_rows_file()
        if self.result is None or self.result.has_errors and bad_rows is None:
            return
        self._set_busy(True)
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importing…"))
        result = self.result
        WriteOp(self, self.context, lambda session: importer.apply(session, result, bad_rows)) \
            .with_progress(self.tr("Importing…")) \
            .success(self._imported).failure(self._failed).run_in_background()

    def _imported(self, done: Any) -> None:
        self.summary.setText(importer.result_line(done))
        self.result = None
        self.import_button.setText(self.tr("Imported"))
        self._set_busy(False)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setFocus()
