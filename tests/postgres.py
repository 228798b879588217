"""A real PostgreSQL server for the tests, started and stopped by the test session.

Fixtures (plugged in from tests/conftest.py):

- `postgres_url` (session): a SQLAlchemy URL, as a string, to an empty database
  on a private server: ``postgresql+psycopg://postgres@/cdsxa_test?host=<socket dir>``.
- `postgres_db` (per test): the URL of a fresh, empty database of its own (created
  from template0, dropped after the test).

The server is a throwaway cluster in a temporary folder: `initdb`, then `pg_ctl
start` listening on a unix socket in that folder only (no TCP port, so parallel
runs and a PostgreSQL already on the machine do not matter), durability switched
off for speed. `initdb` refuses to run as root: as root (CI runs as root) the
folder is given to the `postgres` user and the server runs as that user.

Without PostgreSQL (a developer machine without it) the tests that need it are
skipped; under CI (`CI` set, or `CDSXA_REQUIRE_POSTGRES=1`, which .ci/run exports)
they fail instead, so CI never passes by skipping them. `scripts/setup.sh`
installs the server on Debian/Ubuntu; `CDSXA_POSTGRES_BIN` names another folder
holding `initdb` and `pg_ctl`.
"""

import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import psycopg.sql

SUPERUSER = "postgres"
DATABASE = "cdsxa_test"
# The server: a socket in its own folder only, and no durability (a test cluster).
SERVER_SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
}


def required() -> bool:
    """True under CI: a missing PostgreSQL is a failure there, never a skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("CDSXA_REQUIRE_POSTGRES") == "1"


def unavailable(reason: str) -> None:
    reason = f"PostgreSQL is needed for this test: {reason}"
    if required():
        pytest.fail(f"{reason} (required: CI or CDSXA_REQUIRE_POSTGRES=1 is set)",
                    pytrace=False)
    pytest.skip(f"{reason}; scripts/setup.sh installs it on Debian/Ubuntu")


def _version_key(folder: str) -> tuple[int, ...]:
    name = Path(folder).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl: CDSXA_POSTGRES_BIN, PATH, then Debian's folders."""
    candidates: list[str] = []
    if os.environ.get("CDSXA_POSTGRES_BIN"):
        candidates.append(os.environ["CDSXA_POSTGRES_BIN"])
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(os.path.dirname(os.path.realpath(on_path)))
    # Debian and Ubuntu keep the server programs off PATH; the newest version first.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += sorted(glob.glob("/usr/pgsql-*/bin"), reverse=True)  # Fedora, RHEL
    for folder in candidates:
        if all(os.access(os.path.join(folder, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    return None


class Server:
    """A throwaway PostgreSQL cluster in a temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        # As root the folder goes to the postgres user, who must be able to reach
        # it: /tmp itself, not a private folder of root's (pytest's tmp_path is 0700).
        self.folder = Path(tempfile.mkdtemp(prefix="cdsxa-pg-",
                                            dir="/tmp" if self.as_root else None))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.started = False

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, check=False, cwd=self.folder, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n"
                               f"{done.stdout[-3000:]}{done.stderr[-3000:]}{log}")

    def start(self) -> None:
        if self.as_root:
            try:
                shutil.chown(self.folder, SUPERUSER, SUPERUSER)
            except LookupError:
                unavailable(f"running as root, and there is no '{SUPERUSER}' user to run "
                            "initdb as (initdb refuses root)")
        initdb = ["-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-sync"]
        try:
            self.run("initdb", *initdb, "--locale=C.UTF-8")
        except RuntimeError:  # a system without the C.UTF-8 locale
            shutil.rmtree(self.data, ignore_errors=True)
            self.run("initdb", *initdb, "--locale=C")
        settings = dict(SERVER_SETTINGS, unix_socket_directories=str(self.folder))
        # pg_ctl hands -o to a shell: each value is quoted.
        options = " ".join(f"-c {shlex.quote(f'{name}={value}')}"
                           for name, value in settings.items())
        self.run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
                 "-t", "60", "-s", "-o", options)
        self.started = True

    def stop(self) -> None:
        try:
            if self.started:
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-s")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        from sqlalchemy.engine import URL

        # No host in the URL's authority: libpq's `host` is the socket's folder.
        return URL.create("postgresql+psycopg", username=SUPERUSER, database=database,
                          query={"host": str(self.folder)}).render_as_string()

    def execute(self, *statements: "psycopg.sql.Composable") -> None:
        """Statements as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(host=str(self.folder), user=SUPERUSER, dbname="postgres",
                             autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def create_database(self, name: str) -> str:
        from psycopg import sql

        self.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        # Connections a test left open (an engine's pool) would block the drop: ended
        # first (DROP ... WITH (FORCE) would need PostgreSQL 13).
        self.execute(
            sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = {} AND pid <> pg_backend_pid()").format(sql.Literal(name)),
            sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    if sys.platform == "win32":
        unavailable("the test server listens on a unix socket: Linux and macOS only")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("the psycopg driver is not installed (pip install -e '.[dev]')")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("initdb and pg_ctl were not found (PATH, /usr/lib/postgresql/*/bin, "
                    "CDSXA_POSTGRES_BIN)")
    assert bin_dir is not None
    server = Server(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: Server) -> str:
    """A SQLAlchemy URL to an empty database on the session's PostgreSQL server."""
    return postgres_server.create_database(DATABASE)


@pytest.fixture
def postgres_db(postgres_server: Server) -> Iterator[str]:
    """A SQLAlchemy URL to a fresh, empty database of this test's own."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)
