"""Encrypting a profile made before encryption existed, in place and losing nothing.

The plain file is exported into a new SQLCipher file beside it (sqlcipher_export,
SQLCipher's documented way), which is checked (integrity, every table's row
count) before it replaces the plain one. An encrypted copy goes to backups/
first, and old plain backups are encrypted too: afterwards no readable copy is
left in the data folder.
"""

import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cdsxa.common.errors import UserError
from cdsxa.db.engine import connect, integrity_check, is_plain_sqlite
from cdsxa.profile import lock as profile_lock
from cdsxa.profile import paths
from cdsxa.security import keys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Encrypted:
    recovery_key: str
    in_keyring: bool
    backups_encrypted: int


def needs_encryption(data_dir: Path) -> bool:
    return is_plain_sqlite(paths.database_path(data_dir))


def _counts(connection: Any, schema: str = "main") -> dict[str, int]:
    tables = [r[0] for r in connection.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'person_fts_%'")]
    return {t: connection.execute(f'SELECT count(*) FROM {schema}."{t}"').fetchone()[0]
            for t in tables}


def _export(plain: Path, target: Path, key: keys.DataKey) -> None:
    """Write an encrypted copy of plain to target and check it row for row."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    source = connect(plain, None)
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        expected = _counts(source)
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.raw.hex()}'\"",
                       (str(target),))
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    check = connect(target, key)
    try:
        integrity = integrity_check(check.execute)
        found = _counts(check)
    finally:
        check.close()
    if integrity != ["ok"] or found != expected:
        target.unlink(missing_ok=True)
        raise UserError("Mã hóa dữ liệu không thành công (bản mã hóa không khớp); "
                        "dữ liệu cũ vẫn giữ nguyên.")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def encrypt(data_dir: Path, passphrase: str | None = None,
            prompt: keys.Prompt | None = None) -> Encrypted:
    """Encrypt data_dir's plain database (and plain backups) with a new data key.

    Refused (ProfileInUse) while another window or command has the profile open."""
    with profile_lock.replacing(data_dir):  # nobody may have the file open meanwhile
        return _encrypt(data_dir, passphrase, prompt)


def _encrypt(data_dir: Path, passphrase: str | None, prompt: keys.Prompt | None) -> Encrypted:
    db_path = paths.database_path(data_dir)
    if not is_plain_sqlite(db_path):
        raise UserError("Dữ liệu này đã được mã hóa.")
    # A run interrupted after the key was made reuses it (old backups may already be
    # encrypted with it), under a new recovery key: the first one was never shown.
    if keys.has_key_file(data_dir):
        keyfile = keys.KeyFile.load(data_dir)
        assert keyfile is not None
        ask = prompt or ((lambda: passphrase) if passphrase else None)
        key, in_keyring = keys.find(data_dir, ask), keyfile.keyring
        recovery = keys.renew_recovery_key(data_dir, key)
    else:
        made = keys.create(data_dir, passphrase)
        key, recovery, in_keyring = made.key, made.recovery_key, made.in_keyring
    staging = paths.encrypting_path(db_path)
    _export(db_path, staging, key)
    _fsync(staging)
    backups = paths.backup_dir(data_dir)
    backups.mkdir(parents=True, exist_ok=True)
    # The backup before the change: the checked encrypted copy, kept apart from the
    # file that replaces the plain one (a plain backup would defeat the purpose).
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    shutil.copy2(staging, backups / f"cdsxa-{stamp}-before-encryption.sqlite3")
    # Plain backups made before migrations: encrypt them in place too.
    encrypted_backups = 0
    for old in sorted(backups.glob("*.sqlite3")):  # the new copy is not plain: skipped
        if is_plain_sqlite(old):
            copy = old.with_name(old.name + paths.ENCRYPTING_SUFFIX)
            _export(old, copy, key)
            os.replace(copy, old)
            encrypted_backups += 1
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staging, db_path)
    log.info("encrypted %s (and %d plain backups)", db_path, encrypted_backups)
    return Encrypted(recovery, in_keyring, encrypted_backups)
