"""The `cdsxa` command: the GUI by default, and headless commands for setup and support."""

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from cdsxa import __version__, paths
from cdsxa.errors import UserError

log = logging.getLogger(__name__)

EXIT_USER_ERROR = 1
EXIT_CHECK_FAILED = 3
EXIT_INTERNAL = 70


def cli_actor() -> str:
    """Command-line changes are signed by the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "cli"


def _data_dir_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help=f"thư mục dữ liệu (mặc định: ${paths.DATA_DIR_ENV} hoặc thư mục người dùng)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cdsxa", description="CĐS Xã: chuyển đổi số cấp xã.")
    parser.add_argument("--version", action="version", version=f"CĐS Xã {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="mở giao diện, hiện mọi trang một lần rồi thoát (dùng cho kiểm thử)")
    _data_dir_option(parser, None)
    # Subcommands also accept --data-dir after their name; SUPPRESS keeps the global one.
    common = argparse.ArgumentParser(add_help=False)
    _data_dir_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")

    init = sub.add_parser("init", parents=[common], help="khởi tạo hồ sơ xã không cần màn hình")
    init.add_argument("--province", type=int, required=True, help="mã tỉnh (Thanh Hóa: 38)")
    init.add_argument("--commune", type=int, required=True, help="mã xã/phường (danh mục 2025)")
    init.add_argument("--village", action="append", default=[], metavar="TÊN",
                      help="tên thôn/bản/tổ dân phố (lặp lại cho nhiều thôn)")
    init.add_argument("--user", metavar="HỌ_TÊN", help="người sử dụng đầu tiên")
    init.add_argument("--position", metavar="CHỨC_VỤ", help="chức vụ của người sử dụng")
    init.set_defaults(handler=_cmd_init)

    check = sub.add_parser("check", parents=[common],
                           help="kiểm tra tính toàn vẹn và phiên bản lược đồ dữ liệu")
    check.set_defaults(handler=_cmd_check)

    demo = sub.add_parser("demo", parents=[common], help="tạo dữ liệu mẫu cho một xã miền núi")
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(handler=_cmd_demo)

    importer = sub.add_parser("import", parents=[common], help="nhập dữ liệu từ tệp Excel")
    import_kinds = importer.add_subparsers(dest="kind", metavar="LOẠI", required=True)
    people_import = import_kinds.add_parser("people", parents=[common],
                                            help="nhập hộ gia đình và người dân (.xlsx)")
    people_import.add_argument("file", type=Path, metavar="TỆP.xlsx")
    people_import.add_argument("--dry-run", action="store_true",
                               help="chỉ xem trước, không nhập gì")
    people_import.add_argument("--sheet", metavar="TRANG", help="tên trang tính (mặc định: trang đầu)")
    people_import.set_defaults(handler=_cmd_import_people)

    indicators = sub.add_parser("indicators", parents=[common], help="các chỉ tiêu của xã")
    indicators.add_argument("--date", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                            help="ngày tính (mặc định: hôm nay)")
    indicators.add_argument("--village", metavar="TÊN", help="chỉ tính cho một thôn/bản")
    indicators.add_argument("--denominators", choices=["register", "profile"],
                            default="register",
                            help="mẫu số: sổ dân cư (mặc định) hoặc số liệu dân số của hồ sơ")
    indicators.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    indicators.set_defaults(handler=_cmd_indicators)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text} (cần YYYY-MM-DD)") from None


def _cmd_import_people(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.excel import people_import

    return people_import.run_cli(args.file, data_dir, dry_run=args.dry_run, sheet=args.sheet,
                                 actor=cli_actor())


def _cmd_indicators(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa import indicators

    return indicators.run_cli(data_dir, on=args.date or date.today(), village=args.village,
                              denominators=args.denominators, as_json=args.json)


def _cmd_init(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa import admin_units
    from cdsxa.profile import FirstUser, ProfileSetup, initialise

    setup = ProfileSetup(
        province_code=args.province,
        commune_code=args.commune,
        village_names=args.village,
        user=FirstUser(args.user, args.position) if args.user else None,
    )
    initialise(data_dir, setup, cli_actor()).close()
    commune = admin_units.commune(args.province, args.commune)
    print(f"Đã khởi tạo hồ sơ {commune.name} ({len(args.village)} thôn/bản) tại {data_dir}")
    return 0


def _cmd_check(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.db import migrate
    from cdsxa.db.engine import Database

    db_file = paths.database_path(data_dir)
    if not db_file.exists():
        raise UserError(f"Không có dữ liệu tại {data_dir}.")
    # Look without migrating: `check` must report the file as it is.
    db = Database(db_file)
    try:
        report = migrate.check(db.engine)
    finally:
        db.close()
    print("Toàn vẹn dữ liệu: " + ("tốt" if report.integrity_ok else "LỖI"))
    for line in [] if report.integrity_ok else report.integrity[:20]:
        print(f"  {line}")
    state = "mới nhất" if report.at_head else f"cần nâng cấp lên {report.head}"
    print(f"Phiên bản lược đồ: {report.revision or 'chưa có'} ({state})")
    return 0 if report.ok else EXIT_CHECK_FAILED


def _cmd_demo(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa import demo
    from cdsxa.formatting import thousands

    summary = demo.create(data_dir, args.size, args.seed, actor=cli_actor())
    print(f"Đã tạo dữ liệu mẫu: {summary.villages} thôn/bản, "
          f"{thousands(summary.households)} hộ, {thousands(summary.people)} người, "
          f"{thousands(summary.members)} thành viên Tổ CNSCĐ, "
          f"{thousands(summary.sessions)} lượt hỗ trợ.")
    return 0


def _configure_logging(data_dir: Path | None) -> None:
    handlers: list[logging.Handler] = []
    if data_dir is not None and data_dir.is_dir():
        handlers.append(logging.FileHandler(paths.log_path(data_dir), encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, handlers=handlers or [logging.NullHandler()],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _run_gui(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.ui.app import run

    return run(data_dir, self_test=args.self_test)


def _utf8_console() -> None:
    # A Windows console or pipe may default to a legacy code page that cannot
    # print Vietnamese; never let output itself crash a command.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_console()
    args = build_parser().parse_args(argv)
    data_dir = paths.resolve_data_dir(args.data_dir)
    _configure_logging(data_dir)
    handler: Callable[[argparse.Namespace, Path], int] = getattr(args, "handler", _run_gui)
    try:
        return handler(args, data_dir)
    except UserError as exc:
        print(f"cdsxa: {exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("cdsxa: đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one line, details in the log
        log.exception("unexpected error")
        where = paths.log_path(data_dir)
        print(f"cdsxa: lỗi không mong đợi ({type(exc).__name__}: {exc}). Chi tiết: {where}",
              file=sys.stderr)
        if os.environ.get("CDSXA_DEBUG"):
            raise
        return EXIT_INTERNAL
