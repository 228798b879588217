"""The hub client of a background sync attempt: it makes no new request once the
attempt is stopped (cdsxa.ui.sync_scheduler). Loaded with the first attempt."""

from collections.abc import Callable
from typing import Any

from urllib3.util.retry import Retry

from cdsxa.sync.hub_client import HubClient
from cdsxa.ui.sync_scheduler import SyncStopped


class StoppableClient(HubClient):
    def __init__(self, url: str, token: str, retry: Retry,
                 stopped: Callable[[], bool], pin: str | None = None) -> None:
        super().__init__(url, token=token, retry=retry, pin=pin)
        self.stopped = stopped

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        # Every request (push, pull, re-base, ...) passes here, before it is sent.
        if self.stopped():
            raise SyncStopped()
        return super()._call(*args, **kwargs)
