"""Encryption at rest: the raw files reveal nothing, and the key is handled safely."""

import json
from datetime import datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.engine import Database, connect, is_plain_sqlite, make_engine
from cdsxa.profile import encryption as encrypt_profile
from cdsxa.profile import paths
from cdsxa.profile.storage import PlainProfileError, open_database, open_profile
from cdsxa.register import people
from cdsxa.register.people import PersonInput
from cdsxa.security import keys
from tests.conftest import PASSPHRASE, TESTER
from tests.helpers import village

ID_NUMBER = "038195001234"
NAME = "Hoàng Thị Quyên"


def add_known_person(db: Database) -> None:
    village_id = village(db, "Bản Hang")
    with db.transaction(TESTER) as session:
        people.add_person(session, PersonInput(
            full_name=NAME, gender="female", village_id=village_id,
            birth_date=None, birth_year=1995, id_number=ID_NUMBER, phone="0912345678"))


def name_of(db: Database, id_number: str) -> str | None:
    with db.reading(TESTER) as session:
        return session.execute(text("SELECT full_name FROM person WHERE id_number = :n"),
                               {"n": id_number}).scalar()


def every_file_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())


def revealed(blob: bytes) -> list[str]:
    needles = [ID_NUMBER, NAME, "0912345678", "Mường Lát", "Bản Hang"]
    found = []
    for needle in needles:
        for encoding in ("utf-8", "utf-16-le"):
            if needle.encode(encoding) in blob:
                found.append(f"{needle} ({encoding})")
    return found


def test_a_copy_of_the_data_folder_reveals_no_name_or_id_number(db: Database,
                                                                  data_dir: Path) -> None:
    from cdsxa.profile import backup

    add_known_person(db)
    assert name_of(db, ID_NUMBER) == NAME  # the data is there, readable with the key
    backup.auto_backup(db, data_dir, datetime.now())  # backups are in the folder too
    db.close()
    assert list(paths.backup_dir(data_dir).iterdir())
    # The WAL and the main file, after a checkpoint and before one.
    assert not is_plain_sqlite(paths.database_path(data_dir))
    assert revealed(every_file_bytes(data_dir)) == []
    key_file = json.loads((data_dir / keys.KEY_FILE).read_text("utf-8"))
    assert set(key_file["wraps"]) == {"recovery", "passphrase"}


def test_a_database_error_does_not_carry_the_personal_data_being_written(
        db: Database) -> None:
    # Its text goes to the plain log file and to the screen.
    with pytest.raises(SQLAlchemyError) as raised, db.transaction(TESTER) as session:
        session.execute(text("INSERT INTO person (full_name, id_number) VALUES (:n, :i)"),
                        {"n": NAME, "i": ID_NUMBER})
    assert "person" in str(raised.value)  # still says what failed
    assert revealed(str(raised.value).encode("utf-8")) == []


def test_the_wrong_key_opens_nothing(db: Database, data_dir: Path) -> None:
    db.close()
    with pytest.raises(UserError, match="khóa dữ liệu không đúng"):
        open_database(data_dir, keys.new_data_key())


