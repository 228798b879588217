"""The Qt binding itself: PySide6 6.12.0 lost a reference to None at every Qt call that
returns nothing, and Python 3.11 aborted the app after a few thousand calls
("none_dealloc"). pyproject.toml keeps such a release out; this test says when one
slips in."""

import sys

import pytest
from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_qt_calls_do_not_lose_references_to_none(qapp: object) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2_000):
        label.setText("xin chào")
        label.show()
        label.hide()
    assert sys.getrefcount(None) >= before - 50  # other threads may hold a few
