"""Excel's `_xHHHH_` escapes: how .xlsx stores characters XML cannot carry.

Excel writes a control character (or any character, by some programs) as
`_x` + four hex digits + `_`, and a literal "_x" that would look like one as
`_x005F_x…`. openpyxl hands the escapes over as typed, so a name read back as
"Nguyễn_x0000_Văn" would be saved that way. Decoding happens once, as each cell
is read (cdsxa.excel.workbook).
"""

import re

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Kept when decoded: tab and line breaks. Other C0/C1 controls and lone surrogates
# mean nothing in a name and cannot be stored (a surrogate fails to encode).
_KEPT_CONTROLS = frozenset("\t\n\r")


def _character(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    code = ord(char)
    if char in _KEPT_CONTROLS:
        return char
    if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000:
        return ""
    return char


def decode_escapes(value: str) -> str:
    """'Nguyễn_x0000_Văn' -> 'NguyễnVăn'; '_x005F_x0041_' -> '_x0041_' (left to right, once)."""
    if "_x" not in value:  # almost every cell: skip the regex
        return value
    return _ESCAPE.sub(_character, value)
