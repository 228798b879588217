"""Reading a list sheet: find the header row under titles and merged cells, keep the rows.

Commune lists have a title or two above the header, merged cells, sometimes a
two-row header ("Kết quả khảo sát" over the survey columns) and a row numbering
the columns ("(1) (2) (3)"). Blank lines are normal and are only counted.
"""

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import openpyxl

from cdsxa.common.errors import UserError
from cdsxa.common.text import fold
from cdsxa.excel import cells, columns
from cdsxa.excel.cells import CellValue

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 15
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE file with this stream (named in UTF-16).
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows
    values: tuple[CellValue, ...]  # one per header column


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: list[str]  # "" where a column has no header
    header_row: int  # the (last) header row's number
    rows: list[SheetRow]  # data rows, blank ones left out
    blank_rows: int  # blank lines between data rows


def read_sheet(path: Path, sheet: str | None = None,
               known: Mapping[str, str] | None = None) -> Sheet:
    """Read the data rows of one sheet (the first by default).

    `known` adds header names (header text -> field) to those recognised when
    looking for the header row, for lists with headers of their own.
    """
    _check_format(path)
    try:
        with path.open("rb") as handle:
            return _read(handle, path.name, sheet, _recogniser(known or {}))
    except UserError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl or zipfile
        log.warning("cannot read %s", path, exc_info=True)
        raise UserError(f"Tệp {path.name} bị hỏng hoặc không đọc được ({type(exc).__name__}). "
                        "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.") from exc


def _check_format(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head == _OLE_MAGIC and _ENCRYPTED_MARK in handle.read():
                raise UserError(f"Tệp {path.name} được đặt mật khẩu. Hãy mở bằng Excel, bỏ mật "
                                "khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi lưu lại.")
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp {path}.") from None
    except OSError as exc:
        raise UserError(f"Không mở được tệp {path}: {exc.strerror or exc}.") from None
    if head == _OLE_MAGIC:
        raise UserError(f"Tệp {path.name} là định dạng Excel cũ (.xls). Hãy mở bằng Excel và "
                        "lưu lại dạng “Sổ làm việc Excel (.xlsx)”.")
    if head[:4] != _ZIP_MAGIC:
        raise UserError(f"Tệp {path.name} không phải tệp Excel .xlsx.")


def _recogniser(known: Mapping[str, str]) -> Callable[[str], str | None]:
    extra = {columns.header_key(h): f for h, f in known.items() if f != columns.IGNORE}
    return lambda header: extra.get(columns.header_key(header)) or columns.field_of(header)


def _read(handle: IO[bytes], file_name: str, sheet: str | None,
          recognise: Callable[[str], str | None]) -> Sheet:
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        worksheet = _pick(workbook, sheet, file_name)
        # Files written by other programs often carry wrong dimensions; read what is there.
        worksheet.reset_dimensions()
        raw = [tuple(r) for r in worksheet.iter_rows(values_only=True)]
        return _parse(worksheet.title, raw, recognise)
    finally:
        workbook.close()


def _pick(workbook: Any, sheet: str | None, file_name: str) -> Any:
    names: list[str] = list(workbook.sheetnames)
    if sheet is None:
        chosen = names[0]
    else:
        matches = [n for n in names if n == sheet] or [n for n in names if fold(n) == fold(sheet)]
        if not matches:
            listed = ", ".join(f"“{n}”" for n in names)
            raise UserError(f"Tệp {file_name} không có trang “{sheet}”. Các trang: {listed}.")
        chosen = matches[0]
    worksheet = workbook[chosen]
    if not hasattr(worksheet, "iter_rows"):
        raise UserError(f"Trang “{chosen}” là biểu đồ, không phải bảng dữ liệu.")
    return worksheet


def _parse(name: str, raw: list[tuple[CellValue, ...]],
           recognise: Callable[[str], str | None]) -> Sheet:
    if not any(not _blank(r) for r in raw):
        raise UserError(f"Trang tính “{name}” không có dữ liệu.")
    headers, last = _find_header(raw, recognise)
    if last < 0:
        raise UserError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của trang “{name}”: "
            "cần các cột như “Họ và tên”, “Ngày sinh”, “Giới tính”, “Thôn/bản”.")
    rows, blanks = _data_rows(raw, last + 1, len(headers))
    if not rows:
        raise UserError(f"Trang “{name}” có dòng tiêu đề (dòng {last + 1}) "
                        "nhưng không có dòng dữ liệu nào.")
    return Sheet(name, headers, last + 1, rows, blanks)


def _blank(row: Sequence[CellValue]) -> bool:
    return all(cells.is_blank(v) for v in row)


def _texts(row: Sequence[CellValue]) -> list[str]:
    return [cells.text(v) or "" for v in row]


def _score(headers: Sequence[str], recognise: Callable[[str], str | None]) -> int:
    return len({f for f in map(recognise, headers) if f is not None})


def _combine(upper: list[str], lower: list[str],
             recognise: Callable[[str], str | None]) -> list[str]:
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [lo if recognise(lo) or not recognise(up) and lo else up for up, lo in zip(upper, lower)]


def _find_header(raw: list[tuple[CellValue, ...]],
                 recognise: Callable[[str], str | None]) -> tuple[list[str], int]:
    """(headers, index of the last header row); index -1 when none has two known headers."""
    best: tuple[int, list[str], int] = (1, [], -1)  # (score, headers, last row index)
    search = [_texts(r) for r in raw[:HEADER_SEARCH_ROWS + 1]]
    singles = [(texts, i) for i, texts in enumerate(search[:HEADER_SEARCH_ROWS])]
    # A two-row header wins only when it recognises more than any single row.
    pairs = [(_combine(search[i], search[i + 1], recognise), i + 1)
             for i in range(min(HEADER_SEARCH_ROWS, len(search) - 1))]
    for headers, last in singles + pairs:
        score = _score(headers, recognise)
        if score > best[0]:
            best = (score, headers, last)
    headers = best[1]
    while headers and not headers[-1]:
        headers = headers[:-1]
    return headers, best[2]


def _data_rows(raw: list[tuple[CellValue, ...]], start: int,
               width: int) -> tuple[list[SheetRow], int]:
    rows: list[SheetRow] = []
    blanks = pending = 0
    for index in range(start, len(raw)):
        values = (tuple(raw[index][:width]) + (None,) * width)[:width]
        if _blank(values):
            pending += 1  # counted only if data follows: trailing empty rows are not lines
            continue
        if not rows and _numbering(values):
            continue
        blanks, pending = blanks + pending, 0
        rows.append(SheetRow(index + 1, values))
    return rows, blanks


def _numbering(values: Sequence[CellValue]) -> bool:
    """A row numbering the columns under the header: (1) (2) (3) … or 1 2 3 …"""
    filled = [cells.text(v) or "" for v in values if not cells.is_blank(v)]
    if len(filled) < 3 or not all(_COLUMN_NUMBER.match(t) for t in filled):
        return False
    numbers = [int(t.strip("()")) for t in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