def test_a_wrong_passphrase_or_recovery_key_is_refused(db: Database, data_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    db.close()
    keyring.set_keyring(fail.Keyring())  # as on another PC: nothing in its keyring
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "not the passphrase")
    with pytest.raises(keys.WrongSecretError):
        keys.find(data_dir)
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    with pytest.raises(keys.WrongSecretError, match="Khóa khôi phục không đúng"):
        keys.recover(data_dir, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")


def test_without_a_keyring_a_passphrase_is_required_and_nothing_is_stored_plainly(
    tmp_path: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    assert not keys.keyring_available()
    target = tmp_path / "p"
    with pytest.raises(keys.NoKeyringError, match="mật khẩu dữ liệu"):
        keys.create(target)
    assert not (target / keys.KEY_FILE).exists()
    made = keys.create(target, PASSPHRASE)
    assert not made.in_keyring
    text = (target / keys.KEY_FILE).read_text("utf-8")
    assert made.key.raw.hex() not in text and PASSPHRASE not in text
    assert keys.needs_passphrase(target)
    assert keys.find(target, prompt=lambda: PASSPHRASE) == made.key
    with pytest.raises(keys.DataKeyError, match="Chưa nhập"):
        keys.find(target, prompt=lambda: None)


def test_the_recovery_key_opens_the_data_on_another_pc(db: Database, data_dir: Path,
                                                       memory_keyring: object) -> None:
    add_known_person(db)
    db.close()
    recovery = keys.new_recovery_key()
    # Re-wrap under a recovery key this test knows (create() only shows it once).
    keyfile = keys.KeyFile.load(data_dir)
    assert keyfile is not None
    keyfile.wraps["recovery"] = keys.wrap(db.key, recovery)
    keyfile.save(data_dir)
    keyring.set_keyring(type(memory_keyring)())  # another PC: an empty keyring
    with pytest.raises(keys.DataKeyError):
        open_profile(data_dir)  # no passphrase given, no key in the keyring
    typed = recovery.lower().replace("-", " ")  # as typed from paper
    assert keys.recover(data_dir, typed) == db.key
    reopened = open_profile(data_dir)  # now the keyring has it
    assert name_of(reopened, ID_NUMBER) == NAME
    reopened.close()


def test_recovery_keys_read_back_from_paper() -> None:
    key = keys.new_recovery_key()
    assert len(key) == 29 and key.count("-") == 4
    assert keys.normalise_recovery_key(key.lower().replace("-", "  ")) == key


def make_plain_profile(data_dir: Path, revision: str) -> Path:
    """A profile as an older CĐS Xã left it: plain SQLite at an older schema."""
    from cdsxa.commune.profile import ProfileSetup, initialise
    from tests.conftest import muong_lat_code

    db = initialise(data_dir, ProfileSetup(38, muong_lat_code(), ["Bản Hang"]),
                    keys.create(data_dir).key, TESTER)
    add_known_person(db)
    engine = make_engine(db.path, db.key)
    db.close()
    migrate.downgrade(engine, revision)
    engine.dispose()
    # Decrypt it into a plain file, which is what old profiles are.
    plain = data_dir / "plain.sqlite3"
    source = connect(paths.database_path(data_dir), db.key)
    source.execute(f"ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    source.execute("SELECT sqlcipher_export('plain')")
    source.execute("DETACH DATABASE plain")
    source.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.database_path(data_dir)}{suffix}").unlink(missing_ok=True)
    plain.rename(paths.database_path(data_dir))
    (data_dir / keys.KEY_FILE).unlink()
    keyring.set_keyring(type(keyring.get_keyring())())
    return paths.database_path(data_dir)


def test_an_old_plain_profile_is_encrypted_in_place_and_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    db_file = make_plain_profile(data_dir, "0002")
    assert is_plain_sqlite(db_file) and ID_NUMBER.encode() in db_file.read_bytes()
    with pytest.raises(PlainProfileError, match="chưa được mã hóa"):
        open_database(data_dir, keys.new_data_key())
    done = encrypt_profile.encrypt(data_dir)
    assert done.recovery_key and done.in_keyring
    [kept] = paths.backup_dir(data_dir).glob("*-before-encryption.sqlite3")
    assert not is_plain_sqlite(kept)
    assert revealed(every_file_bytes(data_dir)) == []
    db = open_profile(data_dir)  # migrates 0002 -> head after a backup
    try:
        assert name_of(db, ID_NUMBER) == NAME
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    finally:
        db.close()
    assert revealed(every_file_bytes(data_dir)) == []  # the migration backup too


def test_encrypting_twice_is_refused(db: Database, data_dir: Path) -> None:
    db.close()
    with pytest.raises(UserError, match="đã được mã hóa"):
        encrypt_profile.encrypt(data_dir)


def test_a_passphrase_typed_with_combining_marks_unlocks(tmp_path: Path) -> None:
    import unicodedata

    keyring.set_keyring(fail.Keyring())
    made = keys.create(tmp_path / "p", "mật khẩu dữ liệu")
    typed = unicodedata.normalize("NFD", "mật khẩu dữ liệu")
    assert keys.find(tmp_path / "p", prompt=lambda: typed) == made.key


def test_an_encryption_killed_after_the_key_was_made_resumes_with_a_new_recovery_key(
    tmp_path: Path
) -> None:
    data_dir = tmp_path / "old"
    make_plain_profile(data_dir, "0002")
    first = keys.create(data_dir)  # ... and the process died before encrypting anything
    done = encrypt_profile.encrypt(data_dir)
    assert done.recovery_key != first.recovery_key  # the first was never shown
    keyring.set_keyring(type(keyring.get_keyring())())  # another PC
    assert keys.recover(data_dir, done.recovery_key) == first.key
    db = open_profile(data_dir)
    try:
        assert name_of(db, ID_NUMBER) == NAME
    finally:
        db.close()
