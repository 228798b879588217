"""Vietnamese for argparse's own words ("usage:", "options:", its error messages).

argparse looks every such string up through the module-level `_` and `ngettext` it imported
from gettext, at the moment it prints; replacing those two names is enough, and strings this
table does not know (programmer errors) stay as argparse wrote them.
"""

import argparse
from collections.abc import Callable

_VIETNAMESE = {
    "usage: ": "cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "subcommands": "lệnh con",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "còn thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ (%(type)s): %(value)r",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "not allowed with argument %s": "không dùng được cùng với %s",
    "ignored explicit argument %r": "bỏ qua giá trị không cần: %r",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn không rõ: %(option)s có thể là %(matches)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "lệnh không có: %(parser_name)r (chọn một trong: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "không mở được “%(filename)s”: %(error)s",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
}

# The `--version` action's default help is a plain literal, not passed through `_`.
VERSION_HELP = "hiện phiên bản rồi thoát"


def _gettext(message: str | None) -> str | None:
    if message is None:  # argparse passes a missing description through `_` too
        return None
    return _VIETNAMESE.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    chosen = singular if count == 1 else plural
    return _VIETNAMESE.get(chosen, chosen)


def install() -> None:
    """Make argparse speak Vietnamese in this process (idempotent)."""
    names: dict[str, Callable[..., object]] = {"_": _gettext, "ngettext": _ngettext}
    for name, function in names.items():
        setattr(argparse, name, function)
