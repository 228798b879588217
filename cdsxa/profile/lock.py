"""One process at a time on a profile: an OS lock on `<data_dir>/cdsxa.lock`.

The GUI holds it for as long as the profile is open; `cdsxa restore` and
`cdsxa encrypt`, which replace the database file, take it first. Without it a
restore run beside an open window swaps the file under it, and the window's
later saves go to the replaced file and are lost without a word.

The lock is the operating system's (flock on POSIX, a byte-range lock on
Windows), held through an open file: when the process ends, however it ends,
the OS lets go, so a crash never leaves a stale lock. The file itself stays
(deleting it would let two processes lock two different files); it holds only
the holder's process id, for diagnosis.

Two holds in one process conflict too (each opens its own handle): code that
already holds the lock (the GUI restoring a backup) must not ask for it again.
"""

import errno
import logging
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cdsxa.common.errors import UserError

log = logging.getLogger(__name__)

LOCK_FILE = "cdsxa.lock"

# What the OS answers when another handle holds the lock (EACCES: Windows' _locking).
_HELD_ELSEWHERE = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK}


class ProfileInUse(UserError):
    """Another window or command has this data folder open."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"Dữ liệu ở thư mục {data_dir} đang được mở bởi một cửa sổ CĐS Xã "
                         "khác (hoặc một lệnh đang chạy). Hãy đóng nó rồi thử lại.")


class ProfileLock:
    """A held lock; `release()` (or leaving the `with` block) lets go of it."""

    def __init__(self, path: Path, handle: BinaryIO | None) -> None:
        self.path = path
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()  # closing alone releases it too; unlocking first is explicit

    def __enter__(self) -> "ProfileLock":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


def hold(data_dir: Path) -> ProfileLock:
    """Take the profile's lock without waiting; ProfileInUse when someone holds it."""
    path = data_dir / LOCK_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        # Append mode: opening never changes the file another process may hold.
        handle: BinaryIO = open(path, "a+b")
    except OSError as exc:
        raise UserError(f"Không mở được thư mục dữ liệu {data_dir}: {exc.strerror}") from exc
    try:
        _lock(handle)
    except OSError as exc:
        handle.close()
        if exc.errno in _HELD_ELSEWHERE:
            raise ProfileInUse(data_dir) from None
        # A disk that cannot lock at all (an odd network share): locking out the
        # commune from its own data would be worse than the race this guards against.
        log.warning("could not lock %s (%s); going on without the lock", path, exc)
        return ProfileLock(path, None)
    try:  # diagnosis only: nothing reads it to decide anything
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
    except OSError:
        pass
    return ProfileLock(path, handle)


# The two platforms' locks, kept as small as they can be: Windows (where the
# offices run) cannot be tested here.
if sys.platform == "win32":
    import msvcrt

    def _lock(handle: BinaryIO) -> None:
        # _locking locks bytes from the current position; byte 0, even past the end.
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: BinaryIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: BinaryIO) -> None:
        # flock, not lockf: flock locks belong to the open file, so a second hold in
        # the same process is refused too; lockf's would silently succeed.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
