"""`cdsxa-hub enrol-file` and `cdsxa-hub import-bundle`: sync with a PC that never
reaches the network, by files carried on a USB stick (cdsxa.hub.bundles)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cdsxa.common.errors import UserError

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_commands(sub: SubParsers, common_options: argparse.ArgumentParser) -> None:
    enrol = sub.add_parser("enrol-file", parents=[common_options],
                           help="ghi tệp đăng ký dùng một lần cho một máy của xã không có "
                                "mạng")
    enrol.add_argument("--commune", type=int, required=True, metavar="MÃ_XÃ",
                       help="mã xã/phường (danh mục 2025), ví dụ 14797")
    enrol.add_argument("--out", type=Path, required=True, metavar="TỆP",
                       help="tệp đăng ký sẽ ghi (mang đến máy xã; giữ như một mã đăng ký)")
    enrol.add_argument("--days", type=int, default=7, metavar="SỐ_NGÀY",
                       help="tệp hết hạn sau số ngày này (mặc định: 7)")
    enrol.set_defaults(handler=_cmd_enrol_file)

    bundle = sub.add_parser("import-bundle", parents=[common_options],
                            help="nhập tệp đồng bộ của một máy xã và ghi biên nhận")
    bundle.add_argument("file", type=Path, metavar="TỆP_ĐỒNG_BỘ",
                        help="tệp đồng bộ máy xã đã xuất (cdsxa bundle export)")
    bundle.add_argument("--out", type=Path, required=True, metavar="BIÊN_NHẬN",
                        help="biên nhận sẽ ghi (mang về máy xã)")
    bundle.set_defaults(handler=_cmd_import_bundle)


def _cmd_enrol_file(args: argparse.Namespace) -> int:
    from cdsxa.hub import bundles
    from cdsxa.hub import cli as hub_cli
    from cdsxa.sync import bundle_files

    database = hub_cli._migrated(hub_cli._url(args))
    written = False
    try:
        with database.transaction() as session:
            issued = bundles.enrol_file(session, args.commune, args.days)
            # Written before the code is committed: a file that could not be written
            # leaves no code behind, and a code that could not be kept no file.
            bundle_files.write_private(args.out, issued.data)
            written = True
    except BaseException:
        if written:
            args.out.unlink(missing_ok=True)
        raise
    finally:
        database.close()
    until = issued.expires_at.strftime("%d/%m/%Y %H:%M UTC")
    print(f"Đã ghi tệp đăng ký dùng một lần cho {issued.commune} ({args.commune}) vào "
          f"{args.out}, hết hạn {until}. Hãy mang tệp đến máy xã (cdsxa enrol --file TỆP) và "
          "giữ như một mã đăng ký.")
    print(f"Dấu khóa của máy chủ tỉnh cho xã: {issued.fingerprint} (máy xã hiện dấu này "
          "khi đăng ký: hãy đối chiếu).")
    return 0


def _cmd_import_bundle(args: argparse.Namespace) -> int:
    from cdsxa.common.formatting import thousands
    from cdsxa.hub import bundles
    from cdsxa.hub import cli as hub_cli
    from cdsxa.hub.replica import Replicas
    from cdsxa.sync import bundle_files

    folder = args.out.parent if str(args.out.parent) else Path(".")
    if not folder.is_dir():  # before the bundle is applied, not after
        raise UserError(f"Không có thư mục {folder} để ghi biên nhận; chưa nhập gì. Hãy chọn "
                        "nơi ghi khác (--out).")
    url = hub_cli._url(args)
    database = hub_cli._migrated(url)
    replicas = Replicas(url, database.engine)
    try:
        imported = bundles.import_bundle(database, replicas, args.file)
        bundle_files.write_private(args.out, imported.receipt)
    finally:
        replicas.close()
        database.close()
    header = imported.header
    if imported.enrolled:
        print(f"Đã đăng ký máy {header.device_id} của {imported.commune_name} bằng tệp đăng "
              "ký trong tệp đồng bộ.")
    print(f"Đã nhập tệp đồng bộ {header.bundle_id} của máy {header.device_id} "
          f"({imported.commune_name}): tỉnh giữ {thousands(imported.held)} thay đổi; nhật ký "
          f"của xã thêm {thousands(imported.relayed)} mục; "
          f"{thousands(len(imported.refused))} thay đổi bị từ chối.")
    print(f"Đã ghi biên nhận vào {args.out}: hãy mang về máy xã và chạy “cdsxa bundle "
          "import-receipt TỆP”.")
    return 0
