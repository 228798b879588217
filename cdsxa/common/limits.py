"""The longest text each field keeps: one table for the GUI, the CLI, the import and sync.

The change-log hook (cdsxa.db.changelog) checks every text column listed here on
every flush, so no way in can store more; the import checks its rows against the
same numbers first, to name the row (`problem`). Each limit is at most the column's
declared width (the hub's PostgreSQL refuses longer text), and well under Excel's
32,767 characters a cell, so an export never cuts a value.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cdsxa.common.formatting import thousands

NAME = 150  # a person's, a team's, a user's full name
SHORT = 50  # ethnicity, relation to the head, household number
PLACE = 100  # a village, a province, a commune
ADDRESS = 200  # an address, a meeting place, the name of a body or a course
NOTE = 2000  # free text: notes, reasons
ID_NUMBER, PHONE = 12, 10  # stored normalised (cdsxa.register.idnumber, phone)


@dataclass(frozen=True)
class Limit:
    chars: int
    label: str  # the field as the officer knows it, for the message


# (table, column) → its limit. Columns of travelling tables that are not listed are
# codes the services choose from fixed lists, or stamps of the hook (UNCHECKED).
FIELDS: Mapping[tuple[str, str], Limit] = {
    ("person", "full_name"): Limit(NAME, "Họ và tên"),
    ("person", "ethnicity"): Limit(SHORT, "Dân tộc"),
    ("person", "id_number"): Limit(ID_NUMBER, "Số định danh"),
    ("person", "phone"): Limit(PHONE, "Số điện thoại"),
    ("person", "relation_to_head"): Limit(SHORT, "Quan hệ với chủ hộ"),
    ("person", "notes"): Limit(NOTE, "Ghi chú"),
    ("household", "code"): Limit(SHORT, "Mã hộ"),
    ("household", "address"): Limit(ADDRESS, "Địa chỉ"),
    ("village", "name"): Limit(PLACE, "Tên thôn/bản"),
    ("commune_profile", "province_name"): Limit(PLACE, "Tên tỉnh"),
    ("commune_profile", "commune_name"): Limit(PLACE, "Tên xã"),
    ("commune_profile", "issuing_body"): Limit(ADDRESS, "Cơ quan ban hành"),
    ("commune_profile", "receiving_body"): Limit(ADDRESS, "Cơ quan nhận"),
    ("support_session", "reason"): Limit(NOTE, "Lý do"),
    ("support_session", "notes"): Limit(NOTE, "Ghi chú"),
    ("group_session", "place"): Limit(ADDRESS, "Địa điểm"),
    ("group_session", "notes"): Limit(NOTE, "Ghi chú"),
    ("vneid_step", "note"): Limit(NOTE, "Ghi chú"),
    ("team", "name"): Limit(NAME, "Tên tổ"),
    ("team_member", "full_name"): Limit(NAME, "Họ và tên thành viên"),
    ("team_member", "phone"): Limit(PHONE, "Số điện thoại"),
    ("team_member", "role"): Limit(PLACE, "Vai trò trong tổ"),
    ("training", "course"): Limit(ADDRESS, "Tên khóa tập huấn"),
    ("app_user", "full_name"): Limit(NAME, "Họ và tên người dùng"),
    ("app_user", "position"): Limit(NAME, "Chức vụ"),
    ("app_user", "username"): Limit(60, "Tên đăng nhập"),
}

# Text columns of travelling tables deliberately without a limit here.
UNCHECKED = frozenset({
    "updated_by", "name_key", "gender", "vneid_status", "consent", "kind", "person_gender",
    "result", "topic", "topic_code", "organisation", "step", "failure_reason",
})


def longest(table: str, column: str) -> int:
    """The limit of a listed field (KeyError for another)."""
    return FIELDS[(table, column)].chars


def problem(table: str, column: str, value: str | None) -> str | None:
    """Why value is too long for the field (Vietnamese), or None; for unlisted fields too."""
    limit = FIELDS.get((table, column))
    if limit is None or value is None or len(value) <= limit.chars:
        return None
    return (f"{limit.label} quá dài: {thousands(len(value))} ký tự, tối đa "
            f"{thousands(limit.chars)} ký tự.")
