"""DESIGN.md's layers, as a table: who may import whom (docs/architecture.md)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cdsxa"
SERVICES = ("register", "support", "counting", "commune", "excel", "profile", "security",
            "demo")
QT = ("PySide6", "shiboken6")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules_of(area: str) -> list[Path]:
    return sorted((PACKAGE / area).rglob("*.py"))


def area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cdsxa" and len(parts) > 1 else None


def offenders(area: str, forbidden: tuple[str, ...]) -> list[str]:
    """Modules of `area` importing anything under a forbidden prefix."""
    found = []
    for path in modules_of(area):
        if "migrations" in path.parts and area != "db":
            continue
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return sorted(found)


def test_only_the_ui_package_imports_qt() -> None:
    outside_ui = [p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in ("ui",)
                  and not p.name.startswith("__")]
    assert [o for area in outside_ui for o in offenders(area, QT)] == []


@pytest.mark.parametrize("area", SERVICES + ("sync", "cli"))
def test_services_sync_and_the_command_line_never_import_the_ui(area: str) -> None:
    allowed = {"cli/main.py"}  # `cdsxa` with no subcommand opens the GUI (a lazy import)
    found = [o for o in offenders(area, ("cdsxa.ui",) + QT)
             if o.split(" ")[0] not in allowed]
    assert found == []


def test_the_database_layer_imports_no_service() -> None:
    project = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    forbidden = tuple(f"cdsxa.{a}" for a in sorted(project - {"db", "common"}))
    assert offenders("db", forbidden) == []


# The official list of provinces and communes: data, not behaviour.
DATA_PACKAGES = frozenset({"__future__", "vietnam_provinces"})


def test_common_is_pure_vocabulary() -> None:
    """Standard library only, and nothing of the project outside common itself."""
    found = []
    for path in modules_of("common"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "cdsxa":
                if area_of(module) not in ("common", None) and module != "cdsxa":
                    found.append(f"{path.name} imports {module}")
            elif top not in sys.stdlib_module_names | DATA_PACKAGES:
                found.append(f"{path.name} imports {module}")
    assert found == []


def test_counting_imports_no_data_folder_ui_or_key_code() -> None:
    forbidden = ("cdsxa.profile", "cdsxa.ui", "cdsxa.security.keys", "keyring", "sqlcipher3",
                 "cdsxa.cli") + QT
    assert offenders("counting", forbidden) == []


SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "PRAGMA ", "CREATE ", "DROP ")


def test_the_ui_runs_no_sql_text() -> None:
    found = []
    for path in modules_of("ui"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy" and any(
                    alias.name in ("text", "literal_column") for alias in node.names):
                found.append(f"{path.name}: imports sqlalchemy.{node.names[0].name}")
            if isinstance(node, ast.Attribute) and node.attr == "exec_driver_sql":
                found.append(f"{path.name}: exec_driver_sql")
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value.lstrip().startswith(SQL_WORDS)):
                found.append(f"{path.name}: {node.value[:40]!r}")
        found += [f"{path.name} imports {m}" for m in imported_modules(path)
                  if m.split(".")[0] == "requests"]
    assert found == []


def test_the_core_runs_without_loading_qt() -> None:
    code = ("import sys, cdsxa.cli.main, cdsxa.demo.commune, cdsxa.commune.profile, "
            "cdsxa.profile.storage, cdsxa.sync.status;"
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_the_main_window_loads_no_excel_reader_at_start() -> None:
    """openpyxl and the import code cost start-up time and memory that a session
    without an import never uses: they load when the officer imports or exports."""
    code = ("import sys, cdsxa.ui.main_window;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl'"
            " or m.startswith('cdsxa.excel.people_')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ,
                                            "QT_QPA_PLATFORM": "offscreen"})
    assert found.stdout.strip() == "[]"


# The hub (DESIGN.md): the sync rules, counting, common and its own database; never the
# commune app's UI, its data folder, its keys or the SQLCipher engine. Permissions and
# the audit trail (security.access, security.audit) hold on its replicas as on a PC.
# From the command line it borrows only the Vietnamese argparse, prompts and dates.
KEY_MODULES = ("cdsxa.security.keys", "cdsxa.security.device_token", "cdsxa.security.users")
HUB_FORBIDDEN = ("cdsxa.ui", "cdsxa.profile", "cdsxa.cli", "cdsxa.db.engine", "cdsxa.db.key",
                 "keyring", "sqlcipher3") + KEY_MODULES + QT


def test_the_hub_imports_no_ui_data_folder_or_keys() -> None:
    found = [o for o in offenders("hub", HUB_FORBIDDEN)
             if not o.split(" imports ")[1].startswith(("cdsxa.cli.argparse_vi",
                                                         "cdsxa.cli.prompts",
                                                         "cdsxa.cli.dates"))]
    assert found == []


def test_the_hub_runs_without_loading_qt_the_keyring_or_sqlcipher() -> None:
    code = ("import sys, cdsxa.hub.app, cdsxa.hub.cli, cdsxa.hub.migrate;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'keyring', 'sqlcipher3') or m.startswith(('cdsxa.profile', "
            "'cdsxa.ui', 'cdsxa.db.engine', 'cdsxa.security.keys', "
            "'cdsxa.security.device_token', 'cdsxa.security.users'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
