"""Which spreadsheet column holds which field: the headers communes use, and synonyms.

Headers are compared folded (no case, no diacritics), without notes in brackets
such as "Ngày sinh (dd/mm/yyyy)" or marks such as "*" and ":".
"""

import re
from collections.abc import Mapping, Sequence

from cdsxa.common.errors import UserError
from cdsxa.common.text import fold

IGNORE = ""  # a mapping value meaning "do not read this column"

# field -> the header written on export (and shown in the GUI), then folded synonyms.
LABELS: dict[str, str] = {
    "full_name": "Họ và tên",
    "birth": "Ngày sinh",
    "gender": "Giới tính",
    "id_number": "Số định danh cá nhân",
    "phone": "Số điện thoại",
    "ethnicity": "Dân tộc",
    "village": "Thôn/bản",
    "household_code": "Mã hộ",
    "relation": "Quan hệ với chủ hộ",
    "notes": "Ghi chú",
    "smartphone": "Điện thoại thông minh",
    "fibre": "Cáp quang",
    "vneid": "VNeID",
    "payment_account": "Tài khoản thanh toán",
    "dvc_account": "Tài khoản DVC",
    "digital_signature": "Chữ ký số",
    "protection_software": "Phần mềm bảo vệ",
    "digital_skills": "Kỹ năng số cơ bản",
    "consent": "Đồng ý lưu dữ liệu",
    "consent_on": "Ngày đồng ý/từ chối",
}
FIELDS = tuple(LABELS)
# Yes/no survey columns stored as person_outcome rows (codes of cdsxa.common.outcomes).
PERSON_OUTCOME_FIELDS = ("smartphone", "payment_account", "dvc_account", "digital_signature",
                         "protection_software", "digital_skills")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ho va ten nguoi dan", "ten"),
    "birth": ("ngay sinh", "nam sinh", "ngay thang nam sinh", "ngay, thang, nam sinh",
              "ngay/thang/nam sinh"),
    "gender": ("gioi tinh", "gioi"),
    "id_number": ("so dinh danh ca nhan", "so cccd", "cccd", "so dinh danh", "so can cuoc",
                  "so can cuoc cong dan", "can cuoc cong dan", "so cccd/cmnd", "cccd/cmnd",
                  "ma dinh danh", "so ddcn"),
    "phone": ("so dien thoai", "sdt", "dien thoai", "so dt", "dt", "dien thoai di dong"),
    "ethnicity": ("dan toc",),
    "village": ("thon", "thon/ban", "ban", "to dan pho", "thon/to dan pho", "thon/ban/to dan pho",
                "thon, ban", "khoi pho", "thon/xom", "xom", "thon/khoi pho"),
    "household_code": ("ma ho", "so ho", "ma ho gia dinh", "so ho khau", "ma so ho"),
    "relation": ("quan he voi chu ho", "quan he", "quan he chu ho"),
    "notes": ("ghi chu",),
    "smartphone": ("dien thoai thong minh", "co dien thoai thong minh", "smartphone",
                   "dtdd thong minh"),
    "fibre": ("cap quang", "internet cap quang", "mang cap quang", "internet"),
    "vneid": ("vneid", "tai khoan vneid", "dinh danh dien tu", "tai khoan dinh danh dien tu",
              "danh tinh so", "muc vneid"),
    "payment_account": ("tai khoan thanh toan", "tai khoan thanh toan so", "tk thanh toan"),
    "dvc_account": ("tai khoan dvc", "tai khoan dich vu cong", "tai khoan dich vu cong truc tuyen",
                    "tk dvc", "tai khoan dvctt"),
    "digital_signature": ("chu ky so", "chu ky so ca nhan"),
    "protection_software": ("phan mem bao ve", "phan mem bao ve co ban"),
    "digital_skills": ("ky nang so co ban", "ky nang so"),
    "consent": ("dong y luu du lieu", "dong y", "dong y luu thong tin",
                "dong y xu ly du lieu", "dong y xu ly du lieu ca nhan",
                "dong y cung cap thong tin", "y kien dong y"),
    "consent_on": ("ngay dong y/tu choi", "ngay dong y", "ngay dong y luu du lieu"),
}
_BY_KEY = {key: field for field, keys in _SYNONYMS.items() for key in keys}

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_MARKS = re.compile(r"[*:.;?!\"'“”]")
_SLASH = re.compile(r"\s*/\s*")


def header_key(text: str) -> str:
    """'Thôn / Bản (*)' -> 'thon/ban': the form headers are compared in."""
    folded = fold(_BRACKETS.sub(" ", text))
    return " ".join(_SLASH.sub("/", _MARKS.sub(" ", folded)).split())


def field_of(header: str) -> str | None:
    return _BY_KEY.get(header_key(header)) if header else None


def detect_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index -> field for the headers recognised; a repeated field keeps its first column."""
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        field = field_of(header)
        if field is not None and field not in found.values():
            found[index] = field
    return found


def resolve_mapping(headers: Sequence[str], *overrides: Mapping[str, str]) -> dict[int, str]:
    """Detected mapping, then each override (header text -> field, or IGNORE) on top.

    An override naming a header the sheet does not have is skipped (a remembered
    mapping from another file); one naming an unknown field is refused.
    """
    mapping = detect_mapping(headers)
    by_key = {header_key(h): i for i, h in reversed(list(enumerate(headers))) if h}
    for override in overrides:
        for header, field in override.items():
            if field != IGNORE and field not in LABELS:
                raise UserError(f"Không có trường “{field}” để gán cho cột “{header}”.")
            index = by_key.get(header_key(header))
            if index is None:
                continue
            if field == IGNORE:
                mapping.pop(index, None)
                continue
            mapping = {i: f for i, f in mapping.items() if f != field}
            mapping[index] = field
    return dict(sorted(mapping.items()))


def as_header_mapping(headers: Sequence[str], mapping: Mapping[int, str]) -> dict[str, str]:
    """The mapping by header text, with recognised columns left out as IGNORE (to remember)."""
    named: dict[str, str] = {}
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if header and header_key(header) not in seen:
            seen.add(header_key(header))
            named[header] = mapping.get(index, IGNORE)
    return {h: f for h, f in named.items() if f != IGNORE or field_of(h) is not None}
