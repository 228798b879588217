"""DESIGN.md's layers: nothing outside cdsxa/ui imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cdsxa"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_ui_package_imports_qt() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts
        and any(m.split(".")[0] in {"PySide6", "shiboken6"} for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_core_runs_without_loading_qt() -> None:
    code = ("import sys, cdsxa.cli.main, cdsxa.demo.commune, cdsxa.commune.profile, cdsxa.profile.storage, cdsxa.sync.status;"
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
