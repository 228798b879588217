"""Talking to the province hub over HTTP(S): `requests` with urllib3's `Retry`.

HTTPS only, except to this machine's own loopback addresses (a hub tried on the same
laptop, and the tests). Answers are parsed with the shared wire schemas
(cdsxa.sync.wire); a refusal becomes a `HubRefused` carrying the hub's Vietnamese message.
"""

import gzip
import ipaddress
import logging
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from cdsxa.common.errors import UserError
from cdsxa.sync import wire

log = logging.getLogger(__name__)

Answer = TypeVar("Answer", bound=BaseModel)

# Seconds: to connect (a weak 3G link), then between bytes of the answer.
TIMEOUT = (15, 60)
# Connection failures are retried for every method (nothing was sent); a lost answer
# or a busy hub only where repeating is harmless: GET, and a push (each entry is
# applied at most once, so a batch sent twice changes nothing the second time). An
# enrolment is not repeated: its code works once.
RETRY = Retry(total=5, connect=5, read=2, status=3, backoff_factor=1.0,
              status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}),
              respect_retry_after_header=True, raise_on_status=False)
SYNC_RETRY = RETRY.new(allowed_methods=frozenset({"GET", "POST"}))


class HubUnreachable(UserError):
    """No answer from the hub: the data is safe here, try again later."""


