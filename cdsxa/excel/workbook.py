"""Reading a list sheet: find the header row under titles and merged cells, keep the rows.

Commune lists have a title or two above the header, merged cells, sometimes a
two-row header ("Kết quả khảo sát" over the survey columns) and a row numbering
the columns ("(1) (2) (3)"). Blank lines are normal and are only counted.
"""

import logging
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.utils import get_column_letter

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.common.text import fold
from cdsxa.excel import cells, columns
from cdsxa.excel.cells import CellValue
from cdsxa.excel.escapes import decode_escapes
from cdsxa.excel.gc_pause import gc_paused

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 15
# Bounds on what is read, whatever the file claims: memory stays small for any file.
EXCEL_COLUMNS = 16_384  # XFD, Excel's last column
MAX_COLUMNS = 200  # a header reaching further is refused
MAX_ROWS = 100_000  # data rows; more than any commune's list
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_PART_BYTES = 32_000_000  # unpacked shared strings, styles and the rest
MAX_SHEET_BYTES = 200_000_000  # unpacked worksheet XML (read as a stream)
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
        with path.open("rb") as handle, gc_paused():
            return _read(handle, path.name, sheet, _recogniser(known or {}))
    except UserError:
        raise
    except MemoryError:
        log.warning("out of memory reading %s", path, exc_info=True)
        raise UserError(f"Không đủ bộ nhớ để đọc tệp {path.name}. Hãy đóng bớt chương trình "
                        "khác, hoặc chia danh sách thành nhiều tệp nhỏ hơn.") from None
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
    _check_parts(handle, file_name)
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        worksheet = _pick(workbook, sheet, file_name)
        # Files written by other programs often carry wrong dimensions; read what is there.
        worksheet.reset_dimensions()
        return _parse(worksheet, recognise)
    finally:
        workbook.close()


def _check_parts(handle: IO[bytes], file_name: str) -> None:
    """Refuse a file whose parts would unpack to more than a list ever needs.

    openpyxl holds the shared strings and styles whole; a few hundred KB of .xlsx
    can unpack to gigabytes. The sizes are those the zip declares, which zipfile
    also enforces while unpacking (more data fails the CRC check).
    """
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            limit = MAX_SHEET_BYTES if info.filename.startswith("xl/worksheets/") \
                else MAX_PART_BYTES
            if info.file_size > limit:
                raise UserError(
                    f"Tệp {file_name} quá lớn khi giải nén (phần {info.filename} là "
                    f"{thousands(info.file_size // 1_000_000)} MB, tối đa "
                    f"{thousands(limit // 1_000_000)} MB): tệp có thể bị hỏng hoặc được tạo "
                    "để làm treo máy. "
                    "Hãy mở bằng Excel, chép các dòng danh sách sang một sổ mới rồi lưu lại.")
    handle.seek(0)


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


def _parse(worksheet: Any, recognise: Callable[[str], str | None]) -> Sheet:
    name = worksheet.title
    # The header is looked for in the first rows, read at Excel's full width (a few
    # rows only); data rows are then read only as wide as the header.
    top = [_trimmed(_decoded(row, number)) for number, row in enumerate(
        worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS + 1, max_col=EXCEL_COLUMNS,
                            values_only=True), start=1)]
    headers, last = _find_header(top, recognise)
    if last < 0:
        if all(_blank(r) for r in top) and _all_blank(worksheet):
            raise UserError(f"Trang tính “{name}” không có dữ liệu.")
        raise UserError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của trang “{name}”: "
            "cần các cột như “Họ và tên”, “Ngày sinh”, “Giới tính”, “Thôn/bản”.")
    if len(headers) > MAX_COLUMNS:
        raise UserError(
            f"Dòng tiêu đề (dòng {last + 1}) của trang “{name}” kéo dài tới cột "
            f"{get_column_letter(len(headers))}; chỉ đọc được {MAX_COLUMNS} cột đầu "
            f"(tới cột {get_column_letter(MAX_COLUMNS)}). Hãy xoá các cột thừa bên phải.")
    rows, blanks = _data_rows(worksheet, name, last + 2, len(headers))
    if not rows:
        raise UserError(f"Trang “{name}” có dòng tiêu đề (dòng {last + 1}) "
                        "nhưng không có dòng dữ liệu nào.")
    return Sheet(name, headers, last + 1, rows, blanks)


def _all_blank(worksheet: Any) -> bool:
    return all(_blank(row) for row in worksheet.iter_rows(
        min_row=HEADER_SEARCH_ROWS + 2, max_col=MAX_COLUMNS, values_only=True))


def _decoded(row: Sequence[CellValue], number: int) -> tuple[CellValue, ...]:
    """The row's values with Excel's escapes decoded; a text longer than Excel allows
    in a cell refuses the file (it is not a list someone typed)."""
    if not any(isinstance(v, str) for v in row):
        return tuple(row)
    values = []
    for index, value in enumerate(row):
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                raise UserError(
                    f"Ô {get_column_letter(index + 1)}{number} dài {thousands(len(value))} ký "
                    f"tự, quá giới hạn {thousands(MAX_CELL_CHARS)} ký tự của một ô Excel: tệp "
                    "có thể bị hỏng. Hãy sửa ô đó rồi lưu lại.")
            value = decode_escapes(value)
        values.append(value)
    return tuple(values)


def _trimmed(row: tuple[CellValue, ...]) -> tuple[CellValue, ...]:
    end = len(row)
    while end and cells.is_blank(row[end - 1]):
        end -= 1
    return row[:end]


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


def _data_rows(worksheet: Any, name: str, start: int,
               width: int) -> tuple[list[SheetRow], int]:
    rows: list[SheetRow] = []
    blanks = pending = 0
    for number, row in enumerate(worksheet.iter_rows(min_row=start, max_col=width,
                                                     values_only=True), start=start):
        if _blank(row):
            pending += 1  # counted only if data follows: trailing empty rows are not lines
            continue
        values = _decoded((tuple(row) + (None,) * width)[:width], number)
        if not rows and _numbering(values):
            continue
        if len(rows) == MAX_ROWS:
            raise UserError(f"Trang “{name}” có hơn {thousands(MAX_ROWS)} dòng dữ liệu "
                            f"(dòng {number} trở đi): hãy chia danh sách thành nhiều tệp.")
        blanks, pending = blanks + pending, 0
        rows.append(SheetRow(number, values))
    return rows, blanks


def _numbering(values: Sequence[CellValue]) -> bool:
    """A row numbering the columns under the header: (1) (2) (3) … or 1 2 3 …"""
    filled = [cells.text(v) or "" for v in values if not cells.is_blank(v)]
    if len(filled) < 3 or not all(_COLUMN_NUMBER.match(t) for t in filled):
        return False
    numbers = [int(t.strip("()")) for t in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
