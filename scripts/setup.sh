#!/usr/bin/env bash
# Sets up everything CĐS Xã needs on Debian/Ubuntu: the system libraries Qt loads,
# fonts with Vietnamese glyphs, a virtual display for headless machines, a PostgreSQL
# server for the tests (they start their own, see tests/postgres.py), and a virtual
# environment (.venv) with the app and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_RUNTIME_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  fonts-dejavu-core fonts-liberation2 xvfb xauth
  # The tests read printed lists and documents back (pdftotext) and look at them (pdftoppm).
  poppler-utils
)
# The tests run a throwaway PostgreSQL server of their own (a province hub runs one).
POSTGRES_PACKAGE=postgresql

postgres_server_present() {
  # Any version will do: Debian keeps initdb in /usr/lib/postgresql/<version>/bin.
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

install_system_packages() {
  command -v apt-get >/dev/null 2>&1 || { echo "setup: not Debian/Ubuntu; install Qt's runtime libraries and PostgreSQL yourself" >&2; return 0; }
  local missing=()
  for package in "${QT_RUNTIME_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  postgres_server_present || missing+=("$POSTGRES_PACKAGE")
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_311_or_newer() {
  "$1" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null
}

make_venv() {
  local python="${PYTHON:-python3}"
  python_311_or_newer "$python" || { echo "setup: Python 3.11 or newer is needed ($python is older)" >&2; exit 1; }
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv || { echo "setup: python3 -m venv failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
  fi
  # Quiet when it works; the whole log when it does not.
  .venv/bin/python -m pip install -e '.[dev]' >.venv/pip-install.log 2>&1 \
    || { cat .venv/pip-install.log >&2; echo "setup: pip install failed" >&2; exit 1; }
  .venv/bin/python -c 'import cdsxa, PySide6, pytestqt, psycopg, fastapi, uvicorn, requests' || { echo "setup: installing the Python packages failed" >&2; exit 1; }
}

install_system_packages
make_venv
