"""Who may have a profile open, and who may replace its database: OS locks.

Three lock files in the data folder, each held through an open file, so the OS
lets go when the process ends however it ends (a crash never leaves a stale lock):

- `cdsxa.lock`, the window's (`hold`): one GUI window per profile holds it the
  whole time; a restore or an encryption takes it too. Exclusive.
- `cdsxa.sqlite3.lock`, the database's (`using`): every process with the database
  open holds it SHARED (storage.open_database takes it: the GUI, import, demo,
  init, backup, check, indicators); a restore or an encryption holds it
  EXCLUSIVE (`replacing`) while it swaps the file. So a restore is refused while
  anyone has the data open, and nobody opens it while a restore runs. Without
  this, an import committed into the file a restore had just renamed away.
- `cdsxa.sqlite3.backup.lock` (`backing_up`): one backup at a time, so that the
  one holding it may remove what a killed backup left behind.

Several holds of the database's lock in one process share one handle (a
count): the GUI and its backups, a restore and the database it opens after the
swap. An exclusive hold in a process that has the database open converts the
shared lock; the window's lock is the gate that makes that safe (only its
holder ever asks for the exclusive lock, so taking the shared one back cannot
fail). The window's own lock is not counted: two holds conflict even in one
process, but `replacing` reuses this process's window lock (the GUI restoring).

The lock files stay (deleting one would let two processes lock two different
files); the window's holds the holder's process id, for diagnosis.
"""

import errno
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cdsxa.common.errors import UserError
from cdsxa.profile import paths

log = logging.getLogger(__name__)

LOCK_FILE = "cdsxa.lock"
OPEN_LOCK_FILE = paths.DB_FILENAME + ".lock"
BACKUP_LOCK_FILE = paths.DB_FILENAME + ".backup.lock"
SYNC_LOCK_FILE = "cdsxa.sync.lock"  # one sync with the hub at a time (cdsxa.sync)
LOCK_FILES = (LOCK_FILE, OPEN_LOCK_FILE, BACKUP_LOCK_FILE)

# What the OS answers when another handle holds the lock (EACCES: Windows).
_HELD_ELSEWHERE = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK}


class ProfileInUse(UserError):
    """Another window or command has this data folder open."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"Dữ liệu ở thư mục {data_dir} đang được mở bởi một cửa sổ CĐS Xã "
                         "khác (hoặc một lệnh đang chạy). Hãy đóng nó rồi thử lại.")


class ProfileBeingReplaced(ProfileInUse):
    """A restore or an encryption is replacing the database right now."""

    def __init__(self, data_dir: Path) -> None:
        UserError.__init__(
            self, f"Dữ liệu ở thư mục {data_dir} đang được khôi phục từ bản sao lưu (hoặc "
            "mã hóa) bởi một lệnh hay cửa sổ khác. Chưa có gì được ghi; hãy đợi việc đó "
            "xong rồi thử lại.")


class ProfileLock:
    """A held lock; `release()` (or leaving the `with` block) lets go of it."""

    def __init__(self, path: Path, release: Callable[[], None] | None) -> None:
        self.path = path
        self._release = release

    @property
    def held(self) -> bool:
        return self._release is not None

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> "ProfileLock":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


@dataclass
class _Open:
    """This process's hold of one profile's database lock."""

    handle: BinaryIO | None  # None: the disk cannot lock (we go on without)
    users: int = 0  # shared holds (open databases) in this process
    exclusive: bool = False


_guard = threading.Lock()  # the GUI opens and restores from worker threads
_windows: set[str] = set()  # data folders whose window lock this process holds
_opened: dict[str, _Open] = {}


def _key(data_dir: Path) -> str:
    return os.path.normcase(os.path.realpath(data_dir))


def _open_file(data_dir: Path, name: str) -> BinaryIO:
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=paths.PRIVATE_DIR)
        # Append mode: opening never changes the file another process may hold.
        descriptor = os.open(data_dir / name, os.O_RDWR | os.O_CREAT | os.O_APPEND
                             | getattr(os, "O_BINARY", 0), paths.PRIVATE_FILE)
        return os.fdopen(descriptor, "a+b")
    except OSError as exc:
        raise UserError(f"Không mở được thư mục dữ liệu {data_dir}: {exc.strerror}") from exc


def _try(handle: BinaryIO, path: Path, exclusive: bool) -> bool:
    """Lock without waiting: True when held, False when the disk cannot lock at all;
    the OSError of a lock held elsewhere is raised."""
    try:
        _lock(handle, exclusive)
    except OSError as exc:
        if exc.errno in _HELD_ELSEWHERE:
            raise
        # A disk that cannot lock at all (an odd network share): locking out the
        # commune from its own data would be worse than the race this guards against.
        log.warning("could not lock %s (%s); going on without the lock", path, exc)
        return False
    return True


def hold(data_dir: Path) -> ProfileLock:
    """Take the window's lock without waiting; ProfileInUse when someone holds it."""
    path = data_dir / LOCK_FILE
    handle = _open_file(data_dir, LOCK_FILE)
    try:
        locked = _try(handle, path, exclusive=True)
    except OSError:
        handle.close()
        raise ProfileInUse(data_dir) from None
    if not locked:
        handle.close()
        return ProfileLock(path, None)
    try:  # diagnosis only: nothing reads it to decide anything
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
    except OSError:
        pass
    key = _key(data_dir)
    with _guard:
        _windows.add(key)

    def release() -> None:
        with _guard:
            _windows.discard(key)
        try:
            _unlock(handle)
        finally:
            handle.close()  # closing alone releases it too; unlocking first is explicit

    return ProfileLock(path, release)


