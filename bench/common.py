"""Shared by the benchmarks: where the large demo profile lives, and figures."""

import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdsxa.db.engine import Database
    from cdsxa.security.access import Principal

BENCH_DATA = Path(os.environ.get("CDSXA_BENCH_DIR", Path(__file__).parent / ".data"))
# Bench profiles are unlocked by passphrase, as scripts do (no keyring needed).
os.environ.setdefault("CDSXA_PASSPHRASE", "bench passphrase")
os.environ.setdefault("CDSXA_ADMIN_PASSWORD", "bench admin password")


def large_profile() -> Path:
    """The `large` demo profile, made once (about 5 minutes on 2 busy cores) and reused."""
    target = BENCH_DATA / "large"
    if not (target / "cdsxa.sqlite3").exists():
        print(f"making the large demo profile in {target} …", flush=True)
        subprocess.run([sys.executable, "-m", "cdsxa", "demo", "--size", "large",
                        "--data-dir", str(target)], check=True)
    return target


def ensure_admin(data_dir: Path) -> tuple[str, str]:
    """An administrator who can sign in (a profile made before sign-in has none)."""
    from cdsxa.security import users
    from cdsxa.security.access import SYSTEM

    password = os.environ["CDSXA_ADMIN_PASSWORD"]
    db = open_bench(data_dir)
    try:
        with db.transaction(SYSTEM) as session:
            if users.needs_first_admin(session):
                users.create_first_admin(session, "Lò Văn Tâm", "admin", password)
    finally:
        db.close()
    return "admin", password


def open_bench(data_dir: Path) -> "Database":
    """Open a bench profile as the command line does (passphrase from the environment)."""
    from cdsxa.profile.storage import open_profile

    return open_profile(data_dir)


def cli() -> "Principal":
    """Who the benchmarks act as: the command line, as `cdsxa` commands do."""
    from cdsxa.security.access import command_line

    return command_line()


def summary(label: str, values: list[float], unit: str) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (f"{label}: median {statistics.median(values):.1f} {unit}, p95 {p95:.1f} {unit}, "
            f"min {ordered[0]:.1f}, max {ordered[-1]:.1f} (n={len(values)})")
