"""The benchmarks' slow-link proxy: its timing model, its floor, and its byte budget.

The only time assert is a lower bound (the link cannot be faster than its model,
however fast the machine), with an upper bound ten times looser than the floor.
"""

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from bench.link_proxy import LinkProxy, Pacer

TIMEOUT_S = 30
CLOCK_SLACK_S = 0.02  # timers may fire one clock tick early (about 16 ms on Windows)


class Sender:
    """A TCP server that, on each connection, reads one byte and answers `size` bytes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            with conn, suppress(OSError):
                conn.recv(1)
                conn.sendall(b"d" * self.size)


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> Iterator[Sender]:
    s = Sender(request.param)
    yield s
    s.listener.close()


def fetch(port: int) -> tuple[int, bool]:
    """Bytes received after sending one, and whether the connection ended in a reset."""
    received = 0
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        sock.sendall(b"?")
        try:
            while more := sock.recv(65536):
                received += len(more)
        except ConnectionResetError:
            return received, True
    return received, False


def test_pacer_pays_latency_once_per_burst() -> None:
    pacer = Pacer(bytes_per_s=100_000, delay_s=0.1)
    releases = [pacer.release(0.0, 1000) for _ in range(50)]
    assert releases[0] == pytest.approx(0.11)
    assert releases[-1] == pytest.approx(0.1 + 50_000 / 100_000)  # L + N/B, not 50 L
    assert pacer.release(10.0, 1000) == pytest.approx(10.11)  # idle link: latency again
    assert Pacer(1000, 0.1, not_before=2.0).release(0.0, 100) == pytest.approx(2.1)


@pytest.mark.parametrize("sender", [50_000], indirect=True)
@pytest.mark.parametrize("handshake", [False, True])
def test_transfer_takes_at_least_the_floor(sender: Sender, handshake: bool) -> None:
    with LinkProxy("127.0.0.1", sender.port, kbit_per_s=800, rtt_ms=200,
                   handshake=handshake) as link:
        start = time.monotonic()
        received, reset = fetch(link.port)
        elapsed = time.monotonic() - start
        assert (received, reset) == (50_000, False)
        assert (link.bytes_up, link.bytes_down, link.connections, link.cuts) == (1, 50_000, 1, 0)
    # The byte up and the answer down each cross the link once (rtt), the answer takes
    # 50 kB / 100 kB/s, and a new connection first pays a handshake (rtt).
    floor = 0.2 + 0.5 + (0.2 if handshake else 0.0)
    assert floor - CLOCK_SLACK_S <= elapsed < 10 * floor


@pytest.mark.parametrize("sender", [200_000], indirect=True)
def test_cut_every_resets_each_connection_after_its_budget(sender: Sender) -> None:
    with LinkProxy("127.0.0.1", sender.port, kbit_per_s=80_000, rtt_ms=10,
                   cut_every_bytes=20_000) as link:
        for _ in range(2):
            received, reset = fetch(link.port)
            assert reset and received <= 20_000 - 1
        assert link.cuts == 2 and link.connections == 2
        assert link.bytes_up == 2 and link.bytes_up + link.bytes_down == 2 * 20_000


@pytest.mark.parametrize("sender", [1000], indirect=True)
def test_under_the_budget_nothing_is_cut(sender: Sender) -> None:
    with LinkProxy("127.0.0.1", sender.port, kbit_per_s=80_000, rtt_ms=10,
                   cut_every_bytes=20_000) as link:
        assert fetch(link.port) == (1000, False)
        assert link.cuts == 0


@pytest.mark.parametrize("sender", [3000], indirect=True)
def test_command_line_prints_its_url(sender: Sender) -> None:
    script = Path(__file__).parent.parent / "bench" / "link_proxy.py"
    command = [sys.executable, str(script), "--target", f"127.0.0.1:{sender.port}",
               "--kbit", "8000", "--rtt", "20"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert fetch(int(url.rsplit(":", 1)[1])) == (3000, False)
        finally:
            proc.terminate()
