"""A backup or an export never lands on the profile's own files (issue 10)."""

import os
from pathlib import Path

import pytest

from cdsxa.profile import paths
from cdsxa.profile.destinations import DataFileDestinationError, refuse_data_files


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "profile"
    folder.mkdir()
    paths.database_path(folder).write_bytes(b"live data")
    (folder / "key.json").write_text("{}", "utf-8")
    (folder / "backups").mkdir()
    return folder


@pytest.mark.parametrize("name", ["cdsxa.sqlite3", "key.json", "cdsxa.sqlite3-wal",
                                  "cdsxa.log", "cdsxa.lock", "backups", "notes.txt"])
def test_the_data_folders_own_files_are_refused(data_dir: Path, name: str) -> None:
    (data_dir / "notes.txt").write_text("any file already in the data folder", "utf-8")
    if name == "backups":
        (data_dir / "backups").rmdir()  # a file named so would stop every backup
    with pytest.raises(DataFileDestinationError, match="tệp dữ liệu của hồ sơ"):
        refuse_data_files(data_dir / name, data_dir)


def test_relative_paths_and_symlinks_do_not_get_around_it(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data_dir / "backups")
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(Path("../cdsxa.sqlite3"), data_dir)
    link = tmp_path / "innocent.cdsxa-backup"
    link.symlink_to(data_dir / "key.json")
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(link, data_dir)
    folder_link = tmp_path / "usb"
    folder_link.symlink_to(data_dir)
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(folder_link / "cdsxa.sqlite3", data_dir)
    hard = tmp_path / "hard.xlsx"
    os.link(data_dir / "cdsxa.sqlite3", hard)
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(hard, data_dir)
    # The data folder given relatively as well.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(data_dir / "key.json", Path("profile"))


def test_a_name_the_profile_uses_is_refused_before_it_exists(data_dir: Path) -> None:
    (data_dir / "key.json").unlink()  # lost: a restore-key will write it back
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(data_dir / "key.json", data_dir)
    with pytest.raises(DataFileDestinationError):
        refuse_data_files(data_dir / "cdsxa.sqlite3-journal", data_dir)


def test_elsewhere_and_inside_backups_is_fine(data_dir: Path, tmp_path: Path) -> None:
    refuse_data_files(tmp_path / "usb" / "cdsxa.sqlite3", data_dir)  # a name, elsewhere
    refuse_data_files(data_dir / "backups" / "people.xlsx", data_dir)
    refuse_data_files(data_dir / "backups" / "manual.cdsxa-backup", data_dir)
    refuse_data_files(data_dir / "new-export.xlsx", data_dir)  # a new file harms nothing
