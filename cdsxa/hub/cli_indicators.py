"""`cdsxa-hub indicators --commune CODE [--date DATE] [--json]`: a commune's figures at the
hub, with the same ids and JSON shape as `cdsxa indicators --json` on its PCs."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 storage: argparse.ArgumentParser,
                 url: Callable[[argparse.Namespace], str]) -> None:
    from cdsxa.cli.dates import DATE_HELP, date_option

    command = sub.add_parser("indicators", parents=[storage],
                             help="tính các chỉ tiêu của một xã từ dữ liệu đã đồng bộ")
    command.add_argument("--commune", type=int, required=True, metavar="MÃ_XÃ",
                         help="mã xã/phường (danh mục 2025)")
    command.add_argument("--date", type=date_option, default=None, metavar="NGÀY",
                         help=f"ngày báo cáo, {DATE_HELP} (mặc định: hôm nay theo giờ của xã)")
    command.add_argument("--denominators", choices=["register", "profile"],
                         default="register",
                         help="mẫu số: sổ dân cư (mặc định) hoặc số liệu dân số của xã")
    command.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    command.set_defaults(handler=lambda args: _run(args, url(args)))


def _run(args: argparse.Namespace, database_url: str) -> int:
    from cdsxa.common.admin_units import commune_label
    from cdsxa.common.formatting import vn_date
    from cdsxa.counting.as_text import json_text, table
    from cdsxa.hub.cli import _migrated
    from cdsxa.hub.indicators import commune_indicators
    from cdsxa.hub.replica import Replicas

    database = _migrated(database_url)
    replicas = Replicas(database_url, database.engine)
    try:
        on, results = commune_indicators(replicas, args.commune, args.date,
                                         denominators=args.denominators)
    finally:
        replicas.close()
        database.close()
    if args.json:
        print(json_text(results))
        return 0
    print(table(results, on, f"Chỉ tiêu chuyển đổi số: {commune_label(args.commune)}, ngày "
                             f"{vn_date(on)} (dữ liệu đã đồng bộ lên tỉnh)"))
    return 0
