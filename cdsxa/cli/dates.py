"""The one parser of dates given on the command line: dd/mm/yyyy (as officers write them)
or YYYY-MM-DD (as scripts write them)."""

import argparse
import re
from datetime import date

DATE_METAVAR = "NGÀY"
DATE_HELP = "dd/mm/yyyy hoặc YYYY-MM-DD"

# Day and month may have one digit ("3/9/2025"); '.' and '-' are common on paper too.
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> date:
    """A date from dd/mm/yyyy or YYYY-MM-DD; raises ValueError with a Vietnamese message."""
    value = text.strip()
    if match := _ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(f"ngày không hợp lệ: “{text}” (cần dd/mm/yyyy hoặc YYYY-MM-DD)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày không có thật: “{text}”") from None


def date_option(text: str) -> date:
    """`type=` of every date option: argparse shows the message after the option's name."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
