"""Request bodies: bounded, and inflated when sent gzip-compressed (`Content-Encoding: gzip`).

A push batch is JSON that compresses several times over a weak link; Starlette
compresses answers (GZipMiddleware) but not requests. This ASGI middleware reads
a compressed body up to MAX_BODY_BYTES and inflates it up to MAX_INFLATED_BYTES,
so a small file that claims to be huge (a zip bomb) is refused with 413 before
it costs memory; a body that is not gzip is 400. A JSON body that escapes a lone
UTF-16 surrogate ("\\ud800") is 400 too: Python reads it into a string that no
database and no answer can encode. The routes then see plain JSON.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cdsxa.sync import wire

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = ("Đợt gửi quá lớn so với giới hạn của máy chủ tỉnh. Phần mềm sẽ gửi thành "
             "các đợt nhỏ hơn.")
NOT_GZIP = "Dữ liệu nén gửi lên không đọc được (không phải gzip hợp lệ)."
NOT_TEXT = "Yêu cầu không đúng định dạng (có ký tự không hợp lệ)."

# A \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one, or the latter alone;
# escaped backslashes are masked first, so that "\\ud800" is a backslash and text.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> bool:
    """Whether JSON text escapes a UTF-16 surrogate that is not half of a pair."""
    return b"\\u" in body and _LONE_SURROGATE.search(body.replace(b"\\\\", b"__")) is not None


def _json(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether FastAPI reads the body as JSON (application/json, application/*+json)."""
    media = dict(headers).get(b"content-type", b"").split(b";")[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/")
                                            and media.endswith(b"+json"))


class RequestBody:
    def __init__(self, app: App, max_body: int = wire.MAX_BODY_BYTES,
                 max_inflated: int = wire.MAX_INFLATED_BYTES) -> None:
        self.app, self.max_body, self.max_inflated = app, max_body, max_inflated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k.lower(), v) for k, v in scope.get("headers", [])]
        encoding = dict(headers).get(b"content-encoding", b"").strip().lower()
        if encoding not in (b"", b"identity", b"gzip"):
            await _refuse(send, 415, "unsupported_encoding",
                          "Máy chủ tỉnh chỉ nhận dữ liệu nén gzip.")
            return
        # Every body is read whole, up to the bound (uvicorn sets none of its own).
        compressed = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            compressed += message.get("body", b"")
            more = message.get("more_body", False)
            if len(compressed) > self.max_body:
                await _refuse(send, 413, "too_large", TOO_LARGE)
                return
        if encoding != b"gzip":
            if _json(headers) and lone_surrogate(bytes(compressed)):
                await _refuse(send, 400, "invalid_request", NOT_TEXT)
                return
            await self.app(scope, _replay(bytes(compressed), receive), send)
            return
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(bytes(compressed), self.max_inflated + 1)
            if len(body) > self.max_inflated or inflater.unconsumed_tail:
                await _refuse(send, 413, "too_large", TOO_LARGE)
                return
            if not inflater.eof:
                raise zlib.error("truncated")
        except zlib.error:
            await _refuse(send, 400, "invalid_request", NOT_GZIP)
            return
        if _json(headers) and lone_surrogate(body):
            await _refuse(send, 400, "invalid_request", NOT_TEXT)
            return
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in headers
                            if k not in (b"content-encoding", b"content-length")]
        scope["headers"].append((b"content-length", str(len(body)).encode()))
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that gives the body read once, then waits for the disconnect."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(send: Send, status: int, error: str, message: str) -> None:
    body = json.dumps(wire.ErrorAnswer(error=error, message=message).model_dump(),
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
