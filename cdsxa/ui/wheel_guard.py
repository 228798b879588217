"""The mouse wheel changes a number, a date or a choice only in the box the officer is in.

Scrolling a long page (Settings) over a spin box used to change the figure under the
pointer: the population, a denominator of every indicator, went from 528 to 503 with
nobody noticing. One event filter covers every spin box, date edit and combo box under
a page or dialog: `guard(root)` is called when a page is shown (cdsxa.ui.pages.base),
so boxes made later are covered the next time it shows. It is installed on the boxes
themselves, not on the application: a Python filter that sees every event of the
application crashed PySide on objects being destroyed (a segmentation fault in CI).
"""

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_GUARDED = (QAbstractSpinBox, QComboBox)  # QAbstractSpinBox covers QDateEdit


def _guarded(watched: QObject) -> QWidget | None:
    """The spin box or combo box an event is for (the wheel may reach its inner edit)."""
    if isinstance(watched, _GUARDED):
        return watched
    parent = watched.parent() if isinstance(watched, QWidget) else None
    return parent if isinstance(parent, _GUARDED) else None


def _pass_up(box: QWidget, event: QEvent) -> None:
    """The page scrolls instead, as if the box were not there: Qt hands an event on to
    the parents only when it came from the mouse, not when sent, so walk them here."""
    widget = box.parentWidget()
    while widget is not None:
        event.accept()
        QCoreApplication.sendEvent(widget, event)
        if event.isAccepted() or widget.isWindow():
            return
        widget = widget.parentWidget()


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Wheel:
            box = _guarded(watched)
            if box is not None and not box.hasFocus():
                _pass_up(box, event)
                return True
        return False


_guard: WheelGuard | None = None


def guard(root: QWidget) -> None:
    """Every spin box, date edit and combo box under `root` (again: nothing twice)
    takes the wheel only when it has the focus, and never takes the focus from it."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(QApplication.instance())
    for box in root.findChildren(QWidget):
        if not isinstance(box, _GUARDED) or box.property("wheelGuarded"):
            continue
        box.setProperty("wheelGuarded", True)
        # Qt's default (WheelFocus) lets the wheel give the box the focus first,
        # and then the box takes the wheel: keyboard and click only.
        if box.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.installEventFilter(_guard)
        # The wheel may reach a box's inner line edit first.
        for inner in box.findChildren(QWidget):
            inner.installEventFilter(_guard)
