"""Commune indicators computed from the records (DESIGN.md), with their drill-down.

    compute(session, on)                      -> the ten figures at a reporting date
    records_behind(session, "smartphone_adults", on, part="numerator")
                                              -> the ids a figure counts
    vneid_breakdown / sessions_breakdown      -> counts for dashboards
    run_cli(...)                              -> `cdsxa indicators`

Definitions are DOMAIN.md's ("Indicator definitions used by the app"); the
counting itself lives in cdsxa.counting.

Figures are counts: anyone signed in may compute them (VIEW_COUNTS), for any
village. The records behind a figure lead to people, so they need VIEW_PERSONAL,
and a team member gets only their own village's.
"""

import json
import logging
import sys
import time
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands, vn_date
from cdsxa.commune import profile
from cdsxa.counting import totals
from cdsxa.counting.breakdowns import (
    SessionsBreakdown,
    VneidBreakdown,
    sessions_breakdown,
    vneid_breakdown,
)
from cdsxa.counting.definitions import (
    DEFINITIONS,
    IDS,
    DenominatorSource,
    Indicator,
    Part,
    definition,
)
from cdsxa.counting.drilldown import ids_behind
from cdsxa.counting.scope import Scope
from cdsxa.db.models import Village
from cdsxa.profile import paths
from cdsxa.profile.storage import open_profile
from cdsxa.register import villages
from cdsxa.security.access import Permission, command_line, require, scoped_village
from cdsxa.security.keys import terminal_prompt

__all__ = [
    "DEFINITIONS", "IDS", "Indicator", "SessionsBreakdown", "VneidBreakdown", "compute",
    "records_behind", "run_cli", "sessions_breakdown", "vneid_breakdown",
]

log = logging.getLogger(__name__)

SOURCE_LABELS = {"register": "sổ dân cư", "profile": "số liệu dân số"}


def compute(session: Session, on: date, village_id: uuid.UUID | None = None,
            denominators: DenominatorSource = "register") -> list[Indicator]:
    """Every indicator at the reporting date `on`, for the commune or one village.

    With denominators="profile", the commune's population figures (for `on`'s year
    or the latest earlier one) replace the register's where the profile has the
    matching figure; each indicator says which source it used. Profile figures are
    commune-wide, so a village's indicators always use the register.
    """
    require(session, Permission.VIEW_COUNTS)
    if denominators not in ("register", "profile"):
        raise ValueError(f"denominators must be 'register' or 'profile', not {denominators!r}")
    started = time.perf_counter()
    counts = totals.register_counts(session, Scope(on, village_id))
    use_profile = denominators == "profile" and village_id is None
    figures = totals.figures_for(session, on) if use_profile else None
    log.debug("indicators at %s computed in %.3f s", on, time.perf_counter() - started)
    return totals.indicators(counts, figures)


def records_behind(session: Session, indicator_id: str, on: date,
                   village_id: uuid.UUID | None = None,
                   part: Part = "numerator") -> list[uuid.UUID]:
    """The ids a figure counts: people, households (fibre) or sessions (support_sessions).

    Denominators are the register's, even where compute() used a profile figure;
    support_sessions has no denominator, so nothing is behind it. A team member
    asking for the commune (village_id None) gets their own village's records.
    """
    require(session, Permission.VIEW_PERSONAL)
    village_id = scoped_village(session, village_id)
    if part not in ("numerator", "denominator"):
        raise ValueError(f"part must be 'numerator' or 'denominator', not {part!r}")
    return ids_behind(session, definition(indicator_id), Scope(on, village_id), part)


# -- the command line ------------------------------------------------------------------


def percent_text(value: float | None) -> str:
    """72.5 -> '72,5%' as Vietnamese write it; '—' without a denominator."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def _fraction_text(item: Indicator) -> str:
    if item.denominator is None:
        return thousands(item.numerator)
    return f"{thousands(item.numerator)}/{thousands(item.denominator)}"


def _label(item: Indicator, on: date) -> str:
    return f"{item.label} {on:%m/%Y}" if item.id == "support_sessions" else item.label


def table(results: list[Indicator], on: date, heading: str) -> str:
    """The indicators as a readable Vietnamese table."""
    rows = [("Chỉ tiêu", "Số đạt/Tổng số", "Tỷ lệ", "Mẫu số theo")]
    rows += [(_label(i, on), _fraction_text(i), percent_text(i.value),
              SOURCE_LABELS[i.denominator_source] if i.denominator is not None else "")
             for i in results]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    lines = [heading, ""]
    for label, fraction, pct, source in rows:
        lines.append(f"{label:<{widths[0]}}  {fraction:>{widths[1]}}  {pct:>{widths[2]}}  "
                     f"{source}".rstrip())
    return "\n".join(lines)


def json_text(results: list[Indicator]) -> str:
    return json.dumps([asdict(i) for i in results], ensure_ascii=False, indent=2)


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
    db = open_profile(data_dir, command_line(), terminal_prompt)
    try:
        if db.commune_code is None:
            raise UserError(f"Không có hồ sơ xã tại {data_dir}.")
        with db.reading() as session:
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
