"""The `cdsxa-hub` command: serve, migrate, create-admin, enrol-code, revoke, indicators.

With no options the hub keeps an embedded SQLite file in its data folder and listens
on loopback, so a province can try it on a laptop; `--database postgresql://…` is what a
province runs, behind an HTTPS proxy (docs/hub.md).
"""

import argparse
import logging
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError

import cdsxa.cli.argparse_vi as argparse_vi  # Vietnamese argparse, as `cdsxa` speaks
import cdsxa.cli.prompts as prompts
from cdsxa import __version__
from cdsxa.common.errors import UserError
from cdsxa.hub import database as hub_database
from cdsxa.hub import migrate

log = logging.getLogger(__name__)

DATA_DIR_ENV = "CDSXA_HUB_DATA_DIR"
DATABASE_ENV = "CDSXA_HUB_DATABASE"  # keeps a password out of the process list
ADMIN_PASSWORD_ENV = "CDSXA_HUB_ADMIN_PASSWORD"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
EXIT_USER_ERROR = 1
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get(DATA_DIR_ENV) or user_data_dir("cdsxa-hub", appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    argparse_vi.install()
    parser = argparse.ArgumentParser(prog="cdsxa-hub",
                                     description="Máy chủ tỉnh của CĐS Xã: nhận dữ liệu đồng "
                                                 "bộ của các xã.")
    parser.add_argument("--version", action="version", version=f"cdsxa-hub {__version__}",
                        help=argparse_vi.VERSION_HELP)
    storage = argparse.ArgumentParser(add_help=False)
    storage.add_argument("--data-dir", type=Path, metavar="THƯ_MỤC", default=None,
                         help=f"thư mục dữ liệu của máy chủ (mặc định: ${DATA_DIR_ENV} hoặc "
                              "thư mục người dùng)")
    storage.add_argument("--database", metavar="ĐỊA_CHỈ", default=None,
                         help="cơ sở dữ liệu: postgresql://người_dùng@máy/tên_csdl (mặc định: "
                              f"${DATABASE_ENV}, hoặc tệp SQLite trong thư mục dữ liệu)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", required=True)

    serve = sub.add_parser("serve", parents=[storage],
                           help="chạy máy chủ (nâng cấp lược đồ trước khi chạy)")
    serve.add_argument("--host", default=DEFAULT_HOST, metavar="ĐỊA_CHỈ",
                       help=f"địa chỉ lắng nghe (mặc định: {DEFAULT_HOST}, chỉ máy này)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="CỔNG",
                       help=f"cổng lắng nghe (mặc định: {DEFAULT_PORT})")
    serve.set_defaults(handler=_cmd_serve)

    upgrade = sub.add_parser("migrate", parents=[storage],
                             help="tạo hoặc nâng cấp lược đồ cơ sở dữ liệu")
    upgrade.set_defaults(handler=_cmd_migrate)

    admin = sub.add_parser("create-admin", parents=[storage],
                           help="tạo tài khoản quản trị của tỉnh (mật khẩu lấy từ "
                                f"${ADMIN_PASSWORD_ENV} hoặc hỏi)")
    admin.add_argument("--username", required=True, metavar="TÊN_ĐĂNG_NHẬP",
                       help="tên đăng nhập")
    admin.set_defaults(handler=_cmd_create_admin)

    code = sub.add_parser("enrol-code", parents=[storage],
                          help="cấp mã đăng ký dùng một lần cho một máy của xã")
    code.add_argument("--commune", type=int, required=True, metavar="MÃ_XÃ",
                      help="mã xã/phường (danh mục 2025), ví dụ 14797")
    code.add_argument("--days", type=int, default=7, metavar="SỐ_NGÀY",
                      help="mã hết hạn sau số ngày này (mặc định: 7)")
    code.set_defaults(handler=_cmd_enrol_code)

    revoke = sub.add_parser("revoke", parents=[storage],
                            help="thu hồi quyền đồng bộ của một máy")
    revoke.add_argument("--device", type=_device_id, required=True, metavar="MÃ_MÁY",
                        help="mã máy (UUID) đã đăng ký")
    revoke.set_defaults(handler=_cmd_revoke)

    from cdsxa.hub import cli_indicators
    cli_indicators.add_commands(sub, storage, _url)
    from cdsxa.hub import cli_bundle
    cli_bundle.add_commands(sub, storage)
    return parser


def _device_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải mã máy (UUID): {text!r}") from None


def _url(args: argparse.Namespace) -> str:
    data_dir = args.data_dir or default_data_dir()
    return hub_database.database_url(args.database or os.environ.get(DATABASE_ENV), data_dir)


def _migrated(url: str) -> hub_database.HubDatabase:
    database = hub_database.HubDatabase(url)
    try:
        migrate.upgrade(database.engine)
    except BaseException:
        database.close()
        raise
    return database


def _cmd_migrate(args: argparse.Namespace) -> int:
    database = hub_database.HubDatabase(_url(args))
    try:
        changed = migrate.upgrade(database.engine)
        head = migrate.head_revision()
    finally:
        database.close()
    print(f"Đã nâng cấp lược đồ lên phiên bản {head}." if changed
          else f"Lược đồ đã ở phiên bản mới nhất ({head}); không có gì thay đổi.")
    return 0


def _cmd_enrol_code(args: argparse.Namespace) -> int:
    from cdsxa.hub import enrolment

    database = _migrated(_url(args))
    try:
        with database.transaction() as session:
            issued = enrolment.issue_code(session, args.commune, args.days)
    finally:
        database.close()
    until = issued.expires_at.strftime("%d/%m/%Y %H:%M UTC")
    # The code is the last word: scripts take it with `awk '{print $NF}'`.
    print(f"Mã đăng ký dùng một lần cho {issued.commune} ({args.commune}), hết hạn "
          f"{until}: {issued.code}")
    return 0


def _cmd_create_admin(args: argparse.Namespace) -> int:
    from cdsxa.hub import enrolment

    password = prompts.new_admin_password(ADMIN_PASSWORD_ENV)
    database = _migrated(_url(args))
    try:
        with database.transaction() as session:
            admin = enrolment.create_admin(session, args.username, password)
    finally:
        database.close()
    print(f"Đã tạo tài khoản quản trị “{admin.username}”.")
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    from cdsxa.hub import enrolment

    database = _migrated(_url(args))
    try:
        with database.transaction() as session:
            devices = enrolment.revoke(session, args.device)
            communes = ", ".join(str(d.commune_code) for d in devices)
    finally:
        database.close()
    print(f"Đã thu hồi quyền đồng bộ của máy {args.device} (xã {communes}).")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cdsxa.hub.app import create_app

    url = _url(args)
    _migrated(url).close()
    if args.host not in LOOPBACK_HOSTS:
        print("cdsxa-hub: máy chủ nhận kết nối từ mạng; hãy đặt sau một máy chủ HTTPS "
              "(các máy của xã chỉ nối bằng https://).", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Máy chủ tỉnh chạy tại http://{shown}:{args.port} (Ctrl+C để dừng).", flush=True)
    uvicorn.run(create_app(url), host=args.host, port=args.port, log_level="info",
                proxy_headers=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Vietnamese on any console, never a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    # Warnings and errors only: a command's output is its own lines (serve logs through
    # uvicorn's configuration).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: "
                                                      "%(message)s")
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UserError as exc:
        print(f"cdsxa-hub: {exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OperationalError as exc:
        log.debug("database unreachable", exc_info=exc)
        print("cdsxa-hub: không kết nối được cơ sở dữ liệu "
              f"({type(exc.orig).__name__}). Hãy kiểm tra địa chỉ --database và máy chủ "
              "PostgreSQL.", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("cdsxa-hub: đã dừng.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
