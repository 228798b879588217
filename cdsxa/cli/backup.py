"""`cdsxa backup` and `cdsxa restore`: the command line acts as whoever holds the key.

A restore takes the profile's lock (cdsxa.profile.lock) and is refused while a
window has the profile open; a backup only reads, and may run beside one.
"""

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.profile import paths

RECOVERY_KEY_ENV = "CDSXA_RECOVERY_KEY"


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 common: argparse.ArgumentParser) -> None:
    backup = sub.add_parser("backup", parents=[common], help="sao lưu dữ liệu (đã mã hóa)")
    backup.add_argument("--out", type=Path, metavar="TỆP",
                        help="tệp hoặc thư mục đích, ví dụ ổ USB "
                             "(mặc định: thư mục backups của hồ sơ)")
    backup.set_defaults(handler=_cmd_backup)

    restore = sub.add_parser("restore", parents=[common],
                             help="khôi phục dữ liệu từ một bản sao lưu "
                                  "(dữ liệu hiện tại được sao lưu trước)")
    restore.add_argument("file", type=Path, metavar="TỆP")
    restore.add_argument("--recovery-key", action="store_true",
                         help="bản sao lưu của hồ sơ hoặc máy khác: hỏi khóa khôi phục "
                              f"(hoặc lấy từ ${RECOVERY_KEY_ENV})")
    restore.add_argument("--other-commune", action="store_true",
                         help="chấp nhận thay dữ liệu của xã này bằng bản sao lưu của xã khác")
    restore.set_defaults(handler=_cmd_restore)


def _cmd_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import backup, storage
    from cdsxa.security import keys
    from cdsxa.security.access import command_line

    out: Path = args.out or paths.backup_dir(data_dir)
    if out.is_dir():
        out = out / backup.backup_name(datetime.now(), "manual")
    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        made = backup.make_backup(db, out, "manual", command_line())
    finally:
        db.close()
    print(f"Đã sao lưu vào {made.path} ({thousands(made.size)} byte, đã mã hóa).")
    return 0


def _cmd_restore(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import restore
    from cdsxa.profile import lock as profile_lock
    from cdsxa.security import keys
    from cdsxa.security.access import command_line

    # First of all: the file must not be swapped under an open window, whose later
    # saves would go to the replaced file and be lost.
    with profile_lock.hold(data_dir):
        # Never on the command line itself: it would stay in the shell's history.
        recovery = os.environ.get(RECOVERY_KEY_ENV) or (_ask_recovery_key()
                                                        if args.recovery_key else None)
        done = restore.restore(data_dir, args.file, command_line(), recovery_key=recovery,
                              prompt=keys.terminal_prompt, other_commune=args.other_commune)
    made = done.backup.created_at.astimezone().strftime("%d/%m/%Y %H:%M")
    print(f"Đã khôi phục dữ liệu từ bản sao lưu lúc {made} vào {data_dir}.")
    if done.previous is not None:
        print(f"Dữ liệu trước khi khôi phục được giữ tại {done.previous}.")
    return 0


def _ask_recovery_key() -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(f"Hãy đặt khóa khôi phục trong biến môi trường {RECOVERY_KEY_ENV}.")
    return getpass.getpass("Khóa khôi phục: ")
