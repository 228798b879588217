"""Cold start to the sign-in window, then to the main window shown after signing in,
and memory after start, on the large demo profile.

    python bench/startup.py [RUNS]

Goals (issue 2): under 1.5 s to the window; under 250 MB RSS after start.
Each run is a new process (interpreter start and imports included). The first
run follows the profile being opened by nobody for a while; later runs have a
warm operating-system file cache.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from common import ensure_admin, large_profile, summary


def one_run(profile: Path) -> tuple[float, float, float]:
    env = {**os.environ, "CDSXA_BENCH_T0": repr(time.time())}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("startup_probe.py")),
                          str(profile)], env=env, capture_output=True, text=True, check=True)
    line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT"))
    _, sign_in_ms, ms, rss = line.split()
    return float(sign_in_ms), float(ms), float(rss)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    profile = large_profile()
    ensure_admin(profile)
    results = [one_run(profile) for _ in range(runs)]
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}; "
          f"profile: {profile} ({(profile / 'cdsxa.sqlite3').stat().st_size / 2**20:.0f} MB)")
    print(f"first run: {results[0][0]:.0f} ms to sign-in, {results[0][1]:.0f} ms to main "
          f"window, {results[0][2]:.0f} MB RSS")
    print(summary("start to the sign-in window", [r[0] for r in results], "ms"))
    print(summary("start to main window shown (sign-in's Argon2 check included)",
                  [r[1] for r in results], "ms"))
    print(summary("RSS after start", [r[2] for r in results], "MB"))


if __name__ == "__main__":
    main()
