"""`cdsxa export LIST --out FILE.xlsx`: the app's lists as the GUI exports them.

The same export services as the pages (cdsxa.excel.export, cdsxa.excel.list_exports):
the same masking, the same reason for personal data, the same audit entry. The
command line acts as whoever holds the data key (cdsxa.security.access.command_line).
"""

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cdsxa.cli.dates import DATE_METAVAR, date_option
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.common.ids import VillageId

if TYPE_CHECKING:  # the parser is built for every command, the GUI's too: import little
    from sqlalchemy.orm import Session

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
Export = Callable[["Session", argparse.Namespace, Path], int]


def add_commands(sub: "SubParsers", common: argparse.ArgumentParser) -> None:
    exporter = sub.add_parser("export", parents=[common],
                              help="xuất một danh sách ra tệp Excel (.xlsx)")
    lists = exporter.add_subparsers(dest="list", metavar="DANH_SÁCH", required=True)

    people = _list(lists, common, "people", "người dân, theo thôn/bản và hộ",
                   _people, "người")
    _village(people)
    people.add_argument("--search", metavar="CHỮ", default="",
                        help="chỉ những người tìm thấy như ô tìm kiếm của trang Người dân "
                             "(tên, số định danh, số điện thoại, mã hộ)")
    _personal(people, "kèm số định danh, số điện thoại, ngày sinh và ghi chú")

    recent = _list(lists, common, "sessions", "các lượt hỗ trợ gần đây, mới nhất trước",
                   _sessions, "lượt")
    _village(recent)
    recent.add_argument("--limit", type=int, default=None, metavar="SỐ",
                        help="số lượt (mặc định: 200, như trang Hỗ trợ)")

    members = _list(lists, common, "members", "thành viên các Tổ công nghệ số cộng đồng",
                    _members, "thành viên")
    _personal(members, "kèm số điện thoại đầy đủ (mặc định: đã che, 090•••••67)")

    worklist = _list(lists, common, "vneid-worklist",
                     "danh sách việc VNeID (số điện thoại đã che)", _worklist, "người")
    worklist.add_argument("--list", dest="worklist", choices=["pending", "no-account"],
                          default="pending",
                          help="pending: chờ kích hoạt (mặc định); "
                               "no-account: chưa có tài khoản, từ 14 tuổi")
    _village(worklist)

    log = _list(lists, common, "audit", "nhật ký hoạt động (số định danh, số điện thoại "
                "đã che)", _audit, "dòng")
    log.add_argument("--since", type=date_option, metavar=DATE_METAVAR,
                     help="từ ngày (dd/mm/yyyy hoặc YYYY-MM-DD)")
    log.add_argument("--until", type=date_option, metavar=DATE_METAVAR,
                     help="đến hết ngày (dd/mm/yyyy hoặc YYYY-MM-DD)")


def _list(lists: "SubParsers", common: argparse.ArgumentParser, name: str, help_text: str,
          export: Export, unit: str) -> argparse.ArgumentParser:
    parser = lists.add_parser(
        name, parents=[common], help=help_text, description=f"Xuất {help_text}.")
    parser.add_argument("--out", type=Path, required=True, metavar="TỆP.xlsx",
                        help="tệp Excel sẽ ghi (không được nằm trong thư mục dữ liệu)")
    parser.set_defaults(handler=lambda args, data_dir: run(args, data_dir, export, unit))
    return parser


def _village(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--village", metavar="TÊN", help="chỉ một thôn/bản (mặc định: cả xã)")


def _personal(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--personal-data", action="store_true",
                        help=f"{what}; cần quyền xuất dữ liệu cá nhân và --reason")
    parser.add_argument("--reason", metavar="LÝ_DO",
                        help="lý do xuất dữ liệu cá nhân, ghi vào nhật ký hoạt động")


def run(args: argparse.Namespace, data_dir: Path, export: Export, unit: str) -> int:
    out = _xlsx(args.out)
    if getattr(args, "reason", None) and not getattr(args, "personal_data", False):
        raise UserError("--reason chỉ dùng cùng --personal-data.")
    from cdsxa.profile import storage
    from cdsxa.security.access import command_line
    from cdsxa.security.keys import terminal_prompt

    db = storage.open_profile(data_dir, terminal_prompt)
    try:
        with db.transaction(command_line()) as session:  # the export's audit entry commits
            count = export(session, args, out)
    finally:
        db.close()
    print(f"Đã xuất {thousands(count)} {unit} ra {out}.")
    return 0


def _xlsx(path: Path) -> Path:
    path = path.expanduser()
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _village_id(session: "Session", name: str | None) -> VillageId | None:
    from cdsxa.register import villages

    if not name:
        return None
    found = villages.find_by_name(session, name)
    if found is None:
        known = ", ".join(v.name for v in villages.list_all(session))
        raise UserError(f"Không có thôn/bản “{name}” (các thôn/bản của xã: {known}).")
    return found


def _people(session: "Session", args: argparse.Namespace, out: Path) -> int:
    from cdsxa.excel import export

    return export.export_people(session, out, _village_id(session, args.village),
                                include_personal=args.personal_data, reason=args.reason,
                                query=args.search)


def _sessions(session: "Session", args: argparse.Namespace, out: Path) -> int:
    from cdsxa.excel import list_exports

    limit = args.limit if args.limit is not None else list_exports.RECENT_SESSIONS
    if limit < 1:
        raise UserError("--limit cần một số lớn hơn 0.")
    return list_exports.export_sessions(session, out, _village_id(session, args.village), limit)


def _members(session: "Session", args: argparse.Namespace, out: Path) -> int:
    from cdsxa.excel import list_exports

    return list_exports.export_members(session, out, include_personal=args.personal_data,
                                       reason=args.reason)


def _worklist(session: "Session", args: argparse.Namespace, out: Path) -> int:
    from cdsxa.excel import list_exports

    return list_exports.export_worklist(session, out, args.worklist,
                                        village_id=_village_id(session, args.village))


def _audit(session: "Session", args: argparse.Namespace, out: Path) -> int:
    from cdsxa.excel import list_exports

    if args.since and args.until and args.since > args.until:
        raise UserError("--since phải trước hoặc bằng --until.")
    period = list_exports.Period(args.since, args.until)
    return list_exports.export_audit(session, out, period.audit_filter())
