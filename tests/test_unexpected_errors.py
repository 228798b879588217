"""An error the app did not foresee still reaches the officer, in Vietnamese, with what
to do; the log keeps the details."""

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from cdsxa.db.engine import Database
from cdsxa.register import person_detail
from cdsxa.ui import errors
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.person_form import PersonForm
from tests.helpers import signed_in

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")


@pytest.fixture
def form(qtbot: QtBot, db: Database, data_dir: Path) -> PersonForm:
    dialog = PersonForm(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.insert("Lò Thị Mai")
    dialog.gender.setCurrentIndex(dialog.gender.findData("female"))
    return dialog


def press_save(qtbot: QtBot, form: PersonForm) -> None:
    save = form.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("disk controller on fire")


def test_a_failing_save_says_what_to_do_and_logs_the_details(
    qtbot: QtBot, form: PersonForm, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(person_detail, "save_person", broken)
    with caplog.at_level(logging.ERROR):
        press_save(qtbot, form)
    assert form.isVisible()  # nothing saved: the form stays, with what was typed
    assert form.error.isVisible()
    shown = form.error.text()
    assert "không mong đợi" in shown and "chưa được lưu" in shown and "thử lại" in shown
    assert "disk controller" not in shown  # no raw English for the officer
    assert "disk controller on fire" in caplog.text and "Traceback" in caplog.text


def test_an_error_in_a_slot_reaches_the_officer(
    qtbot: QtBot, form: PersonForm, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture
) -> None:
    # What PySide6 does with an exception escaping a slot: it calls sys.excepthook.
    monkeypatch.setattr(sys, "excepthook", errors.excepthook)
    monkeypatch.setattr(person_detail, "parse_birth", broken)
    with caplog.at_level(logging.ERROR):
        press_save(qtbot, form)
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()]
    assert len(boxes) == 1
    assert "không mong đợi" in boxes[0].text() and "thử lại" in boxes[0].text()
    assert "disk controller on fire" in caplog.text and "Traceback" in caplog.text
    boxes[0].close()


def test_the_app_installs_the_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdsxa.ui import app

    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    app.application()
    assert sys.excepthook is errors.excepthook
