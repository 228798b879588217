"""Schema migrations: empty to head and back, backups first, newer databases refused."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cdsxa.db import migrate
from cdsxa.db.engine import Database, connect, make_engine
from cdsxa.db.models import Base
from cdsxa.profile import paths
from cdsxa.profile.storage import open_database
from cdsxa.security import keys
from cdsxa.security.keys import DataKey
from tests.conftest import TESTER


def table_names(db_file: Path, key: DataKey) -> set[str]:
    engine = make_engine(db_file, key)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@contextmanager
def raw(db_file: Path, key: DataKey | None) -> Iterator[Any]:
    """A DB-API connection that commits at the end (like sqlite3's `with`)."""
    connection = connect(db_file, key)
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def test_empty_to_head_then_base_then_head_again_on_a_copy(db: Database, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    migrate.backup_copy(db.engine, tmp_path, "x").rename(copy)
    engine = make_engine(copy, db.key)
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine, "base")
    assert table_names(copy, db.key) == {"alembic_version"}  # the search index went too
    migrate.upgrade(engine, tmp_path / "backups")
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"person", "village", "change_log", "audit_event"} <= table_names(copy, db.key)
    engine.dispose()


def test_the_declared_head_is_the_newest_shipped_revision() -> None:
    assert migrate.SCHEMA_HEAD == migrate.script_head()


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith("person_fts"))


def test_a_populated_database_of_every_older_revision_upgrades_intact(
    db: Database, tmp_path: Path
) -> None:
    """Real data at each earlier revision, then the start-up upgrade: nothing lost."""
    from cdsxa.demo import commune as demo
    from cdsxa.profile.storage import open_database as reopen

    demo.fill(db, "small")
    with db.reading(TESTER) as session:
        people_before = session.execute(
            text("SELECT id, full_name, village_id, household_id FROM person ORDER BY id")).all()
    db.close()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    script_revisions = sorted(r.revision for r in script.walk_revisions()
                              if r.revision != migrate.SCHEMA_HEAD)  # every one before head
    for revision in script_revisions:
        engine = make_engine(db.path, db.key)
        migrate.downgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
        engine.dispose()
        upgraded = reopen(db.path.parent, db.key)
        with upgraded.reading(TESTER) as session:
            people_after = session.execute(text(
                "SELECT id, full_name, village_id, household_id FROM person ORDER BY id")).all()
            integrity = session.execute(text("PRAGMA foreign_key_check")).all()
        upgraded.close()
        assert people_after == people_before and integrity == []
    assert len(list((db.path.parent / "backups").iterdir())) == len(script_revisions)


def test_models_and_migrations_describe_the_same_schema(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_from_a_newer_app_is_refused_and_left_alone(data_dir: Path) -> None:
    key = keys.create(data_dir).key
    open_database(data_dir, key).close()
    db_file = paths.database_path(data_dir)
    with raw(db_file, key) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_file.read_bytes()
    with pytest.raises(migrate.NewerDatabaseError, match="phiên bản CĐS Xã mới hơn"):
        open_database(data_dir, key)
    assert db_file.read_bytes() == before
    assert not paths.backup_dir(data_dir).exists()


def test_a_foreign_sqlite_file_is_refused(data_dir: Path) -> None:
    key = keys.create(data_dir).key
    with raw(paths.database_path(data_dir), key) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(migrate.ForeignDatabaseError):
        open_database(data_dir, key)


NEXT_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "0999"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("village") as batch:
        batch.drop_column("note")
'''


def test_upgrade_from_an_older_schema_backs_up_first(
    db: Database, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer app (simulated by one more revision) opens this profile."""
    db.close()
    old_head = migrate.head_revision()
    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, newer)
    (newer / "versions" / "0999_add_note.py").write_text(NEXT_REVISION.format(head=old_head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", "0999")

    upgraded = open_database(data_dir, db.key)
    assert migrate.current_revision(upgraded.engine) == "0999"
    assert "note" in {c["name"] for c in inspect(upgraded.engine).get_columns("village")}
    upgraded.close()

    [backup] = paths.backup_dir(data_dir).iterdir()
    assert f"before-{old_head}" in backup.name
    with raw(backup, db.key) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
        names = {r[0] for r in connection.execute("SELECT name FROM village")}
    assert names == {"Bản Hang", "Thôn Đồng Tâm"}


def test_check_reports_integrity_and_revision(db: Database) -> None:
    report = migrate.check(db.engine)
    assert report.ok and report.integrity == ["ok"] and report.revision == report.head
