"""mypy, strict on the core (STYLE.md): types are checked, not only written."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# About 9 s without mypy's cache (CI, a fresh checkout), 2 s with it.
@pytest.mark.slow
def test_mypy_finds_no_errors() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
