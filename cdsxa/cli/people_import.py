"""`cdsxa import people FILE.xlsx [--dry-run] [--survey-date DATE] [--skip-bad-rows FILE]`:
preview every row, then all or nothing (or the good rows, the bad ones saved to fix)."""

import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from cdsxa.common.formatting import thousands
from cdsxa.excel.people_import import (
    apply,
    choice_line,
    preview,
    preview_lines,
    read_sheet,
    remembered_mapping,
    result_line,
)
from cdsxa.profile import paths, storage
from cdsxa.security.access import Principal
from cdsxa.security.keys import terminal_prompt

EXIT_REFUSED = 1


def run_cli(path: Path, data_dir: Path, dry_run: bool, sheet: str | None, actor: Principal,
            mapping: Mapping[str, str] | None = None, today: date | None = None,
            survey_date: date | None = None, bad_rows_file: Path | None = None) -> int:
    """`cdsxa import people`: preview, then import unless --dry-run or any row has an error
    (with `bad_rows_file`, error rows are saved there and the others imported)."""
    if not paths.database_path(data_dir).exists():
        return _no_profile(data_dir)
    db = storage.open_profile(data_dir, terminal_prompt)
    try:
        if db.commune_code is None:
            return _no_profile(data_dir)
        with db.reading(actor) as session:
            # Headers of the commune's own also help find the header row.
            known = {**remembered_mapping(session), **(mapping or {})}
            result = preview(session, read_sheet(path, sheet, known=known), mapping, today,
                             survey_date=survey_date)
        print("\n".join(preview_lines(result)))
        print(choice_line(result, bad_rows_file))
        if result.has_errors and bad_rows_file is None:
            print(f"cdsxa: Chưa nhập gì vì còn {thousands(result.counts['error'])} dòng lỗi. "
                  "Hãy sửa tệp rồi chạy lại, hoặc dùng --skip-bad-rows TỆP_LỖI.xlsx để nhập "
                  "các dòng đúng và lưu các dòng lỗi ra tệp.", file=sys.stderr)
            return EXIT_REFUSED
        if dry_run:
            print("Chỉ xem trước (--dry-run): chưa nhập gì.")
            return 0
        with db.transaction(actor) as session:
            done = apply(session, result, bad_rows_file)
        print(result_line(done))
        return 0
    finally:
        db.close()


def _no_profile(data_dir: Path) -> int:
    print(f"cdsxa: Chưa có hồ sơ xã tại {data_dir}. Hãy khởi tạo trước (cdsxa init).",
          file=sys.stderr)
    return EXIT_REFUSED
