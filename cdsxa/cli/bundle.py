"""`cdsxa bundle export --out FILE` and `cdsxa bundle import-receipt FILE`: sync with the
province by files carried on a USB stick, for a PC that never reaches the network
(cdsxa.sync.bundle)."""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cdsxa.common.formatting import thousands

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_commands(sub: "SubParsers", common: argparse.ArgumentParser) -> None:
    bundle = sub.add_parser("bundle", parents=[common],
                            help="đồng bộ bằng tệp khi máy không có mạng: xuất tệp đồng bộ, "
                                 "nhập biên nhận của tỉnh")
    actions = bundle.add_subparsers(dest="action", metavar="VIỆC", required=True)
    export = actions.add_parser("export", parents=[common],
                                help="ghi mọi thay đổi chờ gửi vào một tệp đồng bộ (đã mã hóa) "
                                     "để mang đến tỉnh")
    export.add_argument("--out", type=Path, required=True, metavar="TỆP",
                        help="tệp đồng bộ sẽ ghi")
    export.set_defaults(handler=_cmd_export)
    receipt = actions.add_parser("import-receipt", parents=[common],
                                 help="nhập biên nhận của tỉnh: đánh dấu các thay đổi tỉnh đã "
                                      "nhận")
    receipt.add_argument("file", type=Path, metavar="BIÊN_NHẬN",
                         help="biên nhận tỉnh ghi khi nhập tệp đồng bộ (cdsxa-hub "
                              "import-bundle)")
    receipt.set_defaults(handler=_cmd_import_receipt)


def _cmd_export(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync import bundle

    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        done = bundle.export(db, data_dir, args.out)
    finally:
        db.close()
    if done.path is None:
        print("Không có thay đổi nào chờ gửi; không ghi tệp đồng bộ.")
        return 0
    events = f" và {thousands(done.events)} sự kiện nhật ký" if done.events else ""
    print(f"Đã ghi {thousands(done.entries)} thay đổi{events} vào tệp đồng bộ {done.path} "
          f"({thousands(done.size)} byte, mã tệp {done.bundle_id}), đã mã hóa cho máy chủ "
          "tỉnh. Hãy mang tệp đến tỉnh; khi có biên nhận, chạy “cdsxa bundle import-receipt "
          "BIÊN_NHẬN”.")
    if done.enrolling:
        print("Tệp này cũng đăng ký máy với tỉnh (bằng tệp đăng ký đã nhập).")
    if done.left:
        print(f"Còn {thousands(done.left)} thay đổi chưa vừa tệp này: sau khi nhập biên nhận, "
              "hãy xuất thêm một tệp.")
    return 0


def _cmd_import_receipt(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync import bundle

    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        done = bundle.import_receipt(db, data_dir, args.file)
    finally:
        db.close()
    print(f"Đã nhập biên nhận của tệp đồng bộ {done.bundle_id}: "
          f"{thousands(done.acknowledged)} thay đổi được đánh dấu là tỉnh đã nhận. Còn chờ "
          f"gửi: {thousands(done.pending)}.")
    for message in done.refused:
        print(f"Máy chủ tỉnh không nhận một thay đổi: {message}", file=sys.stderr)
    return 0
