"""Vietnamese display conventions: dd/mm/yyyy, thousands separated by '.'."""

from datetime import date


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


MASK = "•"


def mask(value: str | None, keep_start: int = 3, keep_end: int = 2) -> str:
    """'038123456712' → '038•••••••12': the first and last digits stay, enough to tell
    people apart in a list without showing the whole number. Short values are hidden."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return MASK * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + MASK * hidden + value[len(value) - keep_end:]


def mask_id_number(value: str | None) -> str:
    return mask(value)


def mask_phone(value: str | None) -> str:
    return mask(value)
