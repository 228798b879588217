"""scripts/run-app.sh sets up once, then starts at once: run for real on a stand-in tree."""

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree(tmp_path: Path) -> Path:
    """A copy of run-app.sh beside a setup.sh and a cdsxa that only say they ran."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run-app.sh", tmp_path / "scripts" / "run-app.sh")
    setup = tmp_path / "scripts" / "setup.sh"
    setup.write_text("#!/usr/bin/env bash\nset -e\ncd \"$(dirname \"$0\")/..\"\n"
                     "echo setup >> calls\nmkdir -p .venv/bin\n"
                     "printf '#!/bin/sh\\necho \"cdsxa $*\" >> calls\\n' > .venv/bin/cdsxa\n"
                     "chmod +x .venv/bin/cdsxa\n")
    setup.chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'cdsxa'\n")
    cloned = time.time() - 3600
    os.utime(tmp_path / "pyproject.toml", (cloned, cloned))
    return tmp_path


def _run(tree: Path, *args: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(["bash", str(tree / "scripts" / "run-app.sh"), *args],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = (tree / "calls").read_text().splitlines()
    (tree / "calls").unlink()
    return calls


def test_run_app_sets_up_once_then_starts_at_once(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    assert _run(tree, "--version") == ["setup", "cdsxa --version"]
    assert _run(tree, "--version") == ["cdsxa --version"]  # no pip install on every launch
    assert _run(tree, "check") == ["cdsxa check"]
    (tree / "pyproject.toml").touch()  # pulled a change of the dependencies
    assert _run(tree, "--version") == ["setup", "cdsxa --version"]
    assert _run(tree, "--version") == ["cdsxa --version"]
    shutil.rmtree(tree / ".venv")  # a broken or removed environment is made again
    assert _run(tree, "--version") == ["setup", "cdsxa --version"]
