"""The app's look: a few rules on top of the platform style, not a theme of its own."""

STYLE_SHEET = """
QListWidget#navigation { font-size: 11pt; border: none; background: #f3f5f7; }
QListWidget#navigation::item { padding: 9px 12px; }
QListWidget#navigation::item:selected { background: #1f6feb; color: white; }
QLabel#pageHeading { margin-bottom: 4px; }
QStatusBar QLabel { padding: 0 8px; }
"""