class HubRefused(UserError):
    """The hub answered with a refusal (its message is Vietnamese)."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error = status, error


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_url(url: str) -> str:
    """The hub's base address, without a trailing slash; UserError unless it is
    https://, or http:// to a loopback address."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise UserError(f"Địa chỉ máy chủ tỉnh không hợp lệ: {text}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UserError(f"Địa chỉ máy chủ tỉnh cần có dạng https://tên-máy-chủ, không phải "
                        f"“{text}”.")
    if parts.scheme == "http" and not is_loopback(host):
        raise UserError("Máy chủ tỉnh phải dùng kết nối bảo mật (https://). Chỉ máy chủ chạy "
                        "ngay trên máy này (127.0.0.1, localhost) mới dùng được http://.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UserError("Địa chỉ máy chủ tỉnh không được chứa tên, mật khẩu hay tham số.")
    return text.rstrip("/")


def fingerprint(text: str) -> str:
    """A certificate's SHA-256 fingerprint as typed ("AB:CD:…", with or without colons or
    a "sha256:" prefix) in the form urllib3 compares; UserError if it is not one."""
    value = text.strip().lower().removeprefix("sha256:").replace(":", "").replace(" ", "")
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise UserError("Dấu vân tay chứng chỉ của máy chủ tỉnh cần 64 chữ số hệ 16 (SHA-256), "
                        "ví dụ AB:CD:…; hãy chép đúng từ tỉnh gửi.")
    return value


class _PinnedAdapter(HTTPAdapter):
    """HTTPS to a certificate with this SHA-256 fingerprint, and no other: the province's
    own certificate (a self-signed one too), whatever certificate authority a proxy or
    an attacker presents."""

    def __init__(self, pin: str, **kwargs: Any) -> None:
        self.pin = pin
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["assert_fingerprint"] = self.pin
        super().init_poolmanager(*args, **kwargs)


class HubClient:
    """One hub, one requests session (kept-alive connections, retries with backoff).

    `pin`: the SHA-256 fingerprint of the province's certificate; the connection is
    then made to that certificate only (the certificate authorities are not asked).
    `verify`: True (the system's authorities), or a CA bundle file."""

    def __init__(self, url: str, token: str | None = None,
                 verify: bool | str = True, retry: Retry = RETRY,
                 pin: str | None = None) -> None:
        self.url = checked_url(url)
        self.session = requests.Session()
        if pin:
            self.session.mount("https://", _PinnedAdapter(fingerprint(pin), max_retries=retry))
            verify = False  # the pin replaces the authorities' word, it does not add to it
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        else:
            self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.verify = verify
        self.session.headers[wire.PROTOCOL_HEADER] = str(wire.PROTOCOL_VERSION)
        self.session.headers["User-Agent"] = f"cdsxa/{wire.PROTOCOL_VERSION}"
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = TIMEOUT
        self.sent_bytes = 0  # the last request's body, as sent (compressed)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "HubClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, answer: type[Answer],
              body: BaseModel | None = None, params: dict[str, int | str] | None = None,
              compress: bool = False) -> Answer:
        data: bytes | None = None
        headers = {}
        if body is not None:
            data = body.model_dump_json().encode()
            headers["Content-Type"] = "application/json"
            if compress:
                # mtime 0: the same batch compresses to the same bytes on a retry.
                data = gzip.compress(data, compresslevel=6, mtime=0)
                headers["Content-Encoding"] = "gzip"
        self.sent_bytes = len(data or b"")
        try:
            # verify given on every request: a session's own is overridden by the
            # REQUESTS_CA_BUNDLE environment variable, which would undo a pin.
            response = self.session.request(method, self.url + path, timeout=self.timeout,
                                            data=data, headers=headers, params=params,
                                            verify=self.session.verify)
        except requests.exceptions.SSLError as exc:
            log.info("TLS refused: %s", type(exc).__name__)
            raise HubUnreachable(f"Không kiểm tra được chứng chỉ bảo mật của máy chủ tỉnh "
                                 f"({self.url}): có thể mạng đang chuyển hướng sang máy "
                                 "khác. Chưa gửi gì; hãy báo tỉnh.") from None
        except requests.exceptions.RequestException as exc:
            log.info("hub unreachable: %s", exc)
            if _name_not_found(exc):
                raise HubUnreachable(f"Không tìm thấy máy chủ tỉnh “{urlsplit(self.url).hostname}”"
                                     ": hãy kiểm tra địa chỉ (đúng như tỉnh gửi) và kết nối "
                                     "mạng. Dữ liệu vẫn an toàn trên máy này.") from None
            raise HubUnreachable(f"Không kết nối được máy chủ tỉnh ({self.url}). Dữ liệu vẫn "
                                 "an toàn trên máy này; hãy thử lại khi có mạng.") from None
        if response.status_code >= 400:
            raise _refusal(response)
        try:
            return answer.model_validate(response.json())
        except (ValueError, ValidationError):
            raise HubUnreachable(f"Máy chủ tại {self.url} trả lời không đúng giao thức của CĐS "
                                 "Xã (có phải máy chủ tỉnh không?).") from None

    def enrol(self, request: wire.EnrolRequest) -> wire.EnrolAnswer:
        return self._call("POST", f"{wire.API_PREFIX}/enrol", wire.EnrolAnswer, request)

    def whoami(self) -> wire.WhoAmI:
        return self._call("GET", f"{wire.API_PREFIX}/whoami", wire.WhoAmI)

    def health(self) -> wire.Health:
        return self._call("GET", "/health", wire.Health)

    def push(self, request: wire.PushRequest) -> wire.PushAnswer:
        return self._call("POST", f"{wire.API_PREFIX}/push", wire.PushAnswer, request,
                          compress=True)

    def rebase(self, generation: int, after: int, limit: int) -> wire.RebaseAnswer:
        return self._call("GET", f"{wire.API_PREFIX}/rebase", wire.RebaseAnswer,
                          params={"generation": generation, "after": after, "limit": limit})

    def pull(self, after: int, limit: int, catalogue: str = "",
             after_entry: str = "") -> wire.PullAnswer:
        params: dict[str, int | str] = {"after": after, "limit": limit}
        if catalogue:
            params["catalogue"] = catalogue
        if after_entry:
            params["after_entry"] = after_entry
        return self._call("GET", f"{wire.API_PREFIX}/pull", wire.PullAnswer, params=params)


def _name_not_found(error: BaseException) -> bool:
    """A host name nobody resolves (a typo, or no network at all)."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        if isinstance(found, urllib3.exceptions.NameResolutionError):
            return True
        reason = getattr(found, "reason", None)
        found = (reason if isinstance(reason, BaseException)
                 else (found.args[0] if found.args and isinstance(found.args[0], BaseException)
                       else found.__context__))
    return False


def _refusal(response: requests.Response) -> UserError:
    body: Any
    try:
        body = wire.ErrorAnswer.model_validate(response.json())
    except (ValueError, ValidationError):
        body = None
    if body is not None:
        return HubRefused(response.status_code, body.error, body.message)
    if response.status_code >= 500:
        return HubUnreachable(f"Máy chủ tỉnh đang gặp lỗi (mã {response.status_code}). Dữ "
                              "liệu vẫn an toàn trên máy này; hãy thử lại sau.")
    return HubRefused(response.status_code, "http_error",
                      f"Máy chủ tỉnh từ chối yêu cầu (mã {response.status_code}).")
