"""Vietnamese display conventions: dd/mm/yyyy, thousands separated by '.'."""

from datetime import date


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")
