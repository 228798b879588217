"""The figures as people and programs read them: a Vietnamese table, and JSON. The same
on a commune PC (`cdsxa indicators`) and at the hub (`cdsxa-hub indicators`)."""

import json
from dataclasses import asdict
from datetime import date

from cdsxa.common.formatting import thousands
from cdsxa.counting.definitions import Indicator

SOURCE_LABELS = {"register": "sổ dân cư", "profile": "số liệu dân số"}


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
