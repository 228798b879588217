"""`cdsxa sync`: one sync with the province hub from the command line (a scheduled task),
printing what was sent, received and what conflicted."""

import argparse
import sys
from pathlib import Path

from cdsxa.common.formatting import thousands


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", parents=[common],
                          help="đồng bộ với máy chủ tỉnh: gửi thay đổi chờ gửi, nhận thay đổi "
                               "của các máy khác")
    sync.set_defaults(handler=_cmd_sync)


def _cmd_sync(_args: argparse.Namespace, data_dir: Path) -> int:
    from cdsxa.profile import storage
    from cdsxa.security import keys
    from cdsxa.sync.synchronise import synchronise

    db = storage.open_profile(data_dir, keys.terminal_prompt)
    try:
        outcome = synchronise(db, data_dir)
    finally:
        db.close()
    print(f"Đã gửi: {thousands(outcome.sent)} thay đổi. Đã nhận: {thousands(outcome.received)} "
          f"thay đổi của các máy khác. Xung đột cần xem lại: {thousands(outcome.conflicts)}. "
          f"Còn chờ gửi: {thousands(outcome.pending)}.")
    for message in outcome.refused:
        print(f"Máy chủ tỉnh không nhận một thay đổi: {message}", file=sys.stderr)
    if outcome.error:
        print(f"cdsxa: {outcome.error}", file=sys.stderr)
        return 1
    return 0
