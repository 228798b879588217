"""A loopback TCP proxy that behaves like a slow commune link, for the sync benchmarks.

    with LinkProxy("127.0.0.1", hub.port, kbit_per_s=64, rtt_ms=300) as link:
        client = HubClient(link.url, ...)   # every byte now crosses a 64 kbit/s, 300 ms link

    .venv/bin/python bench/link_proxy.py --target 127.0.0.1:8000 --kbit 64 --rtt 300

The model, per direction and per connection: data read at time t is released no earlier
than t + rtt/2 (a delay line, so latency is paid once per exchange, not per chunk) and
then paced at the bandwidth, so N bytes sent at once arrive complete at t + rtt/2 + N/B.
A request/response exchange costs one rtt plus its bytes; a new connection costs one
more rtt before its first byte reaches the target, as a TCP handshake does
(`handshake=False` to leave that out). TLS handshakes are not modelled (the traffic is
plain HTTP on loopback). Each connection has its own pair of pipes: parallel connections
do not share the bandwidth, as they would on a real link.

How it maps to the sync protocol's failure cases: a slow link makes the hub look "too
slow" to a client whose time-outs are too tight; `cut_every_bytes` resets every connection
after that many bytes in total (both directions), which loses a request before the hub
acted or its answer after, depending on where the budget runs out, as a flaky 3G link
does. Deliberate hub errors are the fault proxy's business (tests/fault_proxy.py).

Counters: `connections`, `bytes_up` and `bytes_down` (bytes released to the other side),
`cuts`.
"""

import argparse
import asyncio
import socket
import struct
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Self

_LINGER_RESET = struct.pack("ii", 1, 0)  # close() then sends RST, not FIN
BUFFER_BYTES = 65536  # queued per direction beyond the bandwidth-delay product


class Pacer:
    """When each piece of one direction's data comes out of the link (loop time, s)."""

    def __init__(self, bytes_per_s: float, delay_s: float, not_before: float = 0.0) -> None:
        self.rate, self.delay, self.free = bytes_per_s, delay_s, not_before

    def release(self, arrival: float, size: int) -> float:
        begin = max(arrival + self.delay, self.free)  # the link is busy until `free`
        self.free = begin + size / self.rate
        return self.free


class _Cut(Exception):
    pass


@dataclass
class _Conn:
    cw: asyncio.StreamWriter
    sw: asyncio.StreamWriter
    used: int = 0
    cut: bool = False


class LinkProxy:
    """Forwards 127.0.0.1:`port` to the target through a modelled slow link."""

    def __init__(self, target_host: str, target_port: int, kbit_per_s: float = 64,
                 rtt_ms: float = 300, cut_every_bytes: int | None = None, *,
                 handshake: bool = True, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.rate = kbit_per_s * 1000 / 8  # bytes per second
        self.rtt = rtt_ms / 1000
        self.cut_every_bytes = cut_every_bytes
        self.handshake = handshake
        self.connections = self.bytes_up = self.bytes_down = self.cuts = 0
        # Pieces of about 10 ms of link time: fine pacing without a timer per byte.
        self.piece = max(256, min(16384, int(self.rate / 100)))
        self.queue_pieces = max(4, int((BUFFER_BYTES + self.rate * self.rtt) // self.piece))
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))  # bound now: no race
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"link-proxy-{self.port}")
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, sock=self._listener), self._loop).result(10)

    def start(self) -> Self:
        return self  # running since the constructor

    def stop(self) -> None:
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _count(self, up: int = 0, down: int = 0, connections: int = 0, cuts: int = 0) -> None:
        with self._lock:
            self.bytes_up += up
            self.bytes_down += down
            self.connections += connections
            self.cuts += cuts

    async def _shutdown(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.sleep(0.01)  # let the closed transports finish closing

    async def _handle(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._count(connections=1)
        with suppress(asyncio.CancelledError):  # by stop(); Python 3.11 would log it
            await self._serve(cr, cw)

    async def _serve(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        now = asyncio.get_running_loop().time()
        try:
            sr, sw = await asyncio.open_connection(*self.target)
        except OSError:
            cw.close()
            return
        c = _Conn(cw, sw)
        up = Pacer(self.rate, self.rtt / 2, now + self.rtt + self.rtt / 2 if self.handshake
                   else 0.0)
        down = Pacer(self.rate, self.rtt / 2)
        try:
            async with asyncio.TaskGroup() as group:
                for reader, writer, pacer, way in ((cr, sw, up, "up"), (sr, cw, down, "down")):
                    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(self.queue_pieces)
                    group.create_task(self._receive(reader, queue))
                    group.create_task(self._release(queue, writer, pacer, way, c))
        except* (OSError, _Cut):
            self._reset(c)
        finally:
            cw.close()
            sw.close()

    async def _receive(self, reader: asyncio.StreamReader,
                       queue: "asyncio.Queue[tuple[float, bytes]]") -> None:
        loop = asyncio.get_running_loop()
        while data := await reader.read(self.piece):
            await queue.put((loop.time(), data))
        await queue.put((loop.time(), b""))  # the end of the stream crosses the link too

    async def _release(self, queue: "asyncio.Queue[tuple[float, bytes]]",
                       writer: asyncio.StreamWriter, pacer: Pacer, way: str, c: _Conn) -> None:
        loop = asyncio.get_running_loop()
        while True:
            arrival, data = await queue.get()
            await asyncio.sleep(max(0.0, pacer.release(arrival, len(data)) - loop.time()))
            if not data:
                with suppress(OSError):
                    writer.write_eof()
                return
            cut = False
            if self.cut_every_bytes is not None:
                left = self.cut_every_bytes - c.used
                cut = len(data) >= left
                data = data[:max(left, 0)]
            c.used += len(data)
            self._count(up=len(data) if way == "up" else 0,
                        down=len(data) if way == "down" else 0)
            if data:
                writer.write(data)
                await writer.drain()
            if cut:
                self._reset(c)
                raise _Cut

    def _reset(self, c: _Conn) -> None:
        if c.cut:
            return
        c.cut = True
        if self.cut_every_bytes is not None and c.used >= self.cut_every_bytes:
            self._count(cuts=1)
        for w in (c.cw, c.sw):
            with suppress(OSError):
                w.get_extra_info("socket").setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
            w.transport.abort()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A slow-link TCP proxy on 127.0.0.1.")
    parser.add_argument("--target", required=True, help="host:port to forward to")
    parser.add_argument("--kbit", type=float, default=64, help="kbit/s each way (64)")
    parser.add_argument("--rtt", type=float, default=300, help="round trip in ms (300)")
    parser.add_argument("--cut-every", type=int, default=None, metavar="BYTES",
                        help="reset every connection after this many bytes")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (any)")
    parser.add_argument("--no-handshake", action="store_true",
                        help="new connections cost no extra round trip")
    args = parser.parse_args(argv)
    host, _, port = args.target.rpartition(":")
    with LinkProxy(host or "127.0.0.1", int(port), args.kbit, args.rtt, args.cut_every,
                   handshake=not args.no_handshake, port=args.port) as link:
        print(link.url, flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        print(f"connections {link.connections}, up {link.bytes_up} B, "
              f"down {link.bytes_down} B, cuts {link.cuts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
