"""Screenshots of every page, taken from a real X server (run under xvfb-run).

    CDSXA_PASSPHRASE=… xvfb-run -s "-screen 0 1280x800x24" \
        python scripts/screenshots.py DATA_DIR OUT_DIR [LANG] [USER PASSWORD]

Used to look at the app as a user would, and for the README's picture.
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from cdsxa.profile.storage import open_profile
from cdsxa.security import keys, users
from cdsxa.security.access import command_line
from cdsxa.ui import i18n, tasks
from cdsxa.ui.app import application
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.main_window import MainWindow


def main() -> int:
    data_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    language = sys.argv[3] if len(sys.argv) > 3 else "vi"
    out_dir.mkdir(parents=True, exist_ok=True)
    app = application()
    i18n.install(app, language)
    db = open_profile(data_dir, keys.terminal_prompt)
    principal = command_line()
    if len(sys.argv) > 5:  # as that user sees it
        principal = users.attempt_sign_in(db, sys.argv[4], sys.argv[5])
    window = MainWindow(AppContext(data_dir, db, principal, Changes()))
    window.resize(1200, 760)
    window.move(0, 0)
    window.show()
    for spec in window.specs:
        window.show_page(spec.key)
        # Pages read off the UI thread: let their reads finish and their results arrive.
        for _ in range(5):
            tasks.wait_for_all(10_000)
            app.processEvents()
        screen = QApplication.primaryScreen()
        shot = screen.grabWindow(0, 0, 0, window.frameGeometry().width(),
                                 window.frameGeometry().height())
        shot.save(str(out_dir / f"{spec.key}.png"))
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
