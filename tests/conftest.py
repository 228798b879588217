import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from cdsxa.commune.profile import FirstUser, Population, ProfileSetup, initialise  # noqa: E402
from cdsxa.db.engine import Database  # noqa: E402
from cdsxa.profile import paths  # noqa: E402
from cdsxa.profile.storage import open_database  # noqa: E402
from cdsxa.security import (
    keys,  # noqa: E402
    users,  # noqa: E402
)
from cdsxa.security.access import Principal, Role  # noqa: E402

# A real PostgreSQL server (`postgres_url`, `postgres_db`) and a real hub (`hub`, `hub_url_db`).
pytest_plugins = ["tests.postgres", "tests.hub_server", "tests.sync_pcs"]

# Property tests are bounded in examples, never in time: a busy CI machine draws and
# runs them slowly, and that is not a failure of the property.
hypothesis.settings.register_profile(
    "cdsxa", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("cdsxa")

# Cheap key derivation and password hashing, as Django does in tests: the
# parameters are stored with each hash or wrap, so the code paths are the same.
users.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
keys.SCRYPT_N = 2**10

# The `db` fixture's data passphrase: child processes (CLI tests) have no access to
# the in-memory keyring and unlock with CDSXA_PASSPHRASE instead, as scripts do.
PASSPHRASE = "mật khẩu kiểm thử"

# Who the `db` fixture acts as: an administrator named "test".
TESTER = Principal("test", Role.ADMIN, display_name="Người kiểm thử")


class MemoryKeyring(KeyringBackend):
    """An OS keyring stand-in that keeps secrets in this process."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Every test has a working keyring of its own, and no passphrase in the environment."""
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)



def muong_lat_code() -> int:
    from cdsxa.common import admin_units

    return admin_units.search_communes(38, "muong lat")[0].code


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    """GUI tests see what an officer sees: the Vietnamese interface."""
    from cdsxa.ui import i18n

    translators = i18n.install(qapp, "vi")  # type: ignore[arg-type]
    yield
    for translator in translators:
        qapp.removeTranslator(translator)  # type: ignore[attr-defined]


@pytest.fixture
def inline_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """GUI operations (cdsxa.ui.operations) run inline, as pressing Save and reading the
    result at once expects; tests about the threads set tasks.SYNCHRONOUS back."""
    from cdsxa.ui import tasks

    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


def db_fixture_setup() -> ProfileSetup:
    """What the `db` fixture's profile holds."""
    return ProfileSetup(
        province_code=38,
        commune_code=muong_lat_code(),
        village_names=["Bản Hang", "Thôn Đồng Tâm"],
        population=Population(2025, residents=1000, adults=700, aged_15_plus=760,
                              working_age=600, households=250),
        user=FirstUser("Lò Văn Tâm", "Công chức"),
    )


@dataclass(frozen=True)
class ProfileTemplate:
    """The `db` fixture's profile, set up once a session; each test gets a copy."""

    data_dir: Path
    key: keys.DataKey
    profile_id: str


@pytest.fixture(scope="session")
def profile_template(tmp_path_factory: pytest.TempPathFactory) -> ProfileTemplate:
    """`keys.create` and `initialise` (every migration, then the set-up) once, not per test."""
    data_dir = tmp_path_factory.mktemp("db-template") / "profile"
    # The autouse keyring is per test: the template's key goes into a keyring of its
    # own (never the OS's), and into each test's keyring when the copy is made.
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        key = keys.create(data_dir, PASSPHRASE).key
        database = initialise(data_dir, db_fixture_setup(), key, TESTER)
        try:
            # Everything into the main file, so the copy needs no -wal or -shm.
            with database.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            database.close()
    finally:
        keyring.set_keyring(previous)
    database_file = paths.database_path(data_dir)
    assert not database_file.with_name(database_file.name + "-wal").exists()
    keyfile = keys.KeyFile.load(data_dir)
    assert keyfile is not None and keyfile.keyring
    return ProfileTemplate(data_dir, key, keyfile.profile_id)


@pytest.fixture
def db(data_dir: Path, profile_template: ProfileTemplate,
       memory_keyring: MemoryKeyring) -> Iterator[Database]:
    """A set-up profile: Xã Mường Lát with two villages and population figures.

    A copy of the session's template (the database and key.json), its key in this
    test's keyring as `keys.create` leaves it, opened as `initialise` opens it.
    """
    shutil.copytree(profile_template.data_dir, data_dir, dirs_exist_ok=True)
    assert keys._keyring_put(profile_template.profile_id, profile_template.key)
    database = open_database(data_dir, profile_template.key)
    yield database
    database.close()
