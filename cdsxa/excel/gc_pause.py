"""Python's cycle collector paused while a large list is read, previewed or imported.

Tens of thousands of live objects (a sheet's rows, then ORM records and their
change-log entries) make each collection scan them all again: at 20,000 rows the
collector took two thirds of the import's time. They stay alive until the work
ends anyway, so pausing frees nothing later than it would have been freed.
Reading (a worker thread) and importing may overlap: the collector runs again
when the last of them ends.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()
