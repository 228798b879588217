"""Import households and people from the .xlsx lists communes keep.

    sheet = read_sheet(path)              # a bad file is a UserError, never a traceback
    result = preview(session, sheet)      # every row: new, update, duplicate or error
    apply(session, result)                # all rows in the caller's transaction, or none
    apply(session, result, bad_rows_file) # or the good rows, the bad ones saved to fix

The GUI shows the preview and lets the officer change the column mapping
(header text -> field); the mapping last imported with is remembered. The command
line (`cdsxa import people`) is cdsxa.cli.people_import.
"""

from cdsxa.common.formatting import thousands, vn_date
from cdsxa.excel.columns import FIELDS, IGNORE, LABELS, detect_mapping
from cdsxa.excel.people_apply import ImportResult, apply, choice_line
from cdsxa.excel.people_preview import (
    ACTION_LABELS,
    ACTIONS,
    ImportPreview,
    ImportRow,
    preview,
    remembered_mapping,
)
from cdsxa.excel.people_rows import ParsedPerson
from cdsxa.excel.workbook import Sheet, SheetRow, read_sheet

__all__ = [
    "ACTIONS", "ACTION_LABELS", "FIELDS", "IGNORE", "LABELS", "ImportPreview", "ImportResult",
    "ImportRow", "ParsedPerson", "Sheet", "SheetRow", "apply", "choice_line", "detect_mapping",
    "preview",
    "preview_lines", "read_sheet", "remembered_mapping", "result_line",
]


def preview_lines(result: ImportPreview) -> list[str]:
    """The preview as text: columns, counts, unknown villages, one line per problem row."""
    used = ", ".join(LABELS[f] for f in result.mapping.values())
    counts = " · ".join(f"{ACTION_LABELS[a].capitalize()}: {thousands(result.counts[a])}"
                        for a in ACTIONS)
    lines = [f"Trang “{result.sheet}”, tiêu đề ở dòng {result.header_row}; cột đọc được: {used}.",
             f"{counts} · Dòng trống bỏ qua: {thousands(result.blank_rows)}.",
             f"Ngày khảo sát: {vn_date(result.survey_date)} (các kết quả, cáp quang và tài "
             "khoản VNeID trong tệp được tính từ ngày này)."]
    if result.unknown_villages:
        lines.append("Thôn/bản chưa có trong danh sách của xã: "
                     + ", ".join(result.unknown_villages) + ".")
    for row in result.problems:
        if row.action in ("error", "duplicate"):
            lines.append(f"Dòng {row.number}: {ACTION_LABELS[row.action]} — {row.reason}")
        lines += [f"Dòng {row.number}: cảnh báo — {warning}" for warning in row.warnings]
    return lines


def result_line(result: ImportResult) -> str:
    line = (f"Đã nhập: {thousands(result.added)} người mới, cập nhật {thousands(result.updated)} "
            f"người, bỏ qua {thousands(result.skipped)} dòng trùng; "
            f"{thousands(result.households_added)} hộ mới.")
    if result.already_in_register:
        line += (f" {thousands(result.already_in_register)} dòng “mới” đã có trong sổ lúc nhập "
                 "(vừa được nhập từ lần khác) nên không thêm lại.")
    if result.bad_rows_file is not None:
        line += (f" {thousands(result.bad_rows)} dòng lỗi chưa nhập, đã lưu vào tệp "
                 f"{result.bad_rows_file.name} để sửa.")
    return line
