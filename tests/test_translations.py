"""Every string of the interface has a Vietnamese translation, compiled into the package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_translations_are_complete_and_compiled() -> None:
    result = subprocess.run([sys.executable, "scripts/update_translations.py", "--check"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
