"""F1: the keyboard shortcuts, in one page.

The window's own shortcuts are read from its menus' actions, so the list cannot
drift from what the keys do; the forms' keys are listed here beside them.
"""

from collections.abc import Iterable
from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


def action_keys(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    rows = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys and not action.isSeparator():
            rows.append((keys, action.text().replace("&&", "\0").replace("&", "")
                         .replace("\0", "&")))
    return rows


class ShortcutsHelp(QDialog):
    def __init__(self, window_actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setObjectName("shortcutsHelp")
        self.resize(620, 560)
        self.sections = [(self.tr("Anywhere in the window"), action_keys(window_actions)),
                         (self.tr("In the pages and forms"), self.form_keys())]
        self.browser = QTextBrowser()
        self.browser.setHtml(self._html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def form_keys(self) -> list[tuple[str, str]]:
        """What the keys do inside the pages and forms."""
        return [
            ("Tab / Shift+Tab", self.tr("Next / previous field (a date is one field: type "
                                        "its digits, or Left/Right between its parts)")),
            ("Enter", self.tr("In a search box: take the first match. In a form's text "
                              "field: save")),
            ("Ctrl+S", self.tr("Save the support session")),
            ("Ctrl+N", self.tr("New citizen (Citizen support), new person (People)")),
            ("Esc", self.tr("Citizen support: clear the form for the next citizen. "
                            "A form window: close it without saving")),
            ("Ctrl+F", self.tr("People: go to the search box")),
            (self.tr("Letters, Up/Down, Enter"),
             self.tr("Topics: type to filter (no accents needed), Up/Down to move, "
                     "Enter to add")),
            ("Backspace", self.tr("Topics, in the empty box: remove the last topic")),
            ("Ctrl+Z", self.tr("VNeID: undo the step just recorded")),
        ]

    def _html(self) -> str:
        parts = []
        for title, rows in self.sections:
            parts.append(f"<h3>{escape(title)}</h3><table cellpadding='3'>")
            parts += [f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
                      for keys, what in rows]
            parts.append("</table>")
        return "".join(parts)

    def text(self) -> str:
        return self.browser.toPlainText()
