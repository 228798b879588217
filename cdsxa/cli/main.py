"""The `cdsxa` command: the GUI by default, and headless commands for setup and support."""

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from cdsxa import __version__
from cdsxa.cli import argparse_vi, prompts
from cdsxa.cli.dates import DATE_METAVAR, date_option
from cdsxa.common import disk_space
from cdsxa.common.errors import UserError
from cdsxa.profile import logs, paths
from cdsxa.security.access import command_line

log = logging.getLogger(__name__)

EXIT_USER_ERROR = 1
EXIT_CHECK_FAILED = 3
EXIT_INTERNAL = 70
ADMIN_PASSWORD_ENV = "CDSXA_ADMIN_PASSWORD"


def _data_dir_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--data-dir", metavar="THƯ_MỤC", default=default,
                        help=f"thư mục dữ liệu (mặc định: ${paths.DATA_DIR_ENV} "
                             "hoặc thư mục người dùng)")


def build_parser() -> argparse.ArgumentParser:
    argparse_vi.install()
    parser = argparse.ArgumentParser(prog="cdsxa", description="CĐS Xã: chuyển đổi số cấp xã.")
    parser.add_argument("--version", action="version", version=f"CĐS Xã {__version__}",
                        help=argparse_vi.VERSION_HELP)
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
    init.add_argument("--admin", metavar="TÊN_ĐĂNG_NHẬP",
                      help="tạo tài khoản quản trị (mật khẩu lấy từ $CDSXA_ADMIN_PASSWORD "
                           "hoặc hỏi); không có thì lần mở giao diện đầu tiên sẽ hỏi")
    init.add_argument("--user", metavar="HỌ_TÊN", help="họ tên người quản trị")
    init.add_argument("--position", metavar="CHỨC_VỤ", help="chức vụ của người quản trị")
    init.set_defaults(handler=_cmd_init)

    check = sub.add_parser("check", parents=[common],
                           help="kiểm tra tính toàn vẹn và phiên bản lược đồ dữ liệu")
    check.set_defaults(handler=_cmd_check)

    demo = sub.add_parser("demo", parents=[common], help="tạo dữ liệu mẫu cho một xã miền núi")
    demo.add_argument("--size", choices=["small", "large"], default="small",
                      help="cỡ xã mẫu: small (nhỏ, mặc định) hoặc large (lớn)")
    demo.add_argument("--seed", type=int, default=2025, metavar="SỐ",
                      help="hạt giống ngẫu nhiên: cùng số thì cùng dữ liệu (mặc định: 2025)")
    demo.add_argument("--admin-password", metavar="MẬT_KHẨU",
                      default=os.environ.get("CDSXA_ADMIN_PASSWORD"),
                      help="hồ sơ mẫu mới có tài khoản quản trị “admin” với mật khẩu này "
                           "(mặc định: $CDSXA_ADMIN_PASSWORD)")

    encrypt = sub.add_parser("encrypt", parents=[common],
                             help="mã hóa dữ liệu của phiên bản cũ (chưa mã hóa)")
    encrypt.set_defaults(handler=_cmd_encrypt)
    demo.set_defaults(handler=_cmd_demo)

    importer = sub.add_parser("import", parents=[common], help="nhập dữ liệu từ tệp Excel")
    import_kinds = importer.add_subparsers(dest="kind", metavar="LOẠI", required=True)
    people_import = import_kinds.add_parser("people", parents=[common],
                                            help="nhập hộ gia đình và người dân (.xlsx)")
    people_import.add_argument("file", type=Path, metavar="TỆP.xlsx",
                               help="tệp Excel danh sách hộ và người dân")
    people_import.add_argument("--dry-run", action="store_true",
                               help="chỉ xem trước, không nhập gì")
    people_import.add_argument("--sheet", metavar="TRANG",
                               help="tên trang tính (mặc định: trang đầu)")
    people_import.add_argument("--survey-date", type=date_option, default=None,
                               metavar=DATE_METAVAR,
                               help="ngày khảo sát, dd/mm/yyyy hoặc YYYY-MM-DD: các kết quả "
                                    "trong tệp được tính từ ngày này (mặc định: hôm nay)")
    people_import.add_argument("--skip-bad-rows", type=Path, default=None, metavar="TỆP_LỖI.xlsx",
                               help="nhập các dòng đúng và lưu các dòng lỗi vào tệp này để sửa "
                                    "(mặc định: còn dòng lỗi thì không nhập gì)")
    people_import.set_defaults(handler=_cmd_import_people)

    indicators = sub.add_parser("indicators", parents=[common], help="các chỉ tiêu của xã")
    indicators.add_argument("--date", type=date_option, default=None, metavar=DATE_METAVAR,
                            help="ngày tính, dd/mm/yyyy hoặc YYYY-MM-DD (mặc định: hôm nay)")
    indicators.add_argument("--village", metavar="TÊN", help="chỉ tính cho một thôn/bản")
    indicators.add_argument("--denominators", choices=["register", "profile"],
                            default="register",
                            help="mẫu số: sổ dân cư (mặc định) hoặc số liệu dân số của hồ sơ")
    indicators.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    indicators.set_defaults(handler=_cmd_indicators)
    from cdsxa.cli.backup import add_commands as add_backup_commands
    add_backup_commands(sub, common)
    from cdsxa.cli.export import add_commands as add_export_commands
    add_export_commands(sub, common)
    from cdsxa.cli.enrol import add_commands as add_enrol_commands
    add_enrol_commands(sub, common)
    from cdsxa.cli.sync import add_commands as add_sync_commands
    add_sync_commands(sub, common)
    from cdsxa.cli.bundle import add_commands as add_bundle_commands
    add_bundle_commands(sub, common)
    return parser


