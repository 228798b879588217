"""A lost key.json rebuilt from a backup's wrapped key; a restore without the current
key keeps the audit trail (issue 10)."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cdsxa.cli.main import main
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent
from cdsxa.profile import backup, key_rebuild, paths, restore
from cdsxa.profile.storage import open_database
from cdsxa.security import audit, keys
from tests.conftest import PASSPHRASE, TESTER, MemoryKeyring
from tests.helpers import person

RECOVERY = "ABCDE-FGHJK-MNPQR-STUVW-XYZ23"


def known_recovery_key(db: Database) -> None:
    """create() shows the recovery key once: re-wrap under one the test knows."""
    keyfile = keys.KeyFile.load(db.path.parent)
    assert keyfile is not None and db.key is not None
    keyfile.wraps["recovery"] = keys.wrap(db.key, RECOVERY)
    keyfile.save(db.path.parent)


def lose_the_key(data_dir: Path, memory_keyring: MemoryKeyring) -> None:
    (data_dir / keys.KEY_FILE).unlink()
    memory_keyring.secrets.clear()  # and this PC's keyring does not have it either


def audit_ids(db: Database) -> list[Any]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.seq)))


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Path:
    known_recovery_key(db)
    person(db, "Lò Thị Mai")
    return backup.make_backup(db, tmp_path / f"b{backup.SUFFIX}", "manual", TESTER).path


def test_a_lost_key_file_is_rebuilt_with_the_recovery_key(
        db: Database, data_dir: Path, saved: Path, memory_keyring: MemoryKeyring) -> None:
    key = db.key
    db.close()
    lose_the_key(data_dir, memory_keyring)
    with pytest.raises(keys.DataKeyError):
        keys.find(data_dir)

    with pytest.raises(keys.WrongSecretError):
        key_rebuild.restore_key(data_dir, saved, TESTER,
                                recovery_key="22222-33333-44444-55555-66666")
    assert not (data_dir / keys.KEY_FILE).exists()  # nothing written on a wrong key

    done = key_rebuild.restore_key(data_dir, saved, TESTER, recovery_key=RECOVERY.lower())
    assert done.secret == "recovery"
    assert keys.find(data_dir) == key  # the keyring has it again
    assert keys.KeyFile.load(data_dir) is not None
    reopened = open_database(data_dir, keys.find(data_dir))
    with reopened.reading(TESTER) as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "recovery" and saved.name in last.summary
    reopened.close()


def test_a_lost_key_file_is_rebuilt_with_the_passphrase(
        db: Database, data_dir: Path, saved: Path, memory_keyring: MemoryKeyring) -> None:
    key = db.key
    db.close()
    lose_the_key(data_dir, memory_keyring)
    with pytest.raises(keys.WrongSecretError):
        key_rebuild.restore_key(data_dir, saved, TESTER, passphrase="không phải mật khẩu")
    done = key_rebuild.restore_key(data_dir, saved, TESTER, passphrase=PASSPHRASE)
    assert done.secret == "passphrase"
    assert keys.unwrap(keys.KeyFile.load(data_dir).wraps["passphrase"],  # type: ignore[union-attr]
                       PASSPHRASE) == key


def test_a_backup_of_other_data_does_not_make_a_key_file(
        db: Database, data_dir: Path, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    from tests.test_backup import new_profile

    other, other_recovery = new_profile(tmp_path / "other")
    other_backup = backup.make_backup(other, tmp_path / f"o{backup.SUFFIX}", "manual",
                                      TESTER).path
    other.close()
    db.close()
    lose_the_key(data_dir, memory_keyring)
    with pytest.raises(keys.DataKeyError, match="không mở được dữ liệu"):
        key_rebuild.restore_key(data_dir, other_backup, TESTER, recovery_key=other_recovery)
    assert not (data_dir / keys.KEY_FILE).exists()


def test_a_damaged_key_file_is_replaced_and_kept_aside(
        db: Database, data_dir: Path, saved: Path, memory_keyring: MemoryKeyring) -> None:
    db.close()
    (data_dir / keys.KEY_FILE).write_text('{"format": 1, "wraps": {}}', "utf-8")
    memory_keyring.secrets.clear()
    key_rebuild.restore_key(data_dir, saved, TESTER, recovery_key=RECOVERY)
    assert keys.KeyFile.load(data_dir) is not None
    kept = list(paths.backup_dir(data_dir).glob("key-*.json"))
    assert len(kept) == 1 and "wraps" in kept[0].read_text("utf-8")


def test_restore_key_from_the_command_line(
        db: Database, data_dir: Path, saved: Path, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db.close()
    lose_the_key(data_dir, memory_keyring)
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    monkeypatch.setenv("CDSXA_RECOVERY_KEY", RECOVERY)
    assert main(["restore-key", "--from", str(saved), "--data-dir", str(data_dir)]) == 0
    assert "key.json" in capsys.readouterr().out
    assert keys.KeyFile.load(data_dir) is not None


def test_a_restore_without_the_current_key_keeps_the_audit_trail(
        db: Database, data_dir: Path, saved: Path, memory_keyring: MemoryKeyring) -> None:
    with db.transaction(TESTER) as session:  # after the backup: must survive the restore
        audit.record(session, "export", "Xuất danh sách người dân ra Excel",
                     details={"rows": 1})
    since = audit_ids(db)
    db.close()
    lose_the_key(data_dir, memory_keyring)

    done = restore.restore(data_dir, saved, TESTER, recovery_key=RECOVERY)
    assert done.carried >= 1
    assert done.previous is not None and done.previous.name.endswith(backup.SUFFIX)
    restored = open_database(data_dir, keys.find(data_dir))
    ids = audit_ids(restored)
    restored.close()
    assert set(since) <= set(ids)  # the export after the backup is still in the log


def test_the_unlock_dialog_rebuilds_a_lost_key_file_from_the_latest_backup(
        qtbot: Any, db: Database, data_dir: Path, memory_keyring: MemoryKeyring) -> None:
    from cdsxa.ui.unlock_dialogs import PassphraseDialog

    known_recovery_key(db)
    made = backup.auto_backup(db, data_dir, datetime.now())
    key = db.key
    db.close()
    lose_the_key(data_dir, memory_keyring)
    assert not keys.needs_passphrase(data_dir)
    with pytest.raises(keys.DataKeyError) as lost:
        keys.find(data_dir)
    dialog = PassphraseDialog(data_dir, problem=lost.value.message)  # as the app opens it
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.recovering() and dialog.backup_path.text() == str(made)
    dialog.recovery_key.setText("22222-33333-44444-55555-66666")
    dialog.open_data()
    assert dialog.error.isVisibleTo(dialog) and dialog.key is None
    assert not (data_dir / keys.KEY_FILE).exists()
    dialog.recovery_key.setText(RECOVERY.lower().replace("-", " "))
    dialog.open_data()
    assert dialog.key == key and keys.find(data_dir) == key


def test_the_unlock_dialog_takes_the_passphrase_for_a_damaged_key_file(
        qtbot: Any, db: Database, data_dir: Path, saved: Path,
        memory_keyring: MemoryKeyring) -> None:
    from cdsxa.ui.unlock_dialogs import PassphraseDialog

    key = db.key
    db.close()
    (data_dir / keys.KEY_FILE).write_text("{", "utf-8")
    memory_keyring.secrets.clear()
    dialog = PassphraseDialog(data_dir, problem="hỏng")
    qtbot.addWidget(dialog)
    dialog.backup_path.setText(str(saved))
    dialog.passphrase_button.click()
    assert not dialog.recovering()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.open_data()
    assert dialog.key == key
