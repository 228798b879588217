"""A profile made by the previous release (schema 0003) opens in this one, intact.

tests/fixtures/release_0003 is a small demo profile written by that release, with
what it measured there: row counts per table and items per JSON list (counts.json),
and `cdsxa indicators --json` for two dates. A copy is opened the way the command
line opens it (CDSXA_PASSPHRASE), which migrates it to this release's head; every
later migration runs here too. The fixture itself is never opened: opening a
database writes beside it.
"""

import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cdsxa.db import migrate
from cdsxa.profile import paths
from tests.test_cli import cdsxa, raw

FIXTURE = Path(__file__).parent / "fixtures" / "release_0003"
DATES = ("2025-12-31", "2026-06-30")
# The full-text index's own storage: segments, merged and rebuilt at will (a
# migration that rebuilds person rebuilds them). Its rows (person_fts, and one
# docsize row per person) are compared like any table.
FTS_STORAGE = {"person_fts_data", "person_fts_idx", "person_fts_config"}
# Append-only logs: a migration may add to them (0004 logs the rows it makes), never drop.
LOGS = {"change_log", "audit_event"}
# The JSON lists of schema 0003 and the tables their items became (migration 0004):
# list column -> (table, column naming the parent, column naming the item).
LISTS = {
    "support_session.topics": ("support_session_topic", "session_id", "topic_code"),
    "support_session.member_ids": ("support_session_member", "session_id", "member_id"),
    "group_session.trainer_ids": ("group_session_trainer", "group_session_id", "member_id"),
    "group_session.attendee_ids": ("group_session_attendee", "group_session_id", "person_id"),
}


def _copy(target: Path) -> Path:
    shutil.copytree(FIXTURE, target)
    return target


def _key(value: Any) -> Any:
    """An id as stored (hex) or as a JSON list held it (with dashes), compared as a UUID."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value


def _lists(connection: Any, query: str) -> dict[Any, list[Any]]:
    """(parent, item) rows in list order -> each parent's list."""
    lists: dict[Any, list[Any]] = {}
    for parent, item in connection.execute(query):
        lists.setdefault(_key(parent), []).append(_key(item))
    return lists


@dataclass(frozen=True)
class Upgraded:
    data_dir: Path
    before: Path  # an untouched copy of the fixture, still at 0003
    indicators: dict[str, str]  # date -> `cdsxa indicators --json` output after the upgrade


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Upgraded:
    root = tmp_path_factory.mktemp("release_0003")
    before, data_dir = _copy(root / "before"), _copy(root / "profile")
    printed = {}
    for on in DATES:  # the first run opens the profile, so it migrates it
        result = cdsxa("indicators", "--json", "--date", on, "--data-dir", str(data_dir))
        assert result.returncode == 0, result.stderr
        printed[on] = result.stdout
    return Upgraded(data_dir, before, printed)


def test_the_fixture_is_the_previous_release_and_upgrades_to_head(upgraded: Upgraded) -> None:
    with raw(upgraded.before) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0003",)]
    with raw(upgraded.data_dir) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (migrate.SCHEMA_HEAD,)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    [backup] = paths.backup_dir(upgraded.data_dir).iterdir()  # taken before migrating
    assert "before-0003" in backup.name


@pytest.mark.parametrize("on", DATES)
def test_the_indicators_are_the_same_figures(upgraded: Upgraded, on: str) -> None:
    def figures(text: str) -> dict[str, tuple[Any, ...]]:
        return {i["id"]: (i["numerator"], i["denominator"], i["value"],
                          i["denominator_source"]) for i in json.loads(text)}

    old = figures((FIXTURE / f"indicators_{on}.json").read_text(encoding="utf-8"))
    new = figures(upgraded.indicators[on])
    assert old and {k: new.get(k) for k in old} == old


def test_every_record_is_still_there(upgraded: Upgraded) -> None:
    counted: dict[str, int] = json.loads((FIXTURE / "counts.json").read_text(encoding="utf-8"))
    tables = {name: n for name, n in counted.items() if "." not in name}
    with raw(upgraded.data_dir) as connection:
        present = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(tables) <= present, "a table of 0003 is gone"
        now = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
               for name in tables}
    for name in FTS_STORAGE & set(tables):
        del tables[name], now[name]
    for name in LOGS:
        assert now.pop(name) >= tables.pop(name), f"{name} lost entries"
    assert now == tables


def test_the_logs_keep_every_entry(upgraded: Upgraded) -> None:
    for table in sorted(LOGS):
        query = f"SELECT id FROM {table}"
        with raw(upgraded.before) as connection:
            old = {_key(i) for (i,) in connection.execute(query)}
        with raw(upgraded.data_dir) as connection:
            new = {_key(i) for (i,) in connection.execute(query)}
        assert old and old <= new, table


def test_the_list_items_are_rows_in_the_same_order(upgraded: Upgraded) -> None:
    counted: dict[str, int] = json.loads((FIXTURE / "counts.json").read_text(encoding="utf-8"))
    for column, (table, parent_key, item_key) in LISTS.items():
        parent, name = column.split(".")
        with raw(upgraded.before) as connection:
            old = _lists(connection, f"SELECT p.id, j.value FROM {parent} p, json_each(p.{name}) j "
                                     "ORDER BY p.id, CAST(j.key AS INTEGER)")
        with raw(upgraded.data_dir) as connection:
            rows = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            new = _lists(connection, f"SELECT {parent_key}, {item_key} FROM {table} "
                                     f"WHERE deleted = 0 ORDER BY {parent_key}, position")
        assert rows == counted[f"{column}_items"] == sum(map(len, old.values())), column
        assert new == old, column