def _cmd_import_people(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.cli import people_import

    return people_import.run_cli(args.file, data_dir, dry_run=args.dry_run, sheet=args.sheet,
                                 actor=command_line(), survey_date=args.survey_date,
                                 bad_rows_file=args.skip_bad_rows)


def _cmd_indicators(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.cli import indicators

    return indicators.run_cli(data_dir, on=args.date or date.today(), village=args.village,
                              denominators=args.denominators, as_json=args.json)


def _cmd_init(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.common import admin_units
    from cdsxa.commune.profile import FirstUser, ProfileSetup, initialise, validate_setup
    from cdsxa.security import keys

    if paths.database_path(data_dir).exists() or keys.has_key_file(data_dir):
        raise UserError(f"Thư mục {data_dir} đã có hồ sơ xã; không khởi tạo lại.")
    user = None
    if args.admin:
        password = prompts.new_admin_password(ADMIN_PASSWORD_ENV)
        user = FirstUser(args.user or args.admin, args.position, args.admin, password)
    elif args.user:
        user = FirstUser(args.user, args.position)
    setup = ProfileSetup(province_code=args.province, commune_code=args.commune,
                         village_names=args.village, user=user)
    problems = validate_setup(setup)
    if problems:  # before a key is made: a typo leaves nothing behind
        raise UserError(" ".join(problems))
    made = keys.create(data_dir)
    initialise(data_dir, setup, made.key, command_line()).close()
    commune = admin_units.commune(args.province, args.commune)
    print(f"Đã khởi tạo hồ sơ {commune.name} ({len(args.village)} thôn/bản) tại {data_dir}")
    _print_recovery_key(made.recovery_key, made.in_keyring)
    return 0


def _print_recovery_key(recovery_key: str, in_keyring: bool) -> None:
    where = ("kho khóa của hệ điều hành" if in_keyring
             else "mật khẩu dữ liệu (không có kho khóa trên máy này)")
    print(f"Khóa dữ liệu được giữ bằng {where}.")
    print("KHÓA KHÔI PHỤC (hãy in hoặc chép ra giấy và cất giữ cẩn thận; "
          "chỉ hiện một lần):")
    print(f"    {recovery_key}")


def _cmd_encrypt(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import encryption as encrypt_profile

    done = encrypt_profile.encrypt(data_dir)  # refused under an open window or command
    print(f"Đã mã hóa dữ liệu tại {data_dir}"
          + (f" và {done.backups_encrypted} bản sao lưu cũ." if done.backups_encrypted else "."))
    _print_recovery_key(done.recovery_key, done.in_keyring)
    return 0


def _cmd_check(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.db import migrate
    from cdsxa.db.engine import is_plain_sqlite
    from cdsxa.profile import storage
    from cdsxa.security import keys

    db_file = paths.database_path(data_dir)
    if not db_file.exists():
        raise UserError(f"Không có dữ liệu tại {data_dir}.")
    try:
        storage.refuse_empty(data_dir)
    except storage.EmptyDatabaseError as exc:  # SQLite would call it a fine empty database
        print("Toàn vẹn dữ liệu: LỖI (tệp dữ liệu trống)")
        print(f"cdsxa: {exc.message}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    if is_plain_sqlite(db_file):
        print("Mã hóa: CHƯA (dữ liệu của phiên bản cũ; chạy “cdsxa encrypt”)")
        key = None
    else:
        key = keys.find(data_dir, keys.terminal_prompt)
        print("Mã hóa: có")
    # Look without migrating: `check` must report the file as it is.
    db = storage.open_as_it_is(data_dir, key)
    try:
        report = migrate.check(db.engine)
    finally:
        db.close()
    if not report.integrity_ok and disk_space.low_on_space(data_dir):  # SQLite could not look
        print("Toàn vẹn dữ liệu: chưa kiểm tra được (ổ đĩa đầy)")
        full = disk_space.disk_full(data_dir, disk_space.database_size(db_file)
                                    + disk_space.SAVE_MARGIN, disk_space.NOT_OPENED)
        print(f"cdsxa: {full.message}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    print("Toàn vẹn dữ liệu: " + ("tốt" if report.integrity_ok else "LỖI"))
    for line in [] if report.integrity_ok else report.integrity[:20]:
        print(f"  {line}")
    state = "mới nhất" if report.at_head else f"cần nâng cấp lên {report.head}"
    print(f"Phiên bản lược đồ: {report.revision or 'chưa có'} ({state})")
    from cdsxa.profile.backup import backup_problem

    stopped = backup_problem(data_dir)
    print(stopped or "Sao lưu tự động: tốt")
    return 0 if report.ok and not stopped else EXIT_CHECK_FAILED


def _cmd_demo(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.common.formatting import thousands
    from cdsxa.demo import commune as demo

    summary = demo.create(data_dir, args.size, args.seed, command_line(),
                          admin_password=args.admin_password)
    print(f"Đã tạo dữ liệu mẫu: {summary.villages} thôn/bản, "
          f"{thousands(summary.households)} hộ, {thousands(summary.people)} người, "
          f"{thousands(summary.members)} thành viên Tổ CNSCĐ, "
          f"{thousands(summary.sessions)} lượt hỗ trợ.")
    return 0


def _configure_logging(data_dir: Path | None) -> None:
    logs.configure(paths.log_path(data_dir) if data_dir is not None and data_dir.is_dir()
                   else None)


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
    paths.private_umask()  # the data, its backups and logs are the user's alone
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
        full = disk_space.translated(exc, data_dir)  # not unexpected: what to free, in words
        if full is not None:
            print(f"cdsxa: {full.message}", file=sys.stderr)
            return EXIT_USER_ERROR
        log.exception("unexpected error")
        where = paths.log_path(data_dir)
        print(f"cdsxa: lỗi không mong đợi ({type(exc).__name__}: {exc}). Chi tiết: {where}",
              file=sys.stderr)
        if os.environ.get("CDSXA_DEBUG"):
            raise
        return EXIT_INTERNAL