def using(data_dir: Path) -> ProfileLock:
    """Hold the database's lock shared while the database is open.

    ProfileBeingReplaced when a restore or an encryption holds it."""
    key, path = _key(data_dir), data_dir / OPEN_LOCK_FILE
    with _guard:
        entry = _opened.get(key)
        if entry is None:
            handle = _open_file(data_dir, OPEN_LOCK_FILE)
            try:
                locked = _try(handle, path, exclusive=False)
            except OSError:
                handle.close()
                raise ProfileBeingReplaced(data_dir) from None
            if not locked:
                handle.close()
            entry = _opened[key] = _Open(handle if locked else None)
        entry.users += 1

    def release() -> None:
        with _guard:
            entry.users -= 1
            _settle(key, entry)

    return ProfileLock(path, release)


def first_user(lock: ProfileLock) -> bool:
    """Whether `lock` (from `using`) is this process's only hold of the database.

    Only then may it tidy what an earlier process left: no other part of this
    process is working on the files."""
    with _guard:
        entry = _opened.get(_key(lock.path.parent))
        return entry is not None and entry.users == 1 and not entry.exclusive


def replacing(data_dir: Path) -> ProfileLock:
    """Hold the window's lock and the database's exclusively, to replace the database.

    ProfileInUse when another window or command has the profile open. Code in
    this process that has the database open must close it first (Windows cannot
    replace an open file); its lock is converted meanwhile."""
    key, path = _key(data_dir), data_dir / OPEN_LOCK_FILE
    with _guard:
        own_window = key in _windows
    window = None if own_window else hold(data_dir)
    try:
        with _guard:
            entry = _opened.get(key)
            if entry is None:
                handle = _open_file(data_dir, OPEN_LOCK_FILE)
                try:
                    locked = _try(handle, path, exclusive=True)
                except OSError:
                    handle.close()
                    raise ProfileInUse(data_dir) from None
                if not locked:
                    handle.close()
                entry = _opened[key] = _Open(handle if locked else None)
            elif entry.exclusive:
                raise RuntimeError(f"{data_dir} is being replaced already by this process")
            elif entry.handle is not None:
                _unlock(entry.handle)
                try:
                    _lock(entry.handle, exclusive=True)
                except OSError:
                    # Back to shared; this cannot wait long: only the window's holder
                    # (this process) ever asks for the exclusive lock.
                    _lock(entry.handle, exclusive=False, wait=True)
                    raise ProfileInUse(data_dir) from None
            entry.exclusive = True
    except BaseException:
        if window is not None:
            window.release()
        raise

    def release() -> None:
        with _guard:
            entry.exclusive = False
            _settle(key, entry)
        if window is not None:
            window.release()

    return ProfileLock(path, release)


