"""Commune indicators computed from the records (DESIGN.md), with their drill-down:
the app's service over the counting code.

    compute(session, on)                      -> the ten figures at a reporting date
    records_behind(session, "smartphone_adults", on, part="numerator")
                                              -> the ids a figure counts
    vneid_breakdown / sessions_breakdown      -> counts for dashboards

Definitions are DOMAIN.md's ("Indicator definitions used by the app"); the
counting itself lives in cdsxa.counting (totals, drilldown, breakdowns) and checks
nothing: this façade checks who may see what, and builds the Scope: the session's
commune (its actor's) and the commune's time zone (a setting). The province hub
calls the counting functions with its own Scope. `cdsxa indicators` is
cdsxa.cli.indicators.

Figures are counts: anyone signed in may compute them (VIEW_COUNTS), for any
village. The records behind a figure lead to people, so they need VIEW_PERSONAL,
and a team member gets only their own village's.
"""

import logging
import time
import uuid
from datetime import date

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.commune import calendar
from cdsxa.counting import breakdowns, totals
from cdsxa.counting.breakdowns import SessionsBreakdown, VneidBreakdown
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
from cdsxa.db.session import actor_of
from cdsxa.security.access import Permission, require, scoped_village

__all__ = [
    "DEFINITIONS", "IDS", "Indicator", "SessionsBreakdown", "VneidBreakdown", "commune_zone",
    "compute", "records_behind", "scope", "sessions_breakdown", "today", "vneid_breakdown",
]

log = logging.getLogger(__name__)


commune_zone = calendar.zone
today = calendar.today


def _commune(session: Session) -> int:
    code = actor_of(session).commune_code
    if code is None:
        raise UserError("Hồ sơ xã chưa được thiết lập: chưa có gì để tính.")
    return code


def scope(session: Session, on: date, village_id: uuid.UUID | None = None) -> Scope:
    """What this session counts: its commune at `on`, in the commune's time zone."""
    return Scope(_commune(session), on, commune_zone(session), village_id)


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
    counted = scope(session, on, village_id)
    counts = totals.register_counts(session, counted)
    use_profile = denominators == "profile" and village_id is None
    figures = totals.figures_for(session, counted.commune_code, on) if use_profile else None
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
    return ids_behind(session, definition(indicator_id), scope(session, on, village_id), part)


def vneid_breakdown(session: Session, village_id: uuid.UUID | None = None,
                    on: date | None = None) -> VneidBreakdown:
    """Counts of people by their current VNeID status and level (ages at `on`, today)."""
    require(session, Permission.VIEW_COUNTS)
    return breakdowns.vneid_breakdown(session, scope(session, on or today(session), village_id))


def sessions_breakdown(session: Session, start: date, end: date,
                       village_id: uuid.UUID | None = None) -> SessionsBreakdown:
    """Live one-to-one sessions held from start to end (both included), broken down."""
    require(session, Permission.VIEW_COUNTS)
    return breakdowns.sessions_breakdown(session, _commune(session), start, end, village_id)
