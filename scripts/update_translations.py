"""Refresh the translation sources from the code, then compile them.

    python scripts/update_translations.py          # lupdate + lrelease
    python scripts/update_translations.py --check  # exit 1 if anything is stale or unfinished

Sources (.ts, edited by translators or Qt Linguist) live in resources/translations/;
the compiled .qm files ship inside the package (cdsxa/ui/i18n/). qt_<lang>.ts holds
Qt's own widget texts (standard buttons, edit menus), which Qt does not ship in
Vietnamese; it is edited by hand and only compiled here.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "resources" / "translations"
QM_DIR = ROOT / "cdsxa" / "ui" / "i18n"
LANGUAGES = ["vi"]


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(
        f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found; install PySide6 in this environment")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "cdsxa" / "ui").rglob("*.py"))


def lupdate(ts_file: Path) -> None:
    subprocess.run([_tool("lupdate"), "-no-obsolete", "-locations", "none", *sources(),
                    "-ts", str(ts_file)], cwd=ROOT, check=True, capture_output=True)


def lrelease(ts_file: Path, qm_file: Path) -> None:
    subprocess.run([_tool("lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)],
                   cwd=ROOT, check=True)


def unfinished(ts_file: Path) -> list[str]:
    tree = ET.parse(ts_file)
    return [
        message.findtext("source") or ""
        for message in tree.iter("message")
        if (t := message.find("translation")) is None or t.get("type") == "unfinished"
        or not (t.text or "").strip()
    ]


def check() -> list[str]:
    problems = []
    for language in LANGUAGES:
        ts_file = TS_DIR / f"cdsxa_{language}.ts"
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / ts_file.name
            shutil.copy(ts_file, fresh)
            lupdate(fresh)
            problems += [f"{language}: not translated: {s!r}" for s in unfinished(fresh)]
            qm = Path(tmp) / f"cdsxa_{language}.qm"
            for source in (ts_file, TS_DIR / f"qt_{language}.ts"):
                qm = Path(tmp) / f"{source.stem}.qm"
                lrelease(source, qm)
                if qm.read_bytes() != (QM_DIR / qm.name).read_bytes():
                    problems.append(f"{language}: {qm.name} is older than {source.name}; run "
                                    "scripts/update_translations.py")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        problems = check()
        print("\n".join(problems) or "translations are complete and compiled")
        return 1 if problems else 0
    for language in LANGUAGES:
        ts_file = TS_DIR / f"cdsxa_{language}.ts"
        lupdate(ts_file)
        lrelease(ts_file, QM_DIR / f"cdsxa_{language}.qm")
        lrelease(TS_DIR / f"qt_{language}.ts", QM_DIR / f"qt_{language}.qm")
        for source in unfinished(ts_file):
            print(f"{language}: not translated yet: {source!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
