"""The fault proxy against a tiny real HTTP server, with requests as the client.

Each test checks what the server saw (a request handled or not) and what the client
got, so the faults mean what the sync tests rely on. Nothing here is bounded by time
except generous client time-outs.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tests.fault_proxy import FaultProxy

TIMEOUT_S = 30
BROKEN = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


def pattern(n: int) -> bytes:
    return (bytes(range(256)) * (n // 256 + 1))[:n]


class Handler(BaseHTTPRequestHandler):
    """POST /echo answers its body; GET /big?n=N answers N bytes. Keeps connections alive."""

    protocol_version = "HTTP/1.1"
    server: "Server"

    def do_POST(self) -> None:
        self.server.started.append(self.path)
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        if len(body) < length:
            return  # the connection died mid-body
        self.server.handled.append(self.path)
        self.reply(body)

    def do_GET(self) -> None:
        self.server.started.append(self.path)
        self.server.handled.append(self.path)
        self.reply(pattern(int(parse_qs(urlparse(self.path).query)["n"][0])))

    def reply(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.started: list[str] = []  # request heads read
        self.handled: list[str] = []  # whole requests read, before answering

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the resets are the point


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def proxy(server: Server) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", server.server_address[1]) as p:
        yield p


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def test_clean_traffic_is_byte_exact(proxy: FaultProxy, session: requests.Session) -> None:
    body = os.urandom(1_000_000)
    echoed = session.post(proxy.url + "/echo", data=body, timeout=TIMEOUT_S)
    assert echoed.status_code == 200 and echoed.content == body
    big = session.get(proxy.url + "/big?n=1000000", timeout=TIMEOUT_S)
    assert big.content == pattern(1_000_000)
    assert proxy.connections == 1  # kept alive
    assert proxy.bytes_up > 1_000_000 and proxy.bytes_down > 2_000_000
    assert proxy.faults_fired == 0


def test_counters_count_bytes_exactly(proxy: FaultProxy) -> None:
    request = b"GET /big?n=1234 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT_S) as sock:
            sock.sendall(request)
            answer = b""
            while more := sock.recv(65536):
                answer += more
            assert answer.endswith(pattern(1234))
    assert proxy.connections == 3
    assert proxy.bytes_up == 3 * len(request)
    assert proxy.bytes_down == 3 * len(answer)


def test_cut_request_loses_it_before_the_server_has_it(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    proxy.cut_request_after(1000)
    with pytest.raises(requests.ConnectionError):
        session.post(proxy.url + "/echo", data=os.urandom(200_000), timeout=TIMEOUT_S)
    assert server.handled == []
    assert proxy.bytes_up == 1000 and proxy.faults_fired == 1
    # One shot: the next request goes through.
    assert session.post(proxy.url + "/echo", data=b"abc", timeout=TIMEOUT_S).content == b"abc"
    assert server.handled == ["/echo"] and proxy.faults_fired == 1


def test_a_fault_hits_a_kept_alive_connection(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    assert session.post(proxy.url + "/echo", data=b"one", timeout=TIMEOUT_S).ok
    proxy.cut_request_after(50)
    with pytest.raises(requests.ConnectionError):
        session.post(proxy.url + "/echo", data=b"two" * 100, timeout=TIMEOUT_S)
    assert proxy.connections == 1  # the pooled connection took the fault
    assert server.handled == ["/echo"]


def test_cut_request_times(proxy: FaultProxy, server: Server) -> None:
    proxy.cut_request_after(10, times=2)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            requests.post(proxy.url + "/echo", data=b"x" * 100, timeout=TIMEOUT_S)
    assert requests.post(proxy.url + "/echo", data=b"x", timeout=TIMEOUT_S).ok
    assert proxy.faults_fired == 2 and proxy.connections == 3
    assert server.handled == ["/echo"]


def test_cut_response_loses_the_answer_after_the_server_acted(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    proxy.cut_response_after(5000)
    with pytest.raises(BROKEN):
        session.get(proxy.url + "/big?n=200000", timeout=TIMEOUT_S)
    assert server.handled == ["/big?n=200000"]
    assert proxy.bytes_down == 5000 and proxy.faults_fired == 1
    assert len(session.get(proxy.url + "/big?n=10", timeout=TIMEOUT_S).content) == 10


def test_cut_response_inside_the_head(proxy: FaultProxy, server: Server) -> None:
    proxy.cut_response_after(5)
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/echo", data=b"x" * 10, timeout=TIMEOUT_S)
    assert server.handled == ["/echo"]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_answer_status_without_the_server(
        proxy: FaultProxy, server: Server, session: requests.Session, status: int) -> None:
    proxy.answer_status(status, times=2)
    for _ in range(2):
        answer = session.post(proxy.url + "/echo", data=os.urandom(300_000), timeout=TIMEOUT_S)
        assert answer.status_code == status
        assert answer.headers["Connection"] == "close"
        assert answer.json()["error"] == "proxy" and answer.json()["message"]
    assert server.started == [] and proxy.bytes_up == 0
    assert session.post(proxy.url + "/echo", data=b"ok", timeout=TIMEOUT_S).content == b"ok"
    assert proxy.faults_fired == 2 and proxy.connections == 3


def test_answer_status_on_a_kept_alive_connection(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    assert session.get(proxy.url + "/big?n=1", timeout=TIMEOUT_S).ok
    proxy.answer_status(500)
    assert session.get(proxy.url + "/big?n=1", timeout=TIMEOUT_S).status_code == 500
    assert server.started == ["/big?n=1"] and proxy.connections == 1


def test_stall_makes_the_client_time_out(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    proxy.stall(60)
    with pytest.raises(requests.Timeout):
        session.post(proxy.url + "/echo", data=b"late", timeout=0.5)
    assert server.started == [] and proxy.faults_fired == 1
    assert session.post(proxy.url + "/echo", data=b"now", timeout=TIMEOUT_S).content == b"now"


def test_forwarded_stall_lets_the_server_act(
        proxy: FaultProxy, server: Server, session: requests.Session) -> None:
    proxy.stall(60, forward=True)
    with pytest.raises(requests.Timeout):
        session.post(proxy.url + "/echo", data=b"late", timeout=0.5)
    assert proxy.faults_fired == 1
    # The request reached the server, whose answer the proxy dropped.
    deadline = time.monotonic() + TIMEOUT_S
    while server.handled != ["/echo"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.handled == ["/echo"]
    assert session.post(proxy.url + "/echo", data=b"now", timeout=TIMEOUT_S).content == b"now"
    assert proxy.bytes_down < 200  # only the second answer


def test_cut_every_until_cleared(proxy: FaultProxy, server: Server) -> None:
    proxy.cut_every(3000)
    for _ in range(2):
        with pytest.raises(BROKEN):
            requests.get(proxy.url + "/big?n=100000", timeout=TIMEOUT_S)
    assert proxy.bytes_up + proxy.bytes_down == 2 * 3000
    assert proxy.faults_fired == 2
    proxy.clear()
    assert len(requests.get(proxy.url + "/big?n=100000", timeout=TIMEOUT_S).content) == 100000
    assert proxy.faults_fired == 2


def test_faults_queue_in_order(proxy: FaultProxy, server: Server) -> None:
    proxy.answer_status(503)
    proxy.cut_request_after(10)
    assert requests.get(proxy.url + "/big?n=1", timeout=TIMEOUT_S).status_code == 503
    with pytest.raises(requests.ConnectionError):
        requests.get(proxy.url + "/big?n=1", timeout=TIMEOUT_S)
    assert requests.get(proxy.url + "/big?n=1", timeout=TIMEOUT_S).ok
    assert server.handled == ["/big?n=1"] and proxy.faults_fired == 2


def test_stop_twice_and_refuses_after(server: Server) -> None:
    proxy = FaultProxy("127.0.0.1", server.server_address[1])
    assert requests.get(proxy.url + "/big?n=3", timeout=TIMEOUT_S).content == pattern(3)
    proxy.stop()
    proxy.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(proxy.url + "/big?n=3", timeout=TIMEOUT_S)
