import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from cdsxa.commune.profile import FirstUser, Population, ProfileSetup, initialise  # noqa: E402
from cdsxa.db.engine import Database  # noqa: E402
from cdsxa.security import (
    keys,  # noqa: E402
    users,  # noqa: E402
)
from cdsxa.security.access import Principal, Role  # noqa: E402

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
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    """A set-up profile: Xã Mường Lát with two villages and population figures."""
    setup = ProfileSetup(
        province_code=38,
        commune_code=muong_lat_code(),
        village_names=["Bản Hang", "Thôn Đồng Tâm"],
        population=Population(2025, residents=1000, adults=700, aged_15_plus=760,
                              working_age=600, households=250),
        user=FirstUser("Lò Văn Tâm", "Công chức"),
    )
    database = initialise(data_dir, setup, keys.create(data_dir, PASSPHRASE).key, TESTER)
    yield database
    database.close()
