"""The officer's keyboard path through the main window, and the wheel over numbers."""

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cdsxa.db.engine import Database
from cdsxa.ui.app import application
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.main_window import MainWindow
from cdsxa.ui.pages.settings_page import SettingsPage
from cdsxa.ui.pages.support_page import SupportPage
from tests.helpers import signed_in

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")


@pytest.fixture
def window(qtbot: QtBot, db: Database, data_dir: Path) -> MainWindow:
    main = MainWindow(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()  # shortcuts reach only the active window
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    return main


def wheel_down(widget: QWidget) -> None:
    """One notch of the mouse wheel over widget, as the mouse sends it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_number_or_list_changes_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    application()  # what the app does at start: installs the guard
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    residents = page.population.spins["residents"]
    residents.setValue(528)
    window.nav.setFocus()
    wheel_down(residents)
    wheel_down(page.language)
    assert residents.value() == 528
    assert page.language.currentData() == "vi"
    residents.setFocus()  # once the officer is in the box, the wheel is theirs
    qtbot.waitUntil(residents.hasFocus, timeout=1000)
    wheel_down(residents)
    assert residents.value() == 527


def test_the_wheel_does_not_give_a_number_box_the_focus(window: MainWindow) -> None:
    application()
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    spin = page.population.spins["households"]
    assert not spin.focusPolicy() & Qt.FocusPolicy.WheelFocus & ~Qt.FocusPolicy.StrongFocus


def test_switching_to_a_page_puts_the_cursor_where_work_starts(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    support = window.page("support")
    assert isinstance(support, SupportPage)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is support.form.picker.edit,
                    timeout=1000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    people = window.page("people")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is people.search,  # type: ignore
                    timeout=1000)


def tab_chain(qtbot: QtBot, start: QWidget, steps: int) -> list[QWidget]:
    start.setFocus()
    seen: list[QWidget] = []
    for _ in range(steps):
        focused = QApplication.focusWidget()
        assert focused is not None
        seen.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    return seen


def test_tab_goes_field_to_field_and_never_to_lock_or_sign_out(
    qtbot: QtBot, window: MainWindow
) -> None:
    support = window.show_page("support")
    assert isinstance(support, SupportPage)
    form = support.form
    chain = tab_chain(qtbot, form.held_on, 40)
    assert chain[1] is form.picker.edit  # the date is one stop, not day, month, year
    buttons = [w for w in chain if w.window() is window
               and getattr(w, "defaultAction", lambda: None)() in (window.lock_action,
                                                                     window.sign_out_action)]
    assert buttons == []
    after_topics = chain[chain.index(form.topics.filter) + 1]
    assert after_topics is form.result  # the chosen topics' chips are not stops


def test_lock_and_sign_out_have_shortcuts_shown_and_f1_lists_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    assert not window.sign_out_action.shortcut().isEmpty()
    menu_actions = [a for menu in window.menuBar().findChildren(object)
                    for a in getattr(menu, "actions", lambda: [])()]
    assert window.lock_action in menu_actions and window.sign_out_action in menu_actions
    assert "Ctrl+3" in window.nav.item(2).toolTip()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_dialog = window.shortcuts_help
    assert help_dialog is not None and help_dialog.isVisible()
    text = help_dialog.text()
    for keys in ("Ctrl+L", window.sign_out_action.shortcut().toString(), "Ctrl+1", "Ctrl+S",
                 "F1"):
        assert keys in text
    assert "Khóa" in text or "Khoá" in text  # Vietnamese, as the rest of the window