def backing_up(data_dir: Path) -> ProfileLock:
    """One backup at a time on a profile: wait for the one running to end."""
    path = data_dir / BACKUP_LOCK_FILE
    handle = _open_file(data_dir, BACKUP_LOCK_FILE)
    try:
        _lock(handle, exclusive=True, wait=True)
    except OSError as exc:
        handle.close()
        log.warning("could not lock %s (%s); going on without the lock", path, exc)
        return ProfileLock(path, None)
    return ProfileLock(path, lambda: _let_go(handle))


def no_backup_running(data_dir: Path) -> ProfileLock | None:
    """The backup lock if no backup is running now (without waiting), else None."""
    path = data_dir / BACKUP_LOCK_FILE
    handle = _open_file(data_dir, BACKUP_LOCK_FILE)
    try:
        locked = _try(handle, path, exclusive=True)
    except OSError:
        handle.close()
        return None
    if not locked:
        handle.close()
        return None  # cannot tell: leave the files be
    return ProfileLock(path, lambda: _let_go(handle))


def _let_go(handle: BinaryIO) -> None:
    try:
        _unlock(handle)
    finally:
        handle.close()


def _settle(key: str, entry: _Open) -> None:
    """After a release (under _guard): back to shared, or let go when unused."""
    if entry.exclusive:
        return
    if entry.users > 0:
        if entry.handle is not None:
            _unlock(entry.handle)
            _lock(entry.handle, exclusive=False, wait=True)
        return
    _opened.pop(key, None)
    if entry.handle is not None:
        _let_go(entry.handle)


# The two platforms' locks, kept as small as they can be: Windows (where the
# offices run) cannot be tested here.
if sys.platform == "win32":
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = [("Internal", ctypes.c_void_p), ("InternalHigh", ctypes.c_void_p),
                    ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD),
                    ("hEvent", wintypes.HANDLE)]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _FAIL_IMMEDIATELY, _EXCLUSIVE = 0x1, 0x2
    _LOCK_VIOLATION = 33  # ERROR_LOCK_VIOLATION

    def _lock(handle: BinaryIO, exclusive: bool = True, wait: bool = False) -> None:
        # LockFileEx on byte 0 (even past the end); byte-range locks belong to the
        # handle, so two holds in one process conflict as flock's do.
        flags = (0 if wait else _FAIL_IMMEDIATELY) | (_EXCLUSIVE if exclusive else 0)
        if not _kernel32.LockFileEx(wintypes.HANDLE(msvcrt.get_osfhandle(handle.fileno())),
                                    flags, 0, 1, 0, ctypes.byref(_Overlapped())):
            code = ctypes.get_last_error()
            raise OSError(errno.EACCES if code == _LOCK_VIOLATION else errno.EIO,
                          ctypes.FormatError(code))

    def _unlock(handle: BinaryIO) -> None:
        _kernel32.UnlockFileEx(wintypes.HANDLE(msvcrt.get_osfhandle(handle.fileno())),
                               0, 1, 0, ctypes.byref(_Overlapped()))

else:
    import fcntl

    def _lock(handle: BinaryIO, exclusive: bool = True, wait: bool = False) -> None:
        # flock, not lockf: flock locks belong to the open file, so a second hold in
        # the same process is refused too; lockf's would silently succeed.
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        fcntl.flock(handle.fileno(), mode if wait else mode | fcntl.LOCK_NB)

    def _unlock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def syncing(data_dir: Path) -> ProfileLock | None:
    """The sync lock if no other sync of this profile runs now (the app's background
    sync and a scheduled `cdsxa sync`), else None; without waiting."""
    path = data_dir / SYNC_LOCK_FILE
    handle = _open_file(data_dir, SYNC_LOCK_FILE)
    try:
        locked = _try(handle, path, exclusive=True)
    except OSError:
        handle.close()
        return None
    if not locked:  # a disk that cannot lock: the hub holds each entry once anyway
        handle.close()
        return ProfileLock(path, None)
    return ProfileLock(path, lambda: _let_go(handle))
