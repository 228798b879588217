"""Hostile or odd .xlsx files: reading stays small in memory whatever the file claims,
refusals say why, and Excel's escapes and direction marks do not reach the register."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.excel import workbook
from cdsxa.excel.escapes import decode_escapes
from tests.test_excel_import import (
    HEADER,
    make_register,
    preview_of,
    write_list,
)


@pytest.fixture
def register(db: Database) -> Database:
    return make_register(db)

# Peak memory of a child that reads a workbook: a safety bound, far above the
# ~100 MB such a child needs, far below what the hostile files used to take.
MEMORY_BOUND_MB = 300
_MEASURE = """
import json, resource, sys
from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.excel.workbook import read_sheet
try:
    sheet = read_sheet(__import__("pathlib").Path(sys.argv[1]))
    outcome = {"rows": len(sheet.rows), "width": len(sheet.headers)}
except UserError as exc:
    outcome = {"refused": exc.message}
# VmHWM is this program's own peak; ru_maxrss keeps the parent's across exec on Linux
# (the pytest process, over 300 MB in a full run).
status = __import__("pathlib").Path("/proc/self/status")
peak = [int(line.split()[1]) for line in status.read_text().splitlines()
        if line.startswith("VmHWM:")] if status.exists() else []
outcome["peak_mb"] = (peak[0] if peak else
                      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(outcome))
"""


def read_in_child(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    outcome: dict[str, object] = json.loads(done.stdout)
    return outcome


def person_row(i: int) -> list[object]:
    return [i, f"Lò Văn Thử {i}", 1980, "Nam", None, None, "Bản Hang"]


@pytest.mark.slow
def test_rows_reaching_the_last_column_are_read_in_little_memory(tmp_path: Path) -> None:
    """Every row has a cell in column XFD: what used to fill each row to 16,384 values."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for i in range(1, 3001):
        sheet.append(person_row(i))
        sheet.cell(row=i + 1, column=16_384, value="x")
    book.save(tmp_path / "wide.xlsx")
    assert (tmp_path / "wide.xlsx").stat().st_size < 200_000
    outcome = read_in_child(tmp_path / "wide.xlsx")
    assert outcome["rows"] == 3000 and outcome["width"] == len(HEADER)
    assert float(outcome["peak_mb"]) < MEMORY_BOUND_MB  # type: ignore[arg-type]


def replaced(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target, "w") as after:
        for info in before.infolist():
            after.writestr(info, before.read(info).replace(old, new))
    return target


def with_part(source: Path, target: Path, name: str, chunk: bytes, times: int) -> Path:
    """A copy of `source` with one more part, written as `chunk` repeated (compresses to
    almost nothing), and declared in [Content_Types].xml so openpyxl reads it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/' + name.encode() + b'" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>"))
            new.writestr(info, data)
        with new.open(name, "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                       b'openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(times):
                part.write(chunk)
            part.write(b"</sst>")
    return target


@pytest.mark.slow
def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    plain = write_list(tmp_path / "plain.xlsx", [person_row(1)])
    bomb = with_part(plain, tmp_path / "bomb.xlsx", "xl/sharedStrings.xml",
                     b"<si><t>" + b"a" * 1000 + b"</t></si>" * 1, 350_000)
    assert bomb.stat().st_size < 2_000_000
    outcome = read_in_child(bomb)
    assert "quá lớn khi giải nén" in str(outcome.get("refused")), outcome
    assert "xl/sharedStrings.xml" in str(outcome["refused"])
    assert float(outcome["peak_mb"]) < MEMORY_BOUND_MB  # type: ignore[arg-type]


def test_a_header_reaching_far_right_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=1, column=16_384, value="Ghi chú")
    sheet.append(person_row(1))
    book.save(tmp_path / "header.xlsx")
    with pytest.raises(UserError, match="kéo dài tới cột XFD; chỉ đọc được 200 cột đầu"):
        workbook.read_sheet(tmp_path / "header.xlsx")


def test_too_many_rows_and_too_long_cells_are_refused(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_list(tmp_path / "ds.xlsx", [person_row(i) for i in range(1, 8)])
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)
    with pytest.raises(UserError, match="có hơn 5 dòng dữ liệu \\(dòng 9 trở đi\\)"):
        workbook.read_sheet(path)
    monkeypatch.undo()
    # openpyxl cuts text at Excel's limit when writing: lengthen the cell in the XML.
    short = write_list(tmp_path / "short.xlsx", [[1, "Lò Văn Tâm", 1980, "Nam", None, None,
                                                  "Bản Hang", "LONG"]])
    long = replaced(short, tmp_path / "long.xlsx", b">LONG<", b">" + b"x" * 40_000 + b"<")
    with pytest.raises(UserError, match="Ô H4 dài 40.000 ký tự, quá giới hạn 32.767"):
        workbook.read_sheet(long)


def test_excel_escapes_are_decoded() -> None:
    assert decode_escapes("Nguyễn_x0000_Văn") == "NguyễnVăn"  # a control: dropped
    assert decode_escapes("dòng 1_x000D__x000A_dòng 2") == "dòng 1\r\ndòng 2"
    assert decode_escapes("A_x0042_C") == "ABC"
    assert decode_escapes("_x005F_x0041_") == "_x0041_"  # an escaped "_x" stays text
    assert decode_escapes("_xD800_ok") == "ok"  # a lone surrogate could not be saved
    assert decode_escapes("Mã_x_12") == "Mã_x_12"


def test_escapes_and_direction_marks_do_not_reach_the_register(register: Database,
                                                               tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", [
        [1, "Lò_x0000_ Văn Tâm", 1985, "Nam", None, None, "Bản Hang", None, None],
        [2, "Lò Thị \u202eMai\u202c", 1988, "Nữ", None, None, "Bản Hang", None,
         "Vợ_x000D_"],
        [3, "Hà \u2066Văn\u2069 Dũng", 1990, "Nam", None, None, "Bản Hang"],
    ])
    rows = preview_of(register, path).rows
    assert [r.person.full_name for r in rows] == ["Lò Văn Tâm", "Lò Thị Mai", "Hà Văn Dũng"]
    assert rows[1].person.relation == "Vợ"
