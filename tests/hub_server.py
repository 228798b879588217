"""A real province hub for the tests: uvicorn on a free loopback port, in a thread.

Fixtures (plugged in from tests/conftest.py):
- `hub_url_db` (parametrised "sqlite", "postgresql"): the URL of a migrated, empty hub
  database, an SQLite file in tmp_path or a fresh database on the test run's PostgreSQL
  server (tests/postgres.py);
- `hub` : a `RunningHub` serving that database over real HTTP.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn

from cdsxa.hub import migrate
from cdsxa.hub.app import create_app
from cdsxa.hub.database import HubDatabase, sqlite_url
from cdsxa.sync import wire

START_TIMEOUT_S = 30
HUB_ENGINES = ["sqlite", "postgresql"]


class RunningHub:
    """uvicorn serving create_app(database_url) on 127.0.0.1, on a port the OS chose."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))  # bound here: no other process can take the port
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(database_url), log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [listener]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.02)
        self.database = HubDatabase(database_url)  # the test's own view of the data

    def get(self, path: str, token: str | None = None, protocol: int | None = 1,
            **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, headers=headers(token, protocol), timeout=30,
                            **kwargs)

    def post(self, path: str, json: object, token: str | None = None,
             protocol: int | None = 1) -> requests.Response:
        return requests.post(self.url + path, json=json, headers=headers(token, protocol),
                             timeout=30)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.database.close()


def headers(token: str | None, protocol: int | None) -> dict[str, str]:
    sent = {}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if protocol is not None:
        sent[wire.PROTOCOL_HEADER] = str(protocol)
    return sent


def migrated(url: str) -> str:
    database = HubDatabase(url)
    try:
        migrate.upgrade(database.engine)
    finally:
        database.close()
    return url


@pytest.fixture(params=HUB_ENGINES)
def hub_url_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return migrated(sqlite_url(tmp_path / "hub"))
    return migrated(request.getfixturevalue("postgres_db"))


@pytest.fixture
def hub(hub_url_db: str) -> Iterator[RunningHub]:
    running = RunningHub(hub_url_db)
    yield running
    running.stop()


def hub_command(*args: str, env: dict[str, str] | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`cdsxa-hub ARGS` in a process of its own."""
    return subprocess.run([sys.executable, "-m", "cdsxa.hub", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
