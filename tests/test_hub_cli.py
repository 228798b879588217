"""`cdsxa-hub` as the province runs it: real processes, on SQLite and on PostgreSQL."""

import os
import subprocess
import sys
import time
import tomllib
import uuid
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher
from sqlalchemy import inspect, select, text

from cdsxa.hub import migrate
from cdsxa.hub.database import HubDatabase, database_url, sqlite_url
from cdsxa.hub.models import EnrolmentCode, HubAdmin, HubBase
from cdsxa.sync import wire
from tests.hub_server import HUB_ENGINES, RunningHub, free_port, hub_command

ROOT = Path(__file__).resolve().parents[1]
HAC_THANH = "14797"


@pytest.fixture(params=HUB_ENGINES)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """`--database` of a database the hub has never seen."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "hub")
    # As a province types it: postgresql://, not SQLAlchemy's driver name.
    url: str = request.getfixturevalue("postgres_db")
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["cdsxa-hub"] == "cdsxa.hub.cli:main"
    def names(requirements: list[str]) -> set[str]:
        return {d.split("[")[0].split(">")[0].split("<")[0].strip() for d in requirements}

    # The PC's client needs the wire format and HTTP; the server's stack is the hub's
    # extra, which commune PCs do not install, and the test run's.
    assert {"pydantic", "requests", "urllib3"} <= names(project["dependencies"])
    for extra in ("hub", "dev"):
        assert {"fastapi", "uvicorn", "psycopg"} <= names(project["optional-dependencies"][extra])
    assert not {"fastapi", "uvicorn", "psycopg"} & names(project["dependencies"])


def test_help_is_vietnamese() -> None:
    shown = hub_command("--help")
    assert shown.returncode == 0
    assert "cách dùng: cdsxa-hub" in shown.stdout and "cấp mã đăng ký" in shown.stdout
    code_help = hub_command("enrol-code", "--help").stdout
    assert "--commune" in code_help and "--days" in code_help and "--database" in code_help


def test_migrate_makes_the_schema_and_a_second_run_changes_nothing(empty_db: str) -> None:
    first = hub_command("migrate", "--database", empty_db)
    assert first.returncode == 0, first.stderr
    assert f"Đã nâng cấp lược đồ lên phiên bản {migrate.head_revision()}" in first.stdout
    database = HubDatabase(database_url(empty_db, Path(".")))
    try:
        tables = set(inspect(database.engine).get_table_names())
        second = hub_command("migrate", "--database", empty_db)
        assert second.returncode == 0, second.stderr
        assert "không có gì thay đổi" in second.stdout
        assert set(inspect(database.engine).get_table_names()) == tables
        assert {"hub_commune", "hub_enrolment_code", "hub_device", "hub_admin", "hub_entry",
                "hub_device_sync", "hub_alembic_version"} <= tables
    finally:
        database.close()


def test_a_database_of_a_newer_hub_is_refused_unchanged(hub_url_db: str) -> None:
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:
            session.execute(text("UPDATE hub_alembic_version SET version_num = '9999'"))
        done = hub_command("migrate", "--database", hub_url_db)
        assert done.returncode == 1
        assert "phiên bản máy chủ tỉnh mới hơn" in done.stderr and "9999" in done.stderr
        assert migrate.current_revision(database.engine) == "9999"
    finally:
        database.close()


def test_the_migrations_make_what_the_models_declare(hub_url_db: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = HubDatabase(hub_url_db)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parents: name != migrate.VERSION_TABLE})
            assert compare_metadata(context, HubBase.metadata) == []
            if database.engine.dialect.name == "postgresql":  # clocks sort bytewise
                assert connection.scalar(text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'hub_entry' AND column_name = 'hlc'")) == "C"
        migrate.downgrade(database.engine, "base")
        assert migrate.current_revision(database.engine) is None
        assert migrate.upgrade(database.engine) is True
    finally:
        database.close()


def test_every_primary_key_of_a_commune_table_starts_with_the_commune() -> None:
    reference = {"hub_admin"}  # the province's own people: a small reference table
    for table in HubBase.metadata.sorted_tables:
        if table.name not in reference:
            assert [c.name for c in table.primary_key.columns][0] == "commune_code", table.name


def test_enrol_code_prints_the_code_last_and_it_enrols(hub: RunningHub) -> None:
    done = hub_command("enrol-code", "--commune", HAC_THANH, "--database", hub.database_url)
    assert done.returncode == 0, done.stderr
    code = done.stdout.split()[-1]
    assert wire.parse_code(code) is not None and code.startswith(HAC_THANH + "-")
    assert "Phường Hạc Thành" in done.stdout and "hết hạn" in done.stdout
    with hub.database.transaction() as session:
        stored = session.scalars(select(EnrolmentCode)).one()
        assert code not in stored.code_hash and len(stored.code_hash) == 64
        assert (stored.expires_at - stored.created_at).days == 7
    body = {"code": code, "device_id": str(uuid.uuid4()), "commune_code": int(HAC_THANH),
            "protocol": wire.PROTOCOL_VERSION}
    assert hub.post("/api/v1/enrol", body).status_code == 200


def test_enrol_code_takes_days_and_refuses_an_unknown_commune(hub_url_db: str) -> None:
    two = hub_command("enrol-code", "--commune", HAC_THANH, "--days", "2",
                      "--database", hub_url_db)
    assert two.returncode == 0, two.stderr
    unknown = hub_command("enrol-code", "--commune", "99999", "--database", hub_url_db)
    assert unknown.returncode == 1
    assert "Không có xã/phường mã 99999" in unknown.stderr and "2025" in unknown.stderr
    ha_noi = hub_command("enrol-code", "--commune", "4", "--database", hub_url_db)  # Ba Đình
    assert ha_noi.returncode == 1 and "Thanh Hóa" in ha_noi.stderr
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:
            assert len(session.scalars(select(EnrolmentCode)).all()) == 1
    finally:
        database.close()


def test_create_admin_keeps_an_argon2_hash(hub_url_db: str) -> None:
    password = "mật khẩu của tỉnh"
    env = {"CDSXA_HUB_ADMIN_PASSWORD": password}
    done = hub_command("create-admin", "--username", "tinh", "--database", hub_url_db, env=env)
    assert done.returncode == 0, done.stderr
    again = hub_command("create-admin", "--username", "tinh", "--database", hub_url_db, env=env)
    assert again.returncode == 1 and "Đã có tài khoản" in again.stderr
    short = hub_command("create-admin", "--username", "khac", "--database", hub_url_db,
                        env={"CDSXA_HUB_ADMIN_PASSWORD": "ngan"})
    assert short.returncode == 1 and "ít nhất" in short.stderr
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:
            admin = session.get(HubAdmin, "tinh")
            assert admin is not None and admin.password_hash.startswith("$argon2id$")
            assert PasswordHasher().verify(admin.password_hash, password)
    finally:
        database.close()


def test_revoke_of_an_unknown_device_says_so(hub_url_db: str) -> None:
    done = hub_command("revoke", "--device", str(uuid.uuid4()), "--database", hub_url_db)
    assert done.returncode == 1 and "Không có máy nào" in done.stderr
    bad = hub_command("revoke", "--device", "máy-1", "--database", hub_url_db)
    assert bad.returncode == 2 and "không phải mã máy" in bad.stderr


def test_an_unreachable_postgresql_is_one_clear_line() -> None:
    done = hub_command("migrate", "--database",
                       "postgresql://postgres@/nowhere?host=/nonexistent-socket-folder")
    assert done.returncode == 1
    assert "không kết nối được cơ sở dữ liệu" in done.stderr and "Traceback" not in done.stderr


def test_serve_with_no_options_runs_on_loopback_over_sqlite(tmp_path: Path) -> None:
    port = free_port()
    env = {"CDSXA_HUB_DATA_DIR": str(tmp_path / "hub")}
    # Only the port, so that a port in use elsewhere on this machine cannot fail the test.
    server = subprocess.Popen([sys.executable, "-m", "cdsxa.hub", "serve", "--port", str(port)],
                              env={**os.environ, **env}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health is not None, server.stderr.read() if server.stderr else ""
        assert health.json() == {"status": "ok", "database": True, "protocol": 1}
        assert (tmp_path / "hub" / "cdsxa-hub.sqlite3").exists()  # migrated first
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in out
