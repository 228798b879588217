"""The GUI through real widgets (offscreen): wizard, main window, settings."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard
from pytestqt.qtbot import QtBot

from cdsxa.commune import profile, settings
from cdsxa.db.engine import Database
from cdsxa.profile.storage import open_database
from cdsxa.register import villages
from cdsxa.security import keys, users
from cdsxa.security.access import SYSTEM, Role
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.main_window import MainWindow
from cdsxa.ui.pages.overview import OverviewPage
from cdsxa.ui.pages.settings_page import SettingsPage
from cdsxa.ui.wizard import SetupWizard
from tests.conftest import TESTER
from tests.helpers import SIGN_IN_PASSWORD, signed_in, type_text

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")

PASSWORD = SIGN_IN_PASSWORD


@pytest.fixture
def window(qtbot: QtBot, db: Database, data_dir: Path) -> MainWindow:
    main = MainWindow(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(main)
    main.show()
    return main



def type_and_enter(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    widget.clear()
    type_text(qtbot, widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_wizard_sets_up_a_commune_from_the_keyboard(qtbot: QtBot, tmp_path: Path) -> None:
    target = tmp_path / "new"
    wizard = SetupWizard(target)
    qtbot.addWidget(wizard)
    wizard.show()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.text() == "&Tiếp >"

    page = wizard.commune_page
    assert page.province.currentText() == "Thanh Hóa"
    assert page.communes.count() == 166
    assert not next_button.isEnabled()  # no commune chosen yet
    qtbot.keyClicks(page.search, "muong lat")  # no diacritics typed
    assert [page.communes.item(i).text() for i in range(page.communes.count())] == [
        f"Xã Mường Lát  ({page.commune_code()})"]
    assert next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    editor = wizard.villages_page.editor
    for name in ("Bản Hang", "Thôn Đồng Tâm", "Bản Pù Quăn"):
        type_and_enter(qtbot, editor.name_edit, name)
    type_and_enter(qtbot, editor.name_edit, "ban HANG")
    assert "trùng" in editor.error.text() and editor.error.isVisibleTo(wizard)
    editor.list.item(2).setText("Bản Pù Quăn Mới")  # an in-place rename
    assert editor.names() == ["Bản Hang", "Thôn Đồng Tâm", "Bản Pù Quăn Mới"]
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    form = wizard.population_page.form
    form.spins["residents"].setValue(1000)
    form.spins["adults"].setValue(2000)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.population_page  # refused, with the reason shown
    assert "lớn hơn dân số" in wizard.population_page.error.text()
    form.spins["adults"].setValue(700)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    assert wizard.currentPage() is wizard.admin_page
    fields = wizard.admin_page.fields
    create = wizard.button(QWizard.WizardButton.CommitButton)
    assert not create.isEnabled()  # nothing typed yet
    type_text(qtbot, fields.full_name, "Hà Thị Lan")
    type_text(qtbot, fields.position, "Công chức Văn hóa - Xã hội")
    type_text(qtbot, fields.username, "lan")
    type_text(qtbot, fields.password.first, "ngan")
    type_text(qtbot, fields.password.second, "ngan")
    assert create.isEnabled()
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.admin_page  # too short: refused, nothing made
    assert "ít nhất 8 ký tự" in wizard.admin_page.error.text()
    assert not target.exists() or not any(target.iterdir())
    fields.password.first.setText("Lan@Muong-Lat")
    fields.password.second.setText("Lan@Muong-Lat")
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)

    assert wizard.currentPage() is wizard.recovery_page
    view = wizard.recovery_page.view
    shown = view.key_label.text()
    assert len(shown) == 29 and shown.count("-") == 4  # five groups of five
    assert not finish.isEnabled()  # not before the key is written down
    wizard.reject()  # Esc does not lose the key unseen either
    assert wizard.isVisible()
    view.confirmed.setChecked(True)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.database is not None
    assert keys.recover(target, shown).raw == wizard.database.key.raw  # type: ignore[union-attr]
    with wizard.database.reading(SYSTEM) as session:
        view_ = profile.load(session)
        assert view_ is not None and view_.commune_name == "Xã Mường Lát"
        assert [v.name for v in villages.list_all(session)] == [
            "Bản Hang", "Thôn Đồng Tâm", "Bản Pù Quăn Mới"]
        assert profile.population_figures(session)[0].residents == 1000
        [admin] = users.list_users(session)
        assert (admin.full_name, admin.username, admin.role) == ("Hà Thị Lan", "lan", Role.ADMIN)
    user = wizard.first_user()
    principal = users.attempt_sign_in(wizard.database, user.username or "", user.password or "")
    assert principal.display_name == "Hà Thị Lan"
    wizard.database.close()


def test_every_page_shows_and_says_what_is_not_built(window: MainWindow) -> None:
    assert window.visit_every_page() == 12
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Tổng quan", "Người dân & hộ gia đình", "Hỗ trợ người dân", "VNeID",
                      "OCOP & TMĐT", "Tổ CNSCĐ", "Tự đánh giá", "Báo cáo", "Đồng bộ", "Cài đặt",
                      "Người dùng", "Nhật ký hoạt động"]
    ocop_page = window.show_page("ocop")
    notice = ocop_page.findChild(object, "notBuiltNotice")
    assert notice is not None and "chưa được xây dựng" in notice.text()


def _pending(window: MainWindow) -> int:
    from cdsxa.sync import status

    with window.context.db.reading(TESTER) as session:
        return status.state(session).pending


def test_status_bar_shows_commune_user_and_pending_changes(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    assert window.commune_label.text() == "Xã Mường Lát"
    assert "Lò Văn Tâm" in window.user_label.text()
    assert "Quản trị xã" in window.user_label.text()  # the role's label
    # Read off the UI thread: the label fills in a moment after the window shows. Until
    # the PC is enrolled it says so, not a growing count of changes waiting.
    qtbot.waitUntil(lambda: window.sync_label.text()
                    == "Đồng bộ: chưa đăng ký với tỉnh", timeout=3000)
    assert _pending(window) == 4


def test_a_village_added_in_settings_reaches_overview_and_status(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    type_and_enter(qtbot, page.villages.name_edit, "Bản Nậm Xa")
    assert page.villages.names()[-1] == "Bản Nậm Xa"
    assert _pending(window) == 5  # waiting for the province, once the PC is enrolled
    overview = window.show_page("dashboard")
    assert isinstance(overview, OverviewPage)
    names = [overview.table.item(r, 0).text() for r in range(overview.table.rowCount())]
    assert "Bản Nậm Xa" in names


def test_merging_villages_asks_first(qtbot: QtBot, window: MainWindow,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    editor = page.villages
    asked: list[str] = []
    monkeypatch.setattr(editor, "confirm", lambda q: asked.append(q) or False)
    editor.list.setCurrentRow(1)  # Thôn Đồng Tâm
    editor.merge_target.setCurrentIndex(0)  # into Bản Hang
    qtbot.mouseClick(editor.merge_button, Qt.MouseButton.LeftButton)
    assert "Gộp “Thôn Đồng Tâm” vào “Bản Hang”" in asked[0]
    assert editor.names() == ["Bản Hang", "Thôn Đồng Tâm"]  # declined: nothing changed
    monkeypatch.setattr(editor, "confirm", lambda q: True)
    editor.list.setCurrentRow(1)
    qtbot.mouseClick(editor.merge_button, Qt.MouseButton.LeftButton)
    assert editor.names() == ["Bản Hang"]


def test_population_figures_are_validated_and_saved(qtbot: QtBot, window: MainWindow,
                                                    db: Database) -> None:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    page.population.year.setValue(2025)
    assert page.population.spins["residents"].value() == 1000  # the year's figures load
    page.population.spins["households"].setValue(5000)
    qtbot.mouseClick(page.save_population, Qt.MouseButton.LeftButton)
    assert "Số hộ (5000) lớn hơn dân số (1000)" in page.population_error.text()
    page.population.spins["households"].setValue(260)
    qtbot.mouseClick(page.save_population, Qt.MouseButton.LeftButton)
    with db.reading(TESTER) as session:
        assert profile.population_figures(session)[0].households == 260


def test_language_and_layout_are_remembered(qtbot: QtBot, window: MainWindow, db: Database,
                                            data_dir: Path) -> None:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    page.language.setCurrentIndex(page.language.findData("en"))
    assert "khi mở lại" in page.language_note.text()
    window.resize(700, 520)  # within the offscreen screen (800×600)
    window.close()
    with db.reading(TESTER) as session:
        assert settings.get(session, settings.LANGUAGE) == "en"
    reopened = MainWindow(AppContext(data_dir, db, window.context.principal, Changes()))
    qtbot.addWidget(reopened)
    assert reopened.current_key() == "settings"
    assert (reopened.width(), reopened.height()) == (700, 520)


def test_a_second_window_on_a_reopened_profile_starts_on_the_overview(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from cdsxa.demo import commune as demo

    demo.create(tmp_path / "demo", "small", admin_password=PASSWORD)
    db = open_database(tmp_path / "demo", keys.find(tmp_path / "demo"))
    principal = users.attempt_sign_in(db, "admin", PASSWORD)
    main = MainWindow(AppContext(tmp_path / "demo", db, principal, Changes()))
    qtbot.addWidget(main)
    main.show()
    overview = main.page("dashboard")
    assert isinstance(overview, OverviewPage)
    assert overview.title.text() == "Xã Mường Lát"
    assert overview.table.rowCount() == 6
    main.close()
    db.close()


def test_an_empty_profile_shows_how_to_start(qtbot: QtBot, window: MainWindow,
                                             db: Database) -> None:
    from tests.helpers import person

    overview = window.show_page("dashboard")
    assert isinstance(overview, OverviewPage)
    start = overview.getting_started
    assert start.isVisible()
    assert [b.isVisible() for b in start.buttons.values()] == [True, True, True]
    qtbot.mouseClick(start.buttons["villages"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "settings"
    window.show_page("dashboard")
    qtbot.mouseClick(start.buttons["support"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "support"
    window.show_page("dashboard")
    qtbot.mouseClick(start.buttons["import"], Qt.MouseButton.LeftButton)
    assert window.current_key() == "people"
    person(db, "Lò Thị Mai")
    window.show_page("dashboard")
    assert not start.isVisible()  # the register has people: the usual overview
