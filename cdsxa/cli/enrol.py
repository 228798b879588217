"""`cdsxa enrol --hub URL --code CODE`: enrol this PC with the province hub, once; or
`cdsxa enrol --file FILE`, with the province's enrol file, for a PC without a network."""

import argparse
from pathlib import Path

from cdsxa.common.errors import UserError


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 common: argparse.ArgumentParser) -> None:
    enrol = sub.add_parser("enrol", parents=[common],
                           help="đăng ký máy này với máy chủ tỉnh bằng mã dùng một lần "
                                "(hoặc bằng tệp đăng ký, khi không có mạng)")
    enrol.add_argument("--hub", metavar="ĐỊA_CHỈ",
                       help="địa chỉ máy chủ tỉnh, ví dụ https://cdsxa.thanhhoa.gov.vn")
    enrol.add_argument("--code", metavar="MÃ",
                       help="mã đăng ký tỉnh cấp, ví dụ 14797-ABCD-EFGH-JKMN-PQRS")
    enrol.add_argument("--file", type=Path, metavar="TỆP",
                       help="tệp đăng ký tỉnh cấp (cdsxa-hub enrol-file), thay cho --hub và "
                            "--code khi máy không có mạng")
    enrol.add_argument("--pin", metavar="DẤU_VÂN_TAY",
                       help="dấu vân tay SHA-256 của chứng chỉ máy chủ tỉnh (tỉnh báo qua kênh "
                            "khác): máy chỉ tin đúng chứng chỉ đó")
    enrol.set_defaults(handler=_cmd_enrol)


def _cmd_enrol(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync import enrolment
    from cdsxa.sync.hub_client import checked_url, fingerprint

    if args.file is not None:
        if args.hub or args.code:
            raise UserError("Hãy đăng ký bằng tệp (--file) hoặc bằng mã (--hub và --code), "
                            "không dùng cả hai.")
        return _enrol_by_file(args.file, data_dir)
    if not args.hub or not args.code:
        raise UserError("Hãy cho địa chỉ máy chủ tỉnh và mã đăng ký (--hub ĐỊA_CHỈ --code MÃ), "
                        "hoặc tệp đăng ký của tỉnh (--file TỆP).")
    checked_url(args.hub)  # a plain-HTTP address is refused before the profile is opened
    if args.pin:
        fingerprint(args.pin)  # so is a fingerprint that is not one
    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        done = enrolment.enrol(db, data_dir, args.hub, args.code, pin=args.pin)
    finally:
        db.close()
    where = ("kho khóa của hệ điều hành" if done.in_keyring
             else "tệp khóa, được mã hóa bằng khóa dữ liệu")
    print(f"Đã đăng ký máy này ({done.device_id}) với máy chủ tỉnh {done.hub_url} cho "
          f"{done.commune_name}. Mã xác thực của máy được giữ trong {where}.")
    return 0


def _enrol_by_file(path: Path, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync import bundle

    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        done = bundle.enrol_by_file(db, data_dir, path)
    finally:
        db.close()
    where = ("kho khóa của hệ điều hành" if done.in_keyring
             else "tệp khóa, được mã hóa bằng khóa dữ liệu")
    print(f"Đã đăng ký máy này ({done.device_id}) với máy chủ tỉnh cho {done.commune_name} "
          f"bằng tệp đăng ký. Khóa ký của máy được giữ trong {where}.")
    print(f"Dấu khóa của máy chủ tỉnh: {done.fingerprint} (hãy đối chiếu với dấu tỉnh báo).")
    print("Tỉnh ghi nhận máy này khi nhập tệp đồng bộ đầu tiên: hãy xuất tệp (cdsxa bundle "
          "export --out TỆP) và mang đến tỉnh.")
    return 0
