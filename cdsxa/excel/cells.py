"""Reading one cell's value the way communes type it; errors are Vietnamese sentences.

openpyxl gives str, int, float, bool, datetime or None. Excel turns long digit
strings into numbers (dropping a leading zero) and may store dates as text.
"""

import re
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from cdsxa.common.text import clean, fold

CellValue = str | int | float | bool | datetime | date | None

_YES = frozenset({"co", "x", "1", "yes", "da co", "roi", "da"})
_NO = frozenset({"", "khong", "0", "no", "chua", "chua co", "-"})
_AGREED = frozenset({"dong y", "da dong y", "co dong y", "co", "x", "1", "yes", "given"})
_REFUSED = frozenset({"tu choi", "da tu choi", "khong dong y", "khong", "0", "no", "refused"})
_NOT_ASKED = frozenset({"", "-", "chua", "chua hoi"})
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_LEVEL = re.compile(r"^(?:muc\s*)?([12])$")
# Excel date serials that cannot be years: 2101 is 1905-10-01, 73050 is 2099-12-31.
_SERIAL_RANGE = range(2101, 73051)


class CellError(ValueError):
    """The cell cannot be read; the message says why, in Vietnamese."""


def text(value: CellValue) -> str | None:
    """A text field: numbers lose a spurious '.0', dates print as dd/mm/yyyy."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("Có" if value else "Không")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def _quoted(value: CellValue, limit: int = 40) -> str:
    """A cell's value in an error message: quoted, and cut short when long (the
    message sits in one line of the import preview)."""
    shown = text(value) or ""
    return f"“{shown[:limit]}…”" if len(shown) > limit else f"“{shown}”"


def digits(value: CellValue) -> str | None:
    """An ID number or phone that Excel may have turned into a number."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    cleaned = text(value)
    # A leading apostrophe is how people force text in Excel; it is not part of the number.
    return (cleaned.lstrip("'’") or None) if cleaned else None


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def birth(value: CellValue, today: date) -> tuple[date | None, int | None]:
    """(birth date, birth year): an Excel date, dd/mm/yyyy, yyyy-mm-dd or a year alone."""
    if is_blank(value):
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and float(value).is_integer() and 1900 <= value <= 2100:
        return None, _checked_year(int(value), today)
    if isinstance(value, str) and (match := _YEAR.match(" ".join(value.split()))):
        return None, _checked_year(int(match.group(1)), today)
    found = _as_date(value, "Ngày sinh")
    if found is None:
        raise CellError(f"Ngày sinh {_quoted(value)} không đọc được "
                        "(cần dd/mm/yyyy hoặc năm sinh).")
    return _checked(found, today), None


def day(value: CellValue, label: str, today: date) -> date | None:
    """A full date that cannot be in the future (when someone agreed, say); blank -> None."""
    if is_blank(value):
        return None
    found = _as_date(value, label)
    if found is None:
        raise CellError(f"{label} {_quoted(value)} không đọc được (cần dd/mm/yyyy).")
    if found > today:
        raise CellError(f"{label} {found:%d/%m/%Y} ở tương lai.")
    return found


def _as_date(value: CellValue, label: str) -> date | None:
    """An Excel date or serial, dd/mm/yyyy or yyyy-mm-dd; None when not shaped like one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _SERIAL_RANGE:
            return from_excel(int(value)).date()  # type: ignore[no-any-return]
        return None
    raw = " ".join(str(value).split())
    if match := _DMY.match(raw):
        day_, month, year = (int(g) for g in match.groups())
    elif match := _YMD.match(raw):
        year, month, day_ = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day_)
    except ValueError:
        raise CellError(f"{label} {_quoted(raw)} không có thật.") from None


def _checked(value: date, today: date) -> date:
    if value > today:
        raise CellError(f"Ngày sinh {value:%d/%m/%Y} ở tương lai.")
    _checked_year(value.year, today)
    return value


def _checked_year(year: int, today: date) -> int:
    if not 1900 <= year <= today.year:
        raise CellError(f"Năm sinh {year} không hợp lệ.")
    return year


def gender(value: CellValue) -> str | None:
    """'Nam' -> 'male', 'Nữ'/'nu' -> 'female'; blank -> None."""
    key = fold(text(value) or "")
    if not key:
        return None
    if key in ("nam", "m", "male", "trai"):
        return "male"
    if key in ("nu", "f", "female", "gai"):
        return "female"
    raise CellError(f"Giới tính {_quoted(value)} không rõ (cần Nam hoặc Nữ).")


def yes(value: CellValue, label: str) -> bool:
    """Survey answers: 'Có', 'x', '1', True are yes; blank, 'Không', '0' are no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return value == 1
    key = fold(text(value) or "")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(f"Cột “{label}”: không hiểu {_quoted(value)} "
                    "(ghi Có, x hoặc 1; để trống là không).")


def consent(value: CellValue) -> str | None:
    """'Đồng ý'/'Có'/'x' -> 'given'; 'Từ chối'/'Không' -> 'refused'; blank -> not asked."""
    key = fold(text(value) or "")
    if key in _NOT_ASKED:
        return None
    if key in _AGREED:
        return "given"
    if key in _REFUSED:
        return "refused"
    raise CellError(f"Cột “Đồng ý lưu dữ liệu”: không hiểu {_quoted(value)} "
                    "(ghi Đồng ý hoặc Từ chối; để trống là chưa hỏi).")


def vneid_level(value: CellValue) -> tuple[bool, int | None]:
    """(activated, level): 'Mức 2' -> (True, 2); 'Có' -> (True, None), level unknown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (1, 2):
        return True, int(value)
    key = fold(text(value) or "")
    if match := _LEVEL.match(key):
        return True, int(match.group(1))
    if key in _NO:
        return False, None
    if key in _YES - {"1"}:
        return True, None
    raise CellError(f"Cột “VNeID”: không hiểu {_quoted(value)} (ghi Mức 1 hoặc Mức 2).")
