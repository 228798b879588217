"""Run by bench/startup.py in a fresh process: start the real GUI, report when the
main window has been shown and painted, then quit."""

import os
import sys
import time
from pathlib import Path

import psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cdsxa.ui import main_window
from cdsxa.ui.app import run

started = float(os.environ["CDSXA_BENCH_T0"])
original_show = main_window.MainWindow.show


def show_and_report(self: main_window.MainWindow) -> None:
    original_show(self)

    def report() -> None:
        self.repaint()  # the first frame is on screen
        elapsed = time.time() - started
        rss = psutil.Process().memory_info().rss / 2**20
        print(f"RESULT {elapsed * 1000:.1f} {rss:.1f}", flush=True)
        app = QApplication.instance()
        assert app is not None
        app.exit(0)

    QTimer.singleShot(0, report)


main_window.MainWindow.show = show_and_report  # type: ignore[method-assign]
sys.exit(run(Path(sys.argv[1])))
