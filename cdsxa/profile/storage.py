"""Opening a profile's data folder: create it, migrate it, know its commune."""

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.base import live
from cdsxa.db.engine import Database, is_plain_sqlite
from cdsxa.db.models import CommuneProfile
from cdsxa.profile import paths
from cdsxa.security import keys
from cdsxa.security.access import SYSTEM
from cdsxa.security.keys import DataKey

log = logging.getLogger(__name__)


class PlainProfileError(UserError):
    """A profile from before encryption: cdsxa.profile.encryption must run first."""


def _refuse_plain(data_dir: Path) -> None:
    if is_plain_sqlite(paths.database_path(data_dir)):
        raise PlainProfileError(
            "Dữ liệu ở thư mục này chưa được mã hóa. Hãy mở ứng dụng, hoặc chạy "
            "“cdsxa encrypt”, để mã hóa (có sao lưu trước)."
        )


def open_database(data_dir: Path, key: DataKey) -> Database:
    """Open (creating if needed) the profile in data_dir, migrated to the current schema."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục dữ liệu {data_dir}: {exc.strerror}") from exc
    _refuse_plain(data_dir)
    db = Database(paths.database_path(data_dir), key)
    try:
        migrate.upgrade(db.engine, paths.backup_dir(data_dir))
        db.commune_code = commune_code(db)
        db.load_device()
    except DatabaseError as exc:
        db.close()
        raise UserError(
            f"Tệp dữ liệu {db.path} bị hỏng, hoặc khóa dữ liệu không đúng ({exc.orig}). "
            "Hãy chạy “cdsxa check” và khôi phục từ bản sao lưu gần nhất."
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def open_profile(data_dir: Path, prompt: keys.Prompt | None = None) -> Database:
    """Open an existing profile: find its key (environment, keyring, prompt), then open."""
    if not paths.database_path(data_dir).exists():
        raise UserError(f"Chưa có hồ sơ xã tại {data_dir}. Hãy khởi tạo trước (cdsxa init).")
    _refuse_plain(data_dir)  # before asking for a key it does not have
    return open_database(data_dir, keys.find(data_dir, prompt))


def commune_code(db: Database) -> int | None:
    with db.reading(SYSTEM) as session:
        return session.scalars(
            select(CommuneProfile.commune_code).where(live(CommuneProfile))
        ).first()
