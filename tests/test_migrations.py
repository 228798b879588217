"""Schema migrations: empty to head and back, backups first, newer databases refused."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cdsxa import paths
from cdsxa.db import migrate
from cdsxa.db.engine import Database, make_engine
from cdsxa.db.models import Base
from cdsxa.storage import open_database


def table_names(db_file: Path) -> set[str]:
    return set(inspect(make_engine(db_file)).get_table_names())


def test_empty_to_head_then_base_then_head_again_on_a_copy(db: Database, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    migrate.backup_copy(db.path, tmp_path, "x").rename(copy)
    engine = make_engine(copy)
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine, "base")
    assert table_names(copy) == {"alembic_version"}  # the search index went too
    migrate.upgrade(engine, tmp_path / "backups")
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"person", "village", "change_log"} <= table_names(copy)
    engine.dispose()


def test_the_declared_head_is_the_newest_shipped_revision() -> None:
    assert migrate.SCHEMA_HEAD == migrate.script_head()


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith("person_fts"))


def test_a_populated_database_of_every_older_revision_upgrades_intact(
    db: Database, tmp_path: Path
) -> None:
    """Real data at each earlier revision, then the start-up upgrade: nothing lost."""
    from cdsxa import demo
    from cdsxa.storage import open_database as reopen

    demo.fill(db, "small")
    with db.reading() as session:
        people_before = session.execute(
            text("SELECT id, full_name, village_id, household_id FROM person ORDER BY id")).all()
    db.close()
    script_revisions = ["0001"]  # every revision before head
    for revision in script_revisions:
        engine = make_engine(db.path)
        migrate.downgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
        engine.dispose()
        upgraded = reopen(db.path.parent)
        with upgraded.reading() as session:
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
    open_database(data_dir).close()
    db_file = paths.database_path(data_dir)
    with sqlite3.connect(db_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_file.read_bytes()
    with pytest.raises(migrate.NewerDatabaseError, match="phiên bản CĐS Xã mới hơn"):
        open_database(data_dir)
    assert db_file.read_bytes() == before
    assert not paths.backup_dir(data_dir).exists()


def test_a_foreign_sqlite_file_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    with sqlite3.connect(paths.database_path(data_dir)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(migrate.ForeignDatabaseError):
        open_database(data_dir)


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

    upgraded = open_database(data_dir)
    assert migrate.current_revision(upgraded.engine) == "0999"
    assert "note" in {c["name"] for c in inspect(upgraded.engine).get_columns("village")}
    upgraded.close()

    [backup] = paths.backup_dir(data_dir).iterdir()
    assert f"before-{old_head}" in backup.name
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
        names = {r[0] for r in connection.execute("SELECT name FROM village")}
    assert names == {"Bản Hang", "Thôn Đồng Tâm"}


def test_check_reports_integrity_and_revision(db: Database) -> None:
    report = migrate.check(db.engine)
    assert report.ok and report.integrity == ["ok"] and report.revision == report.head
