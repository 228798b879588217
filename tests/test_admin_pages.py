"""The administrator's pages through real widgets: users, the activity log, backups."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from cdsxa.db import migrate
from cdsxa.db.engine import Database
from cdsxa.register import villages
from cdsxa.security import audit, users
from cdsxa.security.access import Principal, Role
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.pages.audit_page import AuditPage
from cdsxa.ui.pages.users_page import UsersPage
from cdsxa.ui.user_form import PasswordDialog, UserDialog
from tests.conftest import TESTER
from tests.helpers import village

pytestmark = pytest.mark.usefixtures("vietnamese")


def make_context(db: Database, data_dir: Path, principal: Principal = TESTER) -> AppContext:
    return AppContext(data_dir, db, principal, Changes())


@pytest.fixture
def context(db: Database, data_dir: Path) -> AppContext:
    return make_context(db, data_dir)


@pytest.fixture(autouse=True)
def inline_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)


def fill_new_user(dialog: UserDialog, name: str, login: str, role: Role = Role.OFFICER,
                  password: str = "mat-khau-1", again: str | None = None) -> None:
    dialog.full_name.setText(name)
    dialog.username.setText(login)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.password.setText(password)
    dialog.repeat.setText(password if again is None else again)


def listed(page: UsersPage) -> list[list[str]]:
    model = page.table.rows_model
    return [[page.table.cell(r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_a_user_added_through_the_dialog_is_listed(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.show()

    def typed_and_saved(dialog: UserDialog) -> int:
        fill_new_user(dialog, "Hà Thị Lan", "lan", Role.TEAM_MEMBER)
        assert dialog.village.isEnabled()  # a team member belongs to a village
        dialog.village.setCurrentIndex(dialog.village.findText("Thôn Đồng Tâm"))
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(UserDialog, "exec", typed_and_saved)
    page.add_button.click()

    rows = {row[1]: row for row in listed(page)}
    assert rows["lan"][:5] == ["Hà Thị Lan", "lan", "Thành viên tổ CNS",
                               "Thôn Đồng Tâm", page.tr("Yes")]
    with context.read() as session:
        lan = next(u for u in users.list_users(session) if u.username == "lan")
        assert users.sign_in(session, "lan", "mat-khau-1").role is Role.TEAM_MEMBER
    assert lan.village_id == village(context.db, "Thôn Đồng Tâm")


def test_village_is_asked_only_of_team_members(qtbot: QtBot, context: AppContext) -> None:
    dialog = UserDialog(context)
    qtbot.addWidget(dialog)
    dialog.role.setCurrentIndex(dialog.role.findData(Role.OFFICER))
    assert not dialog.village.isEnabled()
    dialog.role.setCurrentIndex(dialog.role.findData(Role.TEAM_MEMBER))
    assert dialog.village.isEnabled()
    assert [dialog.role.itemText(i) for i in range(dialog.role.count())] == [
        "Cán bộ", "Thành viên tổ CNS", "Chỉ xem số liệu", "Quản trị xã"]


def test_a_refused_user_keeps_the_dialog_open_and_saves_nothing(
    qtbot: QtBot, context: AppContext
) -> None:
    with context.db.transaction(context.actor) as session:
        users.create_user(session, users.UserInput("Hà Thị Lan", "lan", Role.OFFICER,
                                                   password="mat-khau-1"))
    dialog = UserDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_new_user(dialog, "Lò Thị Lan", "Lan ")  # the same sign-in name, folded
    dialog.save_button.click()

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Tên đăng nhập này đã có người dùng."
    assert dialog.full_name.text() == "Lò Thị Lan"  # what was typed is still there

    dialog.username.setText("lan2")
    dialog.repeat.setText("khac-hoan-toan")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.error.isVisible()  # passwords differ
    with context.read() as session:
        assert [u.username for u in users.list_users(session) if "Lan" in u.full_name] == ["lan"]

    dialog.repeat.setText("mat-khau-1")
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.error.isVisible()


def test_editing_a_user_and_setting_a_password(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    with context.db.transaction(context.actor) as session:
        users.create_user(session, users.UserInput(
            "Hà Thị Lan", "lan", Role.TEAM_MEMBER, password="mat-khau-1",
            village_id=village(context.db, "Thôn Đồng Tâm")))
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.show()
    page.table.selectRow([row[1] for row in listed(page)].index("lan"))

    def made_viewer(dialog: UserDialog) -> int:
        assert dialog.username.isReadOnly() and dialog.full_name.text() == "Hà Thị Lan"
        assert dialog.village.currentText() == "Thôn Đồng Tâm"  # as it was saved
        dialog.role.setCurrentIndex(dialog.role.findData(Role.VIEWER))
        dialog.active.setChecked(False)
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(UserDialog, "exec", made_viewer)
    page.edit_button.click()
    row = next(row for row in listed(page) if row[1] == "lan")
    assert row[2:5] == ["Chỉ xem số liệu", "", page.tr("No")]

    def new_password(dialog: PasswordDialog) -> int:
        assert not dialog.own  # an administrator sets someone else's: no current password
        dialog.password.setText("mat-khau-moi")
        dialog.repeat.setText("mat-khau-moi")
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(PasswordDialog, "exec", new_password)
    page.password_button.click()
    assert "Hà Thị Lan" in page.status.text()
    with context.db.transaction(context.actor) as session:
        lan = next(u for u in users.list_users(session) if u.username == "lan")
        users.update_user(session, lan.id, Role.VIEWER, None, True)
    with context.read() as session:
        assert users.sign_in(session, "lan", "mat-khau-moi").role is Role.VIEWER


def test_someone_who_may_not_manage_users_sees_the_refusal(
    qtbot: QtBot, db: Database, data_dir: Path
) -> None:
    page = UsersPage(make_context(db, data_dir, Principal("user:x", Role.OFFICER)))
    qtbot.addWidget(page)
    page.show()
    assert page.error.isVisible() and "Cán bộ" in page.error.text()
    assert not page.add_button.isEnabled() and page.table.rows_model.rowCount() == 0


def audit_rows(page: AuditPage) -> list[list[str]]:
    model = page.table.rows_model
    return [[page.table.cell(r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_log_shows_an_update_with_old_and_new_values_and_filters(
    qtbot: QtBot, context: AppContext
) -> None:
    with context.db.transaction(context.actor) as session:
        villages.rename(session, village(context.db, "Bản Hang"), "Bản Hang Trên")
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()

    rows = audit_rows(page)
    update = next(row for row in rows if row[2] == "Sửa")
    assert update[3] == "Thôn/bản: Bản Hang Trên" and "Bản Hang → Bản Hang Trên" in update[4]
    assert update[1] == "test" and len(update[0]) == len("22/11/2025 07:30")
    times = [row.at for row in page.rows]
    assert times == sorted(times, reverse=True)  # newest first
    assert any(row[2] == "Thêm mới" for row in rows)

    page.action.setCurrentIndex(page.action.findData("update"))
    assert {row[2] for row in audit_rows(page)} == {"Sửa"}
    assert page.who.findData("test") >= 0

    page.table_kind.setCurrentIndex(page.table_kind.findData("person"))
    assert audit_rows(page) == []  # no person was changed


def test_the_log_loads_more_pages_on_request(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsxa.ui.pages import audit_page

    monkeypatch.setattr(audit_page, "PAGE_SIZE", 2)
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    with context.read() as session:
        total = len(audit.browse(session, limit=10_000))
    assert total > 2
    assert page.table.rows_model.rowCount() == 2 and page.more_button.isVisible()
    while page.more_button.isVisible():
        page.more_button.click()
    assert page.table.rows_model.rowCount() == total


def test_the_filtered_log_exports_to_excel_and_the_export_is_logged(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "nhat-ky.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(target), "")))
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    page.action.setCurrentIndex(page.action.findData("insert"))
    shown = page.table.rows_model.rowCount()
    page.export_button.click()

    sheet = load_workbook(target).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == shown and {row[2] for row in values} == {"Thêm mới"}
    with context.read() as session:
        exports = audit.browse(session, audit.AuditFilter(actions=("export",)))
    assert len(exports) == 1 and "nhat-ky.xlsx" in exports[0].summary
    assert str(shown) in page.status.text()


def test_the_log_is_not_exported_over_the_data_itself(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page exports through the same service as `cdsxa export audit`, so the
    data folder's own files are refused as destinations there too."""
    from PySide6.QtWidgets import QFileDialog

    database = context.db.path
    before = database.stat().st_size
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(database), "")))
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    page.export_button.click()
    qtbot.waitUntil(lambda: page.export_button.isEnabled())
    assert page.error.text() and database.stat().st_size >= before
    with context.read() as session:
        assert audit.browse(session, audit.AuditFilter(actions=("export",))) == []


