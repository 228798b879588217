"""Crash safety (issue 4): the app killed at random moments during a stream of saves.

The work is done by tests/crash_writer.py, run once as a separate process: it
forks a writer again and again (up to a thousand times, for at most ROUND_SECONDS),
kills each with SIGKILL mid-stream, reopens the encrypted database and checks it (see
its docstring for what is checked). The run is bounded in time, not in saves: a loaded
machine does fewer rounds, and every one of them is still checked in full.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HARNESS = Path(__file__).with_name("crash_writer.py")
REPO = Path(__file__).resolve().parent.parent

# Rounds start for this long (each then finishes its check), so the test takes about
# this long on any machine; a quiet one reaches the thousand kills first.
ROUND_SECONDS = 100
# Enough kills that their moments vary (while opening, mid-save, mid-commit); a loaded
# 2-core machine still does several hundred in ROUND_SECONDS.
MIN_KILLS = 50

pytestmark = [
    # About two minutes: out of the quick run (scripts/test.sh -m "not slow"), in CI's.
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform == "win32" or not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
        reason="the crash test forks writers and kills them with SIGKILL: Linux and macOS only",
    ),
]


def run_harness(data_dir: Path, *args: str, timeout: float) -> tuple[int, dict[str, Any]]:
    # No keyring in the child process: the data key is wrapped by this passphrase.
    env = dict(os.environ, CDSXA_PASSPHRASE="crash-test-passphrase",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, str(HARNESS), str(data_dir), *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=timeout)
    try:
        summary = json.loads(done.stdout)
        summary["failures"]
    except (ValueError, KeyError):
        pytest.fail(f"the harness printed no summary (status {done.returncode}):\n"
                    f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.returncode, summary


def test_kills_lose_no_acknowledged_save_and_leave_nothing_half_written(
        tmp_path: Path) -> None:
    status, summary = run_harness(tmp_path / "profile", "--kills", "1000",
                                  "--seconds", str(ROUND_SECONDS), timeout=900)
    report = json.dumps({k: v for k, v in summary.items() if k != "failures"},
                        ensure_ascii=False)
    assert summary["failures"] == [], json.dumps(summary["failures"][:5], ensure_ascii=False,
                                                 indent=1)
    assert status == 0, report
    # Every round was a kill of a writer, and every one was checked: each acknowledged
    # save of the run (however many the machine managed) was found as it was committed.
    kills = summary["kills"]
    assert kills >= MIN_KILLS, report
    assert summary["rounds"] == kills and summary["checks_passed"] == kills, report
    # The kills hit a stream of saves, and commits among them, not an idle process:
    # counts in proportion to the kills done, which a slow machine lowers together.
    assert summary["saves_acknowledged"] >= kills // 10, report
    assert summary["kill_moments"].get("during a commit", 0) >= kills // 20, report


@pytest.mark.parametrize("fault, sign", [
    # A save committed in two transactions: the citizen without their session.
    ("split-commit", "from no reported transaction"),
    # "Saved" reported before the commit: a kill in between loses an acknowledged save.
    ("ack-before-commit", "acknowledged save"),
])
def test_the_check_catches_a_known_bug(tmp_path: Path, fault: str, sign: str) -> None:
    status, summary = run_harness(tmp_path / "profile", "--kills", "1000", "--fault", fault,
                                  "--seconds", str(ROUND_SECONDS), "--max-failures", "1",
                                  timeout=900)
    assert status == 1, summary
    problems = [p for failure in summary["failures"] for p in failure["problems"]]
    assert any(sign in p for p in problems), problems
