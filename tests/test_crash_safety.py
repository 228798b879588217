"""Crash safety (issue 4): the app killed at random moments during a stream of saves.

The work is done by tests/crash_writer.py, run once as a separate process: it
forks a writer a thousand times, kills each with SIGKILL mid-stream, reopens the
encrypted database and checks it (see its docstring for what is checked).
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


def test_a_thousand_kills_lose_no_acknowledged_save_and_leave_nothing_half_written(
        tmp_path: Path) -> None:
    status, summary = run_harness(tmp_path / "profile", "--kills", "1000", timeout=900)
    report = json.dumps({k: v for k, v in summary.items() if k != "failures"},
                        ensure_ascii=False)
    assert summary["failures"] == [], json.dumps(summary["failures"][:5], ensure_ascii=False,
                                                 indent=1)
    assert status == 0, report
    assert summary["kills"] == 1000 and summary["checks_passed"] == 1000, report
    # The kills hit a stream of saves, and commits among them, not an idle process. Bounded
    # by counts the machine's speed cannot push below (on a loaded 2-core machine a third of
    # the rounds get a save acknowledged before their kill, against more than one per round
    # on a quiet one), never by a number of saves per unit of time.
    assert summary["saves_acknowledged"] >= 100, report
    assert summary["kill_moments"].get("during a commit", 0) >= 100, report
    assert summary["in_flight_committed"] > 0 and summary["in_flight_rolled_back"] > 0, report


@pytest.mark.parametrize("fault, sign", [
    # A save committed in two transactions: the citizen without their session.
    ("split-commit", "from no reported transaction"),
    # "Saved" reported before the commit: a kill in between loses an acknowledged save.
    ("ack-before-commit", "acknowledged save"),
])
def test_the_check_catches_a_known_bug(tmp_path: Path, fault: str, sign: str) -> None:
    status, summary = run_harness(tmp_path / "profile", "--kills", "1000", "--fault", fault,
                                  "--max-failures", "1", timeout=900)
    assert status == 1, summary
    problems = [p for failure in summary["failures"] for p in failure["problems"]]
    assert any(sign in p for p in problems), problems
