"""Asking for a secret on the terminal, for the commune app's and the hub's commands."""

import getpass
import os
import sys

from cdsxa.common.errors import UserError


def new_admin_password(environment: str) -> str:
    """The password in `environment`, or asked twice on a terminal (never echoed)."""
    given = os.environ.get(environment)
    if given:
        return given
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(f"Hãy đặt mật khẩu quản trị trong biến môi trường {environment}.")
    first = getpass.getpass("Mật khẩu quản trị: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise UserError("Hai lần nhập mật khẩu không giống nhau.")
    return first