def choose_file(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: (str(path), "")))


def answer(monkeypatch: pytest.MonkeyPatch, button: object) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(parent: object, title: str, text: str, *rest: object) -> object:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_the_panel_backs_up_to_a_chosen_file(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cdsxa.profile import backup
    from cdsxa.ui.backup_panel import BackupPanel

    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.backup_button.isEnabled() and panel.restore_button.isEnabled()
    choose_file(monkeypatch, "getSaveFileName", tmp_path / "usb" / "xa-muong-lat")
    panel.backup_button.click()

    made = tmp_path / "usb" / f"xa-muong-lat{backup.SUFFIX}"  # the suffix is added
    assert made.exists() and str(made) in panel.status.text()
    info = backup.inspect_backup(made)
    assert info.commune_code == context.db.commune_code and info.reason == "manual"
    with context.read() as session:
        assert len(audit.browse(session, audit.AuditFilter(actions=("backup",)))) == 1


def test_the_panel_shows_the_last_automatic_backup(
    qtbot: QtBot, context: AppContext, data_dir: Path
) -> None:
    from datetime import datetime

    from cdsxa.profile import backup
    from cdsxa.ui.backup_panel import BackupPanel

    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    before = panel.last_auto.text()
    made = backup.auto_backup(context.db, data_dir, datetime.now())
    assert made is not None
    panel.refresh()
    assert made.name in panel.last_auto.text() and panel.last_auto.text() != before
    assert panel.folder.text() == str(data_dir / "backups")


def test_the_panel_restores_after_saying_what_the_backup_is(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    data_dir: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from cdsxa.profile import backup, storage
    from cdsxa.ui.backup_panel import BackupPanel

    db = context.db
    saved = backup.make_backup(db, tmp_path / f"before{backup.SUFFIX}", "manual", TESTER)
    with context.db.transaction(context.actor) as session:
        villages.rename(session, village(db, "Bản Hang"), "Bản Hang Trên")
    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    choose_file(monkeypatch, "getOpenFileName", saved.path)
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.restart_requested, timeout=5000):
        panel.restore_button.click()

    assert "Xã Mường Lát" in asked[0] and migrate.SCHEMA_HEAD in asked[0]
    assert not panel.error.isVisible()
    reopened = storage.open_database(data_dir, db.key)  # type: ignore[arg-type]
    try:
        with reopened.reading(TESTER) as session:
            names = [v.name for v in villages.list_all(session)]
            restores = audit.browse(session, audit.AuditFilter(actions=("restore",)))
    finally:
        reopened.close()
    assert "Bản Hang" in names and "Bản Hang Trên" not in names
    assert len(restores) == 1
    assert list((data_dir / "backups").glob(f"*before-restore{backup.SUFFIX}"))


def test_a_damaged_backup_is_refused_and_nothing_changes(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from cdsxa.profile import backup
    from cdsxa.ui.backup_panel import BackupPanel

    good = backup.make_backup(context.db, tmp_path / f"good{backup.SUFFIX}", "manual", TESTER)
    damaged = tmp_path / f"damaged{backup.SUFFIX}"
    data = bytearray(good.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    choose_file(monkeypatch, "getOpenFileName", damaged)
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.assertNotEmitted(panel.restart_requested):
        panel.restore_button.click()

    assert asked == [] and panel.error.isVisible() and "hỏng" in panel.error.text()
    with context.read() as session:  # the profile is still open and unchanged
        assert audit.browse(session, audit.AuditFilter(actions=("restore",))) == []


def test_only_administrators_may_back_up(qtbot: QtBot, db: Database, data_dir: Path) -> None:
    from cdsxa.ui.backup_panel import BackupPanel

    panel = BackupPanel(make_context(db, data_dir, Principal("user:x", Role.OFFICER)))
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.backup_button.isEnabled() and not panel.restore_button.isEnabled()


def test_the_log_loads_off_the_ui_thread(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.table.rows_model.rowCount() > 0, timeout=5000)
    page.action.setCurrentIndex(page.action.findData("update"))
    qtbot.waitUntil(lambda: page.table.rows_model.rowCount() == 0
                    and not page.loading, timeout=5000)


def test_the_log_is_for_administrators_only(qtbot: QtBot, db: Database, data_dir: Path) -> None:
    page = AuditPage(make_context(db, data_dir, Principal("user:x", Role.OFFICER)))
    qtbot.addWidget(page)
    page.show()
    assert page.error.isVisible() and "Cán bộ" in page.error.text()
    assert page.table.rows_model.rowCount() == 0


def test_ones_own_password_needs_the_current_one(
    qtbot: QtBot, context: AppContext, db: Database, data_dir: Path
) -> None:
    with context.db.transaction(context.actor) as session:
        users.create_user(session, users.UserInput("Hà Thị Lan", "lan", Role.ADMIN,
                                                   password="mat-khau-1"))
    with db.transaction(TESTER) as session:
        lan = users.sign_in(session, "lan", "mat-khau-1")
    own = make_context(db, data_dir, lan)
    with own.read() as session:
        me = next(u for u in users.list_users(session) if u.username == "lan")
    dialog = PasswordDialog(own, me)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.own and dialog.current.isVisible()
    dialog.current.setText("doan-sai-1")
    dialog.password.setText("mat-khau-moi")
    dialog.repeat.setText("mat-khau-moi")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.error.text() == "Mật khẩu hiện tại không đúng."
    dialog.current.setText("mat-khau-1")
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_another_communes_backup_is_restored_only_after_a_warning(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json
    import zipfile

    from PySide6.QtWidgets import QMessageBox

    from cdsxa.common import admin_units
    from cdsxa.profile import backup
    from cdsxa.ui.backup_panel import BackupPanel

    made = backup.make_backup(context.db, tmp_path / f"made{backup.SUFFIX}", "manual", TESTER).path
    other = tmp_path / f"other{backup.SUFFIX}"  # the same data, said to be Trung Lý's
    trung_ly = admin_units.search_communes(38, "trung ly")[0].code
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(other, "w") as target:
        manifest = json.loads(source.read(backup.MANIFEST))
        target.writestr(backup.MANIFEST, json.dumps({**manifest, "commune_code": trung_ly}))
        target.writestr(backup.DATA, source.read(backup.DATA))
    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    choose_file(monkeypatch, "getOpenFileName", other)
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    warned: list[str] = []

    def warning(parent: object, title: str, text: str, *rest: object) -> object:
        warned.append(text)
        return reply

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    reply = QMessageBox.StandardButton.No
    with qtbot.assertNotEmitted(panel.restart_requested):
        panel.restore_button.click()
    assert "Xã Trung Lý" in asked[0] and "KHÁC" in asked[0]
    assert "Xã Trung Lý" in warned[0] and "Xã Mường Lát" in warned[0]
    assert panel.status.text() == "Chưa khôi phục gì."

    reply = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(panel.restart_requested, timeout=5000):
        panel.restore_button.click()
    assert not panel.error.isVisible()


def test_closing_waits_for_a_backup_in_progress_and_says_so(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from cdsxa.ui.operations import QueryOp

    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    release, finished = threading.Event(), []
    QueryOp(None, lambda: release.wait(10) and finished.append(True)).run_in_background()
    seen: list[str] = []

    def look() -> None:  # runs while finish_all waits
        shown = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QProgressDialog) and w.isVisible()]
        seen.extend(w.labelText() for w in shown)
        if shown:
            release.set()
        else:
            QTimer.singleShot(50, look)

    QTimer.singleShot(0, look)
    tasks.finish_all("Đang hoàn tất sao lưu…")
    assert finished == [True] and seen == ["Đang hoàn tất sao lưu…"]
    assert not any(isinstance(w, QProgressDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())


def test_the_exported_log_masks_id_numbers_and_phones_the_screen_shows(
    qtbot: QtBot, context: AppContext, db: Database, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path
) -> None:
    from sqlalchemy import select

    from cdsxa.db.models import Person
    from tests.helpers import person

    person(db, "Lò Thị Mai", phone="0912345678")
    with context.db.transaction(context.actor) as session:
        mai = session.scalars(select(Person)).one()
        mai.phone, mai.id_number = "0987654321", "038190001234"
    target = tmp_path / "nhat-ky.xlsx"
    choose_file(monkeypatch, "getSaveFileName", target)
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.show()
    page.action.setCurrentIndex(page.action.findData("update"))
    on_screen = " ".join(str(row) for row in page.table.rows_model.rows)
    assert "0912345678" in on_screen and "038190001234" in on_screen  # an administrator's view
    page.export_button.click()

    written = " ".join(str(cell.value) for row in load_workbook(target).active.iter_rows()
                       for cell in row)
    assert "091•••••78" in written and "098•••••21" in written and "038•••••••34" in written
    assert not any(n in written for n in ("0912345678", "0987654321", "038190001234"))
