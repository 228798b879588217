"""The log file: plain text beside the encrypted data, so it must hold no personal data.

An exception's message may quote the values being handled (a name, an ID number,
a phone), so tracebacks are written with their frames and exception types only.
"""

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from cdsxa.common import disk_space
from cdsxa.profile import paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class WithoutValues(logging.Formatter):
    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's name)
        parts: list[str] = []
        exc, seen = ei[1], set()
        while exc is not None and id(exc) not in seen:  # the chain, innermost cause first
            seen.add(id(exc))
            kind = type(exc)
            parts.insert(0, "".join(traceback.format_tb(exc.__traceback__))
                         + f"{kind.__module__}.{kind.__qualname__}")
            exc = exc.__cause__ or exc.__context__
        return ("Traceback (messages left out: they may quote personal data):\n"
                + "\n--- then ---\n".join(parts))


class _LogFile(logging.FileHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # A full disk is told to the officer in words: no "Logging error" traceback
        # (English, quoting the messages) printed next to that.
        if not disk_space.is_disk_full(sys.exc_info()[1] or Exception()):
            super().handleError(record)


def configure(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.NullHandler()]
    if log_file is not None:
        paths.create_private(log_file)  # the user's alone, like the data beside it
        handler = _LogFile(log_file, encoding="utf-8")
        handler.setFormatter(WithoutValues(FORMAT))
        handlers = [handler]
    logging.basicConfig(level=logging.INFO, handlers=handlers, format=FORMAT)
