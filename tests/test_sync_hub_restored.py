"""The province restores the hub's database from last night's backup (disk failure).
Entries B pushed since are no longer at the hub though B has them marked sent, and A's
pull cursor is past the hub's restored counter (or at an entry numbered again): each PC
finds out (the cursor's entry, or its generation, is not the hub's), sends again
everything it made and pulls again from the start. Found by the hostile tester."""
from __future__ import annotations

import shutil
from pathlib import Path

from cdsxa.hub.database import sqlite_url
from tests.hub_server import RunningHub, migrated
from tests.sync_faults_support import settle
from tests.sync_pcs import make_pc


class SamePortHub(RunningHub):
    """RunningHub on a port given (a hub restarted at its address)."""

    def __init__(self, database_url: str, port: int) -> None:
        import socket
        real = socket.socket.bind

        def bind(sock, address):  # type: ignore[no-untyped-def]
            return real(sock, (address[0], port))
        socket.socket.bind = bind  # type: ignore[method-assign]
        try:
            super().__init__(database_url)
        finally:
            socket.socket.bind = real  # type: ignore[method-assign]


def test_a_hub_restored_from_a_backup_gets_back_what_the_pcs_sent_since(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    url = migrated(sqlite_url(folder))
    hub = RunningHub(url)
    port = hub.port
    a, b = make_pc(hub, tmp_path / "a"), make_pc(hub, tmp_path / "b")
    try:
        settle([a, b])
        hub.stop()
        shutil.copytree(folder, tmp_path / "hub-backup")  # last night's backup
        hub = SamePortHub(url, port)
        b.add_person("Hà Văn Lan")          # pushed after the backup
        assert b.sync().ok and a.sync().ok  # A has Lan now; its cursor moved on
        hub.stop()
        shutil.rmtree(folder)
        shutil.copytree(tmp_path / "hub-backup", folder)  # the disk fails; restored
        hub = SamePortHub(url, port)
        c = make_pc(hub, tmp_path / "c")
        a.add_person("Lò Thị Mai")
        settle([a, b, c])
        assert sorted(c.people().values()) == sorted(b.people().values()), (
            c.people(), b.people())
        assert sorted(a.people().values()) == sorted(b.people().values())
    finally:
        hub.stop()
        for pc in (a, b):
            pc.db.close()
