"""A commune's indicators computed at the hub, from the records its PCs synced.

The commune's replica is a database in the PC's schema (cdsxa.hub.replica), so the
figures come from the same counting code (cdsxa.counting.indicators.compute) on the
same rows, in the commune's time zone: after a sync they equal the PC's.
"""

from __future__ import annotations

import uuid
from datetime import date

from cdsxa.common.admin_units import commune_label
from cdsxa.common.errors import UserError
from cdsxa.commune import calendar
from cdsxa.counting.definitions import DenominatorSource, Indicator
from cdsxa.counting.indicators import compute
from cdsxa.hub.replica import Replicas


def commune_indicators(replicas: Replicas, commune_code: int, on: date | None = None,
                       village_id: uuid.UUID | None = None,
                       denominators: DenominatorSource = "register",
                       ) -> tuple[date, list[Indicator]]:
    """The reporting day (`on`, or the commune's today) and the figures on it; UserError
    when the commune has sent nothing yet."""
    if not replicas.exists(commune_code):
        raise UserError(f"{commune_label(commune_code)} chưa gửi dữ liệu lên máy chủ tỉnh: "
                        "chưa có gì để tính.")
    with replicas.get(commune_code).reading() as session:
        day = on or calendar.today(session)
        return day, compute(session, day, village_id, denominators)
