"""The hub's web service: FastAPI over the hub's database, described by its OpenAPI.

`create_app(database_url)` makes the application; `cdsxa-hub serve` runs it under
uvicorn. Every refusal is an `ErrorAnswer` (cdsxa.sync.wire): a code, a Vietnamese
message, and never a commune's data, not even an echo of what was sent.
"""

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cdsxa import __version__
from cdsxa.hub import enrolment, pull, push, rebase
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.replica import Replicas
from cdsxa.hub.request_body import RequestBody
from cdsxa.sync import wire

log = logging.getLogger(__name__)

SERVICE_NAME = "Máy chủ tỉnh CĐS Xã"


class Refusal(Exception):
    """An answer other than 2xx, as an ErrorAnswer."""

    def __init__(self, status: int, error: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


def _answer(status: int, error: str, message: str,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = wire.ErrorAnswer(error=error, message=message).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


REFUSALS: dict[int | str, dict[str, object]] = {
    status: {"model": wire.ErrorAnswer, "description": text}
    for status, text in ((400, "yêu cầu không hợp lệ hoặc phiên bản mới hơn máy chủ"),
                         (401, "thiếu hoặc sai mã xác thực của máy"),
                         (403, "bị từ chối"), (409, "xung đột"),
                         (412, "máy cần đồng bộ lại từ đầu phần còn thiếu (re-base)"),
                         (422, "yêu cầu không đúng định dạng"),
                         (426, "phiên bản CĐS Xã trên máy đã cũ"))
}

TOO_OLD = ("Phiên bản CĐS Xã trên máy này đã cũ, máy chủ tỉnh không còn nhận. Hãy cài "
           "phiên bản mới nhất rồi đồng bộ lại; dữ liệu vẫn an toàn trên máy.")
TOO_NEW = ("Máy chủ tỉnh đang chạy phiên bản cũ hơn CĐS Xã trên máy này. Hãy báo tỉnh "
           "nâng cấp máy chủ; dữ liệu vẫn an toàn trên máy.")


def check_protocol(version: int | None) -> None:
    if version is None or version < wire.MIN_PROTOCOL_VERSION:
        raise Refusal(426, "protocol_too_old", TOO_OLD,
                      {"Upgrade": f"{wire.PROTOCOL_HEADER}/{wire.PROTOCOL_VERSION}"})
    if version > wire.PROTOCOL_VERSION:
        raise Refusal(400, "protocol_too_new", TOO_NEW)


def create_app(database_url: str) -> FastAPI:
    database = HubDatabase(database_url)
    replicas = Replicas(database_url, database.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        replicas.close()
        database.close()

    app = FastAPI(title="cdsxa-hub", version=__version__, lifespan=lifespan,
                  description=f"{SERVICE_NAME}: nhận dữ liệu đồng bộ của các xã.")
    app.state.database = database
    app.state.replicas = replicas
    # Answers compressed when the client accepts it (a pull over 3G); requests are
    # bounded and may come compressed (a push).
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(RequestBody)
    bearer = HTTPBearer(auto_error=False, description="mã xác thực của máy (khi đăng ký)")

    def protocol(version: Annotated[int | None, Header(alias=wire.PROTOCOL_HEADER,
                                                       ge=0, le=1_000_000)] = None) -> int:
        check_protocol(version)
        assert version is not None
        return version

    def device(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
               _version: Annotated[int, Depends(protocol)]) -> enrolment.DeviceIdentity:
        try:
            with database.transaction() as session:
                return enrolment.authenticate(session, credentials.credentials if credentials
                                              else None)
        except enrolment.TokenRefused as exc:
            status = 403 if exc.error == "revoked_token" else 401
            raise Refusal(status, exc.error, exc.message,
                          {"WWW-Authenticate": "Bearer"} if status == 401 else None) from None

    @app.exception_handler(Refusal)
    async def _refusal(_request: Request, exc: Refusal) -> JSONResponse:
        return _answer(exc.status, exc.error, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where, never what: the input may hold a code or a commune's records.
        where = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
        return _answer(422, "invalid_request",
                       "Yêu cầu không đúng định dạng (" + ", ".join(where[:10]) + ").")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not even JSON text
            return _answer(400, "invalid_request", "Yêu cầu không đúng định dạng.")
        message = {404: "Không có địa chỉ này trên máy chủ tỉnh.",
                   405: "Địa chỉ này không nhận kiểu yêu cầu đó."}.get(
            exc.status_code, "Yêu cầu không thực hiện được.")
        return _answer(exc.status_code, "http_error", message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error: %s", type(exc).__name__, exc_info=exc)
        return _answer(500, "internal_error", "Máy chủ tỉnh gặp lỗi không mong đợi; dữ liệu "
                       "trên máy vẫn an toàn. Hãy thử lại sau.")

    @app.get("/", response_class=HTMLResponse, summary="trang đầu của máy chủ tỉnh")
    def home() -> str:
        return HOME_PAGE.format(name=html.escape(SERVICE_NAME),
                                version=html.escape(__version__))

    @app.get("/health", response_model=wire.Health,
             responses={503: {"model": wire.Health, "description": "CSDL không truy cập được"}},
             summary="máy chủ và cơ sở dữ liệu có hoạt động không")
    def health() -> JSONResponse:
        reachable = database.reachable()
        body = wire.Health(status="ok" if reachable else "unavailable", database=reachable)
        return JSONResponse(body.model_dump(), status_code=200 if reachable else 503)

    @app.post(f"{wire.API_PREFIX}/enrol", response_model=wire.EnrolAnswer,
              responses={k: v for k, v in REFUSALS.items() if k != 401},
              summary="đăng ký một máy bằng mã dùng một lần của tỉnh")
    def enrol(body: wire.EnrolRequest) -> wire.EnrolAnswer:
        check_protocol(body.protocol)
        try:
            # Committed before the answer is sent: a token is never answered for a
            # device the hub did not store.
            with database.transaction() as session:
                return enrolment.enrol(session, body)
        except enrolment.DeviceConflict as exc:
            raise Refusal(409, exc.error, exc.message) from None
        except IntegrityError:  # the same new device enrolled at the same instant twice
            raise Refusal(409, "device_enrolled", enrolment.ENROLLED_ALREADY) from None
        except enrolment.EnrolmentRefused as exc:
            raise Refusal(400 if exc.error == "malformed_code" else 403,
                          exc.error, exc.message) from None

    @app.get(f"{wire.API_PREFIX}/whoami", response_model=wire.WhoAmI, responses=REFUSALS,
             summary="máy nào của xã nào đang gọi (mã xác thực của máy)")
    def whoami(
        who: Annotated[enrolment.DeviceIdentity, Depends(device)],
    ) -> wire.WhoAmI:
        return wire.WhoAmI(device_id=str(who.device_id), commune_code=who.commune_code,
                           commune_name=who.commune_name)

    @app.post(f"{wire.API_PREFIX}/push", response_model=wire.PushAnswer,
              responses={**REFUSALS, 413: {"model": wire.ErrorAnswer,
                                           "description": "đợt gửi quá lớn"}},
              summary="gửi một đợt thay đổi của máy (mỗi mục được áp dụng một lần)")
    def push_batch(
        body: wire.PushRequest,
        who: Annotated[enrolment.DeviceIdentity, Depends(device)],
    ) -> wire.PushAnswer:
        try:
            return push.receive(database, replicas, who, body)
        except push.PushRefused as exc:
            raise Refusal(exc.status, exc.error, exc.message) from None

    @app.get(f"{wire.API_PREFIX}/pull", response_model=wire.PullAnswer, responses=REFUSALS,
             summary="các thay đổi của xã do máy khác ghi, sau vị trí đã nhận")
    def pull_entries(
        who: Annotated[enrolment.DeviceIdentity, Depends(device)],
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=wire.MAX_PULL_ENTRIES)] = 500,
        catalogue: Annotated[str | None, Query(max_length=64,
                                               pattern="^[0-9a-f]*$")] = None,
        after_entry: Annotated[str | None, Query(max_length=36,
                                                 pattern="^[0-9a-f-]*$")] = None,
    ) -> wire.PullAnswer:
        try:
            return pull.entries_after(database, who, after, limit, replicas, catalogue,
                                      after_entry)
        except pull.HubBehind:
            raise Refusal(412, "hub_behind", pull.HUB_BEHIND) from None

    @app.get(f"{wire.API_PREFIX}/rebase", response_model=wire.RebaseAnswer,
             responses=REFUSALS,
             summary="các thay đổi của chính máy này mà tỉnh giữ, từ một thế hệ đồng bộ")
    def rebase_entries(
        who: Annotated[enrolment.DeviceIdentity, Depends(device)],
        generation: Annotated[int, Query(ge=0, le=2**62)] = 0,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=wire.MAX_PULL_ENTRIES)] = 500,
    ) -> wire.RebaseAnswer:
        return rebase.own_entries(database, who, generation, after, limit)

    return app


HOME_PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{name}</title></head>
<body>
<h1>{name}</h1>
<p>Máy chủ nhận dữ liệu đồng bộ từ các xã, phường (CĐS Xã, phiên bản {version}).</p>
<p>Trang đăng nhập của tỉnh sẽ có ở đây. Các máy của xã đồng bộ qua địa chỉ này.</p>
</body>
</html>
"""
