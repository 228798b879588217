"""`cdsxa enrol --hub URL --code CODE`: enrol this PC with the province hub, once."""

import argparse
from pathlib import Path


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 common: argparse.ArgumentParser) -> None:
    enrol = sub.add_parser("enrol", parents=[common],
                           help="đăng ký máy này với máy chủ tỉnh bằng mã dùng một lần")
    enrol.add_argument("--hub", required=True, metavar="ĐỊA_CHỈ",
                       help="địa chỉ máy chủ tỉnh, ví dụ https://cdsxa.thanhhoa.gov.vn")
    enrol.add_argument("--code", required=True, metavar="MÃ",
                       help="mã đăng ký tỉnh cấp, ví dụ 14797-ABCD-EFGH-JKMN-PQRS")
    enrol.set_defaults(handler=_cmd_enrol)


def _cmd_enrol(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync import enrolment
    from cdsxa.sync.hub_client import checked_url

    checked_url(args.hub)  # a plain-HTTP address is refused before the profile is opened
    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        done = enrolment.enrol(db, data_dir, args.hub, args.code)
    finally:
        db.close()
    where = ("kho khóa của hệ điều hành" if done.in_keyring
             else "tệp khóa, được mã hóa bằng khóa dữ liệu")
    print(f"Đã đăng ký máy này ({done.device_id}) với máy chủ tỉnh {done.hub_url} cho "
          f"{done.commune_name}. Mã xác thực của máy được giữ trong {where}.")
    return 0
