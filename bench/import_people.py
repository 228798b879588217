"""Importing a list of 20,000 people from .xlsx: reading the file, then the whole import.

    python bench/import_people.py [COUNT] [RUNS]

Prints the time to read the workbook, to preview it and to apply it (one
transaction, change log included), on a fresh profile with two villages: for a
plain list (people and households) and for a survey list (smartphone, fibre and
VNeID columns too, which add outcomes, steps and their change-log entries).
Each list is imported RUNS times (default 3), the two kinds taking turns, and
the medians are printed last: a shared machine's load varies from run to run.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from cdsxa.commune.profile import ProfileSetup, initialise
from cdsxa.excel import people_import
from cdsxa.security import keys
from cdsxa.security.access import command_line

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Thôn/bản", "Mã hộ",
          "Quan hệ với chủ hộ", "Điện thoại thông minh", "Cáp quang", "VNeID"]
PLAIN_COLUMNS = 9  # up to "Quan hệ với chủ hộ"
VILLAGES = ["Bản Thử", "Thôn Mẫu"]


def row(i: int) -> list[object]:
    year = 1950 + i % 60
    female = i % 2 == 0
    digit = (year - 1900) // 100 * 2 + female
    return [i + 1, f"Lò Văn Thử {i}", year, "Nữ" if female else "Nam",
            f"038{digit}{year % 100:02d}{i:06d}", f"09{i:08d}" if i % 3 else None,
            VILLAGES[i % 2], f"HK{i // 4:05d}", "Chủ hộ" if i % 4 == 0 else "Con",
            "x" if i % 2 else None, "Có" if i % 4 == 0 else None, "Mức 2" if i % 3 == 0 else None]


def write_list(path: Path, count: int, survey: bool = True) -> Path:
    width = len(HEADER) if survey else PLAIN_COLUMNS
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH NGƯỜI DÂN"])
    sheet.append(HEADER[:width])
    for i in range(count):
        sheet.append(row(i)[:width])
    book.save(path)
    return path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    figures: dict[bool, list[tuple[float, float, float, float]]] = {False: [], True: []}
    for _ in range(runs):
        for survey in (False, True):
            figures[survey].append(run(count, survey))
    for survey, rows in figures.items():
        read, shown, applied, total = (statistics.median(f[i] for f in rows) for i in range(4))
        print(f"median of {runs}, {'survey' if survey else 'plain'} list: read {read:.2f} s, "
              f"preview {shown:.2f} s, apply {applied:.2f} s, total {total:.2f} s")


def run(count: int, survey: bool) -> tuple[float, float, float, float]:
    actor = command_line()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_list(Path(tmp) / "ds.xlsx", count, survey)
        target = Path(tmp) / "p"
        db = initialise(target, ProfileSetup(38, 14797, VILLAGES),
                        keys.create(target, "bench passphrase").key, actor)
        started = time.perf_counter()
        sheet = people_import.read_sheet(path)
        read = time.perf_counter() - started
        with db.reading(actor) as session:
            result = people_import.preview(session, sheet)
        previewed = time.perf_counter() - started
        with db.transaction(actor) as session:
            done = people_import.apply(session, result)
        total = time.perf_counter() - started
        db.close()
    kind = 'survey' if survey else 'plain'
    print(f"{kind} list, {count:,} rows: read {read:.2f} s, preview {previewed - read:.2f} s, "
          f"apply {total - previewed:.2f} s, total {total:.2f} s "
          f"({done.added:,} added, {done.households_added:,} households)")
    return read, previewed - read, total - previewed, total


if __name__ == "__main__":
    main()
