"""A full disk, said as it is: recognised in any error however it is wrapped (SQLite's
SQLITE_FULL, the OS's ENOSPC or EDQUOT), and told in Vietnamese with what was kept and
how much room to make.

A full disk is not damage: the transaction was rolled back, the previous file is
untouched. Saying "damaged, restore the latest backup" would throw away the work done
since that backup. Every place that turns errors into messages asks `is_disk_full`
(the services through `reported`, the GUI and the command line for the rest).
"""

import errno
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cdsxa.common.errors import UserError

log = logging.getLogger(__name__)

SQLITE_FULL = 13  # "database or disk is full"
SQLITE_IOERR = 10  # what SQLite says when it cannot even map its -shm file
_FULL_TEXT = "database or disk is full"
_OS_FULL = {errno.ENOSPC} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_WINDOWS_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
# Below this, an I/O error is the full disk's doing: a real full disk makes opening
# fail with SQLITE_IOERR (the -shm file cannot grow), not SQLITE_FULL.
LOW_SPACE = 1_000_000
# What a save needs besides its rows: the WAL's frames (whole 4 kB pages, each page
# touched once) and the checkpoint's growth of the file. A few MB.
SAVE_MARGIN = 5_000_000
# Per row written (SQLite's count, triggers included): its page share in the WAL and
# again in the file, with its indexes. The demo commune holds ~440 bytes a row.
PER_ROW = 2_000

NOT_SAVED = ("Việc vừa làm chưa được lưu và đã được hủy trọn vẹn, không lưu dở dang (một lần "
             "nhập từ Excel: chưa nhập dòng nào); dữ liệu đã lưu trước đó vẫn nguyên vẹn.")
NO_BACKUP = ("Bản sao lưu chưa được tạo và không để lại tệp dở dang; dữ liệu và các bản sao "
             "lưu đã có vẫn nguyên vẹn.")
NOT_OPENED = ("Vì vậy chưa mở được dữ liệu. Tệp dữ liệu KHÔNG bị hỏng và không bị thay đổi: "
              "đừng khôi phục bản sao lưu (sẽ mất những gì nhập sau lần sao lưu đó).")
UNFINISHED = "Việc vừa làm chưa xong; những gì đã lưu trước đó không bị mất."


class DiskFull(UserError):
    """The disk had no room; nothing was lost, and the message says how much to free."""

    def __init__(self, message: str, folder: Path | None, needed: int) -> None:
        super().__init__(message)
        self.folder = folder
        self.needed = needed


def _chain(error: BaseException) -> Iterator[BaseException]:
    """error, what it wraps (SQLAlchemy's .orig) and what caused it, each once."""
    stack, seen = [error], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(inner, BaseException):
                stack.append(inner)


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None  # primary code of an extended one


def is_disk_full(error: BaseException, folder: Path | None = None) -> bool:
    """The error (or anything it wraps) is a full disk or quota. With folder: an SQLite
    I/O error while that folder's disk has (almost) no room left counts too."""
    io_error = False
    for found in _chain(error):
        if isinstance(found, DiskFull):
            return True
        if isinstance(found, OSError) and (found.errno in _OS_FULL
                                           or getattr(found, "winerror", None) in _WINDOWS_FULL):
            return True
        code = _sqlite_code(found)
        if code == SQLITE_FULL or (code is None and _FULL_TEXT in str(found)):
            return True
        io_error = io_error or code == SQLITE_IOERR
    return io_error and folder is not None and low_on_space(folder)


def low_on_space(folder: Path) -> bool:
    """So little room left on folder's disk that SQLite cannot even open a file there."""
    free = free_space(folder)
    return free is not None and free < LOW_SPACE


def free_space(folder: Path) -> int | None:
    """Bytes free now on the disk holding folder (or its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        try:
            if candidate.exists():
                return shutil.disk_usage(candidate).free
        except OSError:
            return None
    return None


def database_size(db_path: Path) -> int:
    """An SQLite file's bytes with its write-ahead log's."""
    size = 0
    for file in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            size += file.stat().st_size
        except OSError:
            pass
    return size


def same_disk(one: Path, other: Path) -> bool:
    """Both folders (or their nearest existing parents) are on one disk; True when
    unknown, so that the room asked for is never too little."""
    try:
        first, second = (next(p for p in (f, *f.parents) if p.exists()) for f in (one, other))
        return os.stat(first).st_dev == os.stat(second).st_dev
    except (OSError, StopIteration):
        return True


def size_text(size: int) -> str:
    """Vietnamese: 1,5 GB · 12,5 MB · 800 kB."""
    if size >= 1_000_000_000:
        return f"{size / 1_000_000_000:.1f} GB".replace(".", ",")
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} kB"


def rows_need(rows: int) -> int:
    """Room a transaction of `rows` rows needs: a few MB, or more for a large import."""
    return SAVE_MARGIN + max(0, rows) * PER_ROW


def backup_needs(db_path: Path, target: Path) -> int:
    """Room a backup needs: the database's size for the snapshot beside it, as much
    again for the backup file (so twice on one disk), and a margin."""
    size = database_size(db_path)
    return size * (2 if same_disk(db_path.parent, target.parent) else 1) + SAVE_MARGIN


def disk_full(folder: Path | None, needed: int, kept: str) -> DiskFull:
    """The message: which disk, what was kept, how much room to make."""
    free = free_space(folder) if folder is not None else None
    where = f"Ổ đĩa chứa {folder}" if folder is not None else "Ổ đĩa"
    # More free than needed: a quota, or the rollback gave room back; not worth saying.
    left = f" (chỉ còn trống {size_text(free)})" if free is not None and free < needed else ""
    return DiskFull(
        f"{where} đã đầy{left}. {kept} Cần còn trống ít nhất khoảng {size_text(needed)}: hãy "
        "xóa bớt tệp không cần trên ổ đĩa này (và dọn Thùng rác) rồi làm lại.",
        folder, needed)


def _failed_folder(error: BaseException) -> Path | None:
    # The OS names the file it could not write: its folder is the full disk's.
    for found in _chain(error):
        name = getattr(found, "filename", None) if isinstance(found, OSError) else None
        if isinstance(name, str) and name:
            return Path(name).parent
    return None


def _told(error: BaseException, folder: Path | None, needed: int, kept: str) -> DiskFull:
    where = _failed_folder(error) or folder
    log.warning("disk full at %s (%s)", where, type(error).__name__)  # no message: values
    return disk_full(where, needed, kept)


def translated(error: BaseException, folder: Path | None, needed: int = SAVE_MARGIN,
               kept: str = UNFINISHED) -> DiskFull | None:
    """error as a DiskFull (itself if it is one), or None when it is no full disk."""
    if isinstance(error, DiskFull):
        return error
    return _told(error, folder, needed, kept) if is_disk_full(error, folder) else None


@contextmanager
def reported(kept: str, folder: Callable[[], Path], needed: Callable[[], int]) -> Iterator[None]:
    """A full disk inside the block comes out as DiskFull saying `kept`.

    folder and needed are asked only then, after the block's own clean-up ran (a
    rollback, a partial file removed): the free space told is what is free now."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        where = folder()
        if not is_disk_full(exc, where):
            raise
        raise _told(exc, where, needed(), kept) from exc
