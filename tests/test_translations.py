"""Every string of the interface has a Vietnamese translation, compiled into the package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_translations_are_complete_and_compiled() -> None:
    result = subprocess.run([sys.executable, "scripts/update_translations.py", "--check"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_qts_own_buttons_and_menus_speak_vietnamese(qtbot: object, vietnamese: None) -> None:
    # Qt ships no Vietnamese of its own: without ours, every question says "Yes"/"No".
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QFileSystemModel, QLineEdit

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes
                               | QDialogButtonBox.StandardButton.No
                               | QDialogButtonBox.StandardButton.Cancel)
    texts = [b.text() for b in buttons.buttons()]
    assert sorted(texts) == sorted(["&Có", "&Không", "Hủy"])
    field = QLineEdit()
    menu = field.createStandardContextMenu()
    assert {"&Sao chép", "&Dán", "Chọn tất cả"} <= {a.text().split("\t")[0]
                                                      for a in menu.actions()}
    files = QFileSystemModel()  # the columns of Qt's own file dialog (Linux desktops)
    assert [files.headerData(i, Qt.Orientation.Horizontal) for i in range(4)] == [
        "Tên", "Cỡ", "Loại", "Ngày sửa"]
