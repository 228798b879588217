"""`cdsxa indicators`: the commune's figures on the command line, as a table or JSON.

Opening the profile (data folder, key, SQLCipher) happens here, so that the counting
code itself (cdsxa.counting) loads none of it and runs at the province hub too.
"""

import sys
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import vn_date
from cdsxa.commune import profile
from cdsxa.counting.as_text import json_text, table
from cdsxa.counting.as_text import percent_text as percent_text
from cdsxa.counting.definitions import DenominatorSource
from cdsxa.counting.indicators import compute
from cdsxa.db.models import Village
from cdsxa.profile import paths
from cdsxa.profile.storage import open_profile
from cdsxa.register import villages
from cdsxa.security.access import command_line
from cdsxa.security.keys import terminal_prompt


def _fail(message: str) -> int:
    print(f"cdsxa: {message}", file=sys.stderr)
    return 1


def run_cli(data_dir: Path, on: date, village: str | None = None,
            denominators: str = "register", as_json: bool = False) -> int:
    """`cdsxa indicators`: print the figures as a table or JSON; the exit code."""
    if denominators not in ("register", "profile"):
        return _fail(f"Mẫu số không hợp lệ: {denominators} (chọn register hoặc profile).")
    if not paths.database_path(data_dir).exists():
        return _fail(f"Không có hồ sơ xã tại {data_dir}.")
    source: DenominatorSource = "profile" if denominators == "profile" else "register"
    try:
        output = _report(data_dir, on, village, source, as_json)
    except UserError as exc:
        return _fail(exc.message)
    print(output)
    return 0


def _report(data_dir: Path, on: date, village: str | None, denominators: DenominatorSource,
            json_output: bool) -> str:
    db = open_profile(data_dir, terminal_prompt)
    try:
        if db.commune_code is None:
            raise UserError(f"Không có hồ sơ xã tại {data_dir}.")
        with db.reading(command_line()) as session:
            village_id = _village(session, village)
            results = compute(session, on, village_id, denominators)
            view = profile.load(session)
            place = _village_name(session, village_id)
    finally:
        db.close()
    if json_output:
        return json_text(results)
    where = ", ".join(p for p in (view.commune_name if view else None, place) if p)
    return table(results, on, f"Chỉ tiêu chuyển đổi số: {where}, ngày {vn_date(on)}")


def _village_name(session: Session, village_id: uuid.UUID | None) -> str | None:
    row = session.get(Village, village_id) if village_id else None
    return row.name if row else None


def _village(session: Session, name: str | None) -> uuid.UUID | None:
    if name is None:
        return None
    village_id = villages.find_by_name(session, name)
    if village_id is None:
        raise UserError(f"Không có thôn/bản “{name}” trong xã.")
    return village_id
