"""Opening a profile's data folder: create it, migrate it, know its commune."""

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from cdsxa.db.base import live
from cdsxa import paths
from cdsxa.db import migrate
from cdsxa.db.engine import Database
from cdsxa.db.models import CommuneProfile
from cdsxa.errors import UserError

log = logging.getLogger(__name__)


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) the profile in data_dir, migrated to the current schema."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục dữ liệu {data_dir}: {exc.strerror}") from exc
    db = Database(paths.database_path(data_dir))
    try:
        migrate.upgrade(db.engine, paths.backup_dir(data_dir))
        db.commune_code = commune_code(db)
    except DatabaseError as exc:
        db.close()
        raise UserError(
            f"Tệp dữ liệu {db.path} bị hỏng hoặc không đọc được ({exc.orig}). "
            "Hãy chạy “cdsxa check” và khôi phục từ bản sao lưu gần nhất."
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def commune_code(db: Database) -> int | None:
    with db.reading() as session:
        return session.scalars(
            select(CommuneProfile.commune_code).where(live(CommuneProfile))
        ).first()


def profile_exists(data_dir: Path) -> bool:
    """True when data_dir holds a set-up profile; opens nothing when there is no file."""
    if not paths.database_path(data_dir).exists():
        return False
    db = open_database(data_dir)
    try:
        return db.commune_code is not None
    finally:
        db.close()
