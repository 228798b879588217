"""A loopback TCP proxy that breaks connections on purpose, for the sync tests.

    with FaultProxy("127.0.0.1", hub.port) as proxy:
        proxy.cut_request_after(200)  # the next request dies on its way to the hub

It listens on 127.0.0.1 on a port the OS chose (bound in the constructor: no race) and
forwards each connection to the target, on an asyncio loop in a background thread.
The faults and the sync protocol's failure cases:

- `cut_request_after(n)`: request lost before the hub acted. The hub gets n bytes of it
  (choose n below its size), then both sides get a reset (SO_LINGER 0).
- `cut_response_after(n)`: answer lost after the hub acted. The request goes through
  whole; the client gets n bytes of the answer, then a reset.
- `answer_status(status)`: hub error (500; 502 from a reverse proxy; 503). The proxy reads
  the request and answers itself, with a JSON body shaped like the hub's errors and
  `Connection: close`; the target is not contacted.
- `stall(seconds)`: hub too slow. The proxy reads the request, says nothing for that long,
  then closes. The request is not forwarded (the hub never acted), unless `forward=True`:
  then the hub acts and its answer is dropped (the client gave up waiting).
- `cut_every(n)`: a flaky link: every connection is reset after n bytes in total (both
  directions, counted from the call), until `clear()`.

Keep-alive: one-shot faults wait in a FIFO queue (`times=k` queues k) and each is taken
by the next request, meaning the first bytes a client sends on any connection, new or
kept alive, after the server last spoke on it. So `proxy.answer_status(500)` hits the
next `session.post(...)` even on a pooled connection. Arm faults between requests. A
cut taken by a connection that closes before its budget runs out is spent unfired.

Counters: `connections`; `bytes_up`, `bytes_down`, bytes forwarded (not the proxy's own
answers), counted before they are written, so up to date once the client sees them;
`faults_fired`: cuts when they cut, answers and stalls when taken.
"""

import asyncio
import json
import re
import socket
import struct
import threading
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Self

READ_SIZE = 65536
REQUEST_READ_TIMEOUT_S = 10  # how long the proxy waits for the rest of a request it answers
_LINGER_RESET = struct.pack("ii", 1, 0)  # close() then sends RST, not FIN


@dataclass
class _Fault:
    kind: str  # "cut_up", "cut_down", "status", "stall"
    value: float  # bytes, HTTP status or seconds
    forward: bool = False


@dataclass
class _Conn:
    cr: asyncio.StreamReader
    cw: asyncio.StreamWriter
    sr: asyncio.StreamReader | None = None
    sw: asyncio.StreamWriter | None = None
    down: "asyncio.Task[None] | None" = None  # server -> client
    left: dict[str, int | None] = field(default_factory=lambda: {"up": None, "down": None})
    every_gen: int = -1
    every_used: int = 0
    new_request: bool = True  # the client's next bytes start a request
    mute: bool = False  # a forwarded stall: drop what the server says
    cut: bool = False


