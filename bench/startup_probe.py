"""Run by bench/startup.py in a fresh process: start the real GUI, note when the
sign-in window would show, sign in as the bench administrator (the real Argon2
check), report when the main window has been shown and painted, then quit."""

import os
import sys
import time
from pathlib import Path

import psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cdsxa.security import users
from cdsxa.ui import app as app_module
from cdsxa.ui import main_window
from cdsxa.ui.app import run

started = float(os.environ["CDSXA_BENCH_T0"])
original_show = main_window.MainWindow.show
sign_in_shown = 0.0


def sign_in(self: object, db: object) -> object:
    global sign_in_shown
    sign_in_shown = time.time() - started
    return users.attempt_sign_in(db, "admin", os.environ["CDSXA_ADMIN_PASSWORD"])  # type: ignore[arg-type]


app_module.Startup._sign_in = sign_in  # type: ignore[method-assign,assignment]


def show_and_report(self: main_window.MainWindow) -> None:
    original_show(self)

    def report() -> None:
        self.repaint()  # the first frame is on screen
        elapsed = time.time() - started
        rss = psutil.Process().memory_info().rss / 2**20
        print(f"RESULT {sign_in_shown * 1000:.1f} {elapsed * 1000:.1f} {rss:.1f}", flush=True)
        app = QApplication.instance()
        assert app is not None
        app.exit(0)

    QTimer.singleShot(0, report)


main_window.MainWindow.show = show_and_report  # type: ignore[method-assign]
sys.exit(run(Path(sys.argv[1])))
