"""Where a profile's files live."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "CDSXa"
DATA_DIR_ENV = "CDSXA_DATA_DIR"
DB_FILENAME = "cdsxa.sqlite3"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins, then CDSXA_DATA_DIR, then the user's data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def backup_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def log_path(data_dir: Path) -> Path:
    return data_dir / "cdsxa.log"