class FaultProxy:
    """Forwards 127.0.0.1:`port` to the target, breaking connections when told to."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.connections = self.bytes_up = self.bytes_down = self.faults_fired = 0
        self._lock = threading.Lock()
        self._armed: deque[_Fault] = deque()
        self._every: int | None = None
        self._every_gen = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"fault-proxy-{self.port}")
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, sock=self._listener), self._loop).result(10)

    # The faults: called from the test's thread.
    def cut_request_after(self, n_bytes: int, times: int = 1) -> None:
        self._arm(_Fault("cut_up", n_bytes), times)

    def cut_response_after(self, n_bytes: int, times: int = 1) -> None:
        self._arm(_Fault("cut_down", n_bytes), times)

    def answer_status(self, status: int, times: int = 1) -> None:
        self._arm(_Fault("status", status), times)

    def stall(self, seconds: float, times: int = 1, forward: bool = False) -> None:
        self._arm(_Fault("stall", seconds, forward), times)

    def cut_every(self, n_bytes: int) -> None:
        with self._lock:
            self._every, self._every_gen = n_bytes, self._every_gen + 1

    def clear(self) -> None:
        """No more faults: the queued one-shots are dropped and `cut_every` ends."""
        with self._lock:
            self._armed.clear()
            self._every, self._every_gen = None, self._every_gen + 1

    def start(self) -> Self:
        return self  # running since the constructor; here for symmetry with LinkProxy

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

    def _arm(self, fault: _Fault, times: int) -> None:
        with self._lock:
            self._armed.extend([fault] * times)

    def _claim(self) -> _Fault | None:
        with self._lock:
            return self._armed.popleft() if self._armed else None

    def _count(self, up: int = 0, down: int = 0, connections: int = 0, fired: int = 0) -> None:
        with self._lock:
            self.bytes_up += up
            self.bytes_down += down
            self.connections += connections
            self.faults_fired += fired

    # On the proxy's loop.
    async def _shutdown(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.sleep(0.01)  # let the closed transports finish closing

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._track(task)
        self._count(connections=1)
        with suppress(asyncio.CancelledError):  # by stop(); Python 3.11 would log it
            await self._serve(cr, cw)

    async def _serve(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        cw.transport.set_write_buffer_limits(0)  # drain() = handed to the kernel
        c = _Conn(cr, cw)
        try:
            while data := await cr.read(READ_SIZE):
                if c.new_request:
                    c.new_request = False
                    fault = self._claim()
                    if fault and fault.kind in ("status", "stall") and not fault.forward:
                        self._count(fired=1)
                        if c.down is not None:  # the proxy speaks to the client now
                            c.down.cancel()
                        if c.sw is not None:
                            c.sw.close()
                        if fault.kind == "status":
                            await self._answer(c, data, int(fault.value))
                        else:
                            with suppress(TimeoutError):  # read the request, say nothing
                                await asyncio.wait_for(self._discard(cr), fault.value)
                        return
                    if fault:
                        self._take(c, fault)
                if c.sw is None:
                    c.sr, c.sw = await asyncio.open_connection(*self.target)
                    c.sw.transport.set_write_buffer_limits(0)
                    c.down = asyncio.create_task(self._pump_down(c))
                    self._track(c.down)
                if not await self._forward(c, "up", data, c.sw):
                    return
            if c.sw is not None and c.down is not None:
                c.sw.write_eof()  # the client half-closed: so does the proxy, and
                await c.down  # the server's last words still go through
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for w in (c.cw, c.sw):
                if w is not None:
                    w.close()

    async def _pump_down(self, c: _Conn) -> None:
        assert c.sr is not None
        try:
            while data := await c.sr.read(READ_SIZE):
                c.new_request = True  # the server spoke: the client's next bytes are new
                if not c.mute and not await self._forward(c, "down", data, c.cw):
                    return
        except OSError:
            pass
        c.cw.close()

    def _take(self, c: _Conn, fault: _Fault) -> None:
        if fault.kind == "stall":  # forwarded: the server acts, its answer is dropped
            self._count(fired=1)
            c.mute = True
            asyncio.get_running_loop().call_later(fault.value, c.cw.close)
        else:
            c.left["up" if fault.kind == "cut_up" else "down"] = int(fault.value)

    async def _forward(self, c: _Conn, way: str, data: bytes,
                       writer: asyncio.StreamWriter) -> bool:
        """Forwards what the byte budgets allow; False if that cut the connection."""
        limits = []
        left = c.left[way]
        if left is not None:
            limits.append(left)
            c.left[way] = left - len(data)
        with self._lock:
            every, gen = self._every, self._every_gen
        if c.every_gen != gen:  # cut_every counts from when it was set
            c.every_gen, c.every_used = gen, 0
        if every is not None:
            limits.append(every - c.every_used)
            c.every_used += len(data)
        cap = min(limits, default=len(data) + 1)
        cut = cap <= len(data)
        if cut:
            data = data[:max(cap, 0)]
        self._count(up=len(data) if way == "up" else 0, down=len(data) if way == "down" else 0)
        if data:
            writer.write(data)
            await writer.drain()
        if cut:
            self._reset(c)
        return not cut

    def _reset(self, c: _Conn) -> None:
        if c.cut:
            return
        c.cut = True
        self._count(fired=1)
        for w in (c.cw, c.sw):
            if w is not None:
                with suppress(OSError):
                    w.get_extra_info("socket").setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
                w.transport.abort()

    async def _discard(self, reader: asyncio.StreamReader) -> None:
        while await reader.read(READ_SIZE):
            pass

    async def _answer(self, c: _Conn, data: bytes, status: int) -> None:
        # The whole request is read first: closing with unread bytes would send a reset,
        # which can destroy the answer before the client reads it.
        with suppress(TimeoutError):
            await asyncio.wait_for(self._rest_of_request(c.cr, data), REQUEST_READ_TIMEOUT_S)
        reason = {s.value: s.phrase for s in HTTPStatus}.get(status, "Error")
        body = json.dumps({"error": "proxy", "message": f"Lỗi giả lập bởi proxy kiểm thử "
                           f"(mã {status})."}, ensure_ascii=False).encode()
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        c.cw.write(head.encode() + body)
        await c.cw.drain()

    async def _rest_of_request(self, reader: asyncio.StreamReader, buf: bytes) -> None:
        while b"\r\n\r\n" not in buf:
            if not (more := await reader.read(READ_SIZE)):
                return
            buf += more
        head, _, body = buf.partition(b"\r\n\r\n")
        if m := re.search(rb"(?im)^content-length:\s*(\d+)", head):
            missing = int(m.group(1)) - len(body)
            while missing > 0 and (more := await reader.read(min(missing, READ_SIZE))):
                missing -= len(more)
        elif re.search(rb"(?im)^transfer-encoding:.*chunked", head):
            while not body.endswith(b"0\r\n\r\n") and (more := await reader.read(READ_SIZE)):
                body = body[-16:] + more
