"""`cdsxa backup`, `cdsxa restore` and `cdsxa restore-key` (key.json again from a
backup): the command line acts as whoever holds the key.

A restore takes the profile's lock (cdsxa.profile.lock) and is refused while a
window has the profile open; a backup only reads, and may run beside one.
"""

import argparse
import getpass
import os
import sys
from pathlib import Path

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands

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
    restore.add_argument("file", type=Path, metavar="TỆP", help="tệp sao lưu (.cdsxa-backup)")
    restore.add_argument("--recovery-key", action="store_true",
                         help="bản sao lưu của hồ sơ hoặc máy khác: hỏi khóa khôi phục "
                              f"(hoặc lấy từ ${RECOVERY_KEY_ENV})")
    restore.add_argument("--other-commune", action="store_true",
                         help="chấp nhận thay dữ liệu của xã này bằng bản sao lưu của xã khác")
    restore.set_defaults(handler=_cmd_restore)

    restore_key = sub.add_parser(
        "restore-key", parents=[common],
        help="lấy lại tệp khóa (key.json) bị mất hoặc hỏng từ một bản sao lưu, bằng khóa "
             "khôi phục hoặc mật khẩu dữ liệu")
    restore_key.add_argument("--from", dest="source", type=Path, required=True,
                             metavar="TỆP", help="một bản sao lưu của chính dữ liệu này")
    restore_key.add_argument("--recovery-key", action="store_true",
                             help="hỏi khóa khôi phục (hoặc lấy từ "
                                  f"${RECOVERY_KEY_ENV}); mặc định: mật khẩu dữ liệu "
                                  "($CDSXA_PASSPHRASE hoặc hỏi)")
    restore_key.set_defaults(handler=_cmd_restore_key)


def _cmd_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import backup, storage
    from cdsxa.security import keys
    from cdsxa.security.access import command_line

    out = backup.backup_target(data_dir, args.out, "manual")
    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        made = backup.make_backup(db, out, "manual", command_line())
    finally:
        db.close()
    print(f"Đã sao lưu vào {made.path} ({thousands(made.size)} byte, đã mã hóa).")
    return 0


def _cmd_restore(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import restore
    from cdsxa.security import keys
    from cdsxa.security.access import command_line

    # Never on the command line itself: it would stay in the shell's history.
    recovery = os.environ.get(RECOVERY_KEY_ENV) or (_ask_recovery_key()
                                                    if args.recovery_key else None)
    # Refused while a window or another command has the profile open (restore takes
    # the lock itself): the file must not be swapped under them.
    done = restore.restore(data_dir, args.file, command_line(), recovery_key=recovery,
                           prompt=keys.terminal_prompt, other_commune=args.other_commune)
    made = done.backup.created_at.astimezone().strftime("%d/%m/%Y %H:%M")
    print(f"Đã khôi phục dữ liệu từ bản sao lưu lúc {made} vào {data_dir}.")
    if done.previous is not None:
        print(f"Dữ liệu trước khi khôi phục được giữ tại {done.previous}.")
    return 0


def _cmd_restore_key(args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import key_rebuild
    from cdsxa.profile import lock as profile_lock
    from cdsxa.security import keys
    from cdsxa.security.access import command_line

    with profile_lock.hold(data_dir):  # not while a window has the data open
        recovery = os.environ.get(RECOVERY_KEY_ENV) or (_ask_recovery_key()
                                                        if args.recovery_key else None)
        passphrase = None if recovery else (os.environ.get(keys.PASSPHRASE_ENV)
                                            or keys.terminal_prompt())
        done = key_rebuild.restore_key(data_dir, args.source, command_line(),
                                       recovery_key=recovery, passphrase=passphrase)
    print(f"Đã lấy lại tệp khóa {done.key_file} từ bản sao lưu {args.source.name}; dữ liệu "
          "mở được như trước.")
    if done.kept is not None:
        print(f"Tệp khóa hỏng trước đó được giữ tại {done.kept}.")
    return 0


def _ask_recovery_key() -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(f"Hãy đặt khóa khôi phục trong biến môi trường {RECOVERY_KEY_ENV}.")
    return getpass.getpass("Khóa khôi phục: ")
