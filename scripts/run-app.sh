#!/usr/bin/env bash
# Sets everything up the first time, then starts CĐS Xã. Arguments go to the `cdsxa`
# command, e.g.
#   scripts/run-app.sh                      # the GUI (first start: the setup wizard)
#   scripts/run-app.sh --demo               # the GUI on a demo commune in ./demo-data
#   scripts/run-app.sh demo --size small --data-dir DIR
set -euo pipefail
cd "$(dirname "$0")/.."
# Setup (system packages, pip install) takes seconds to tens of seconds: run it only when
# there is no environment yet or pyproject.toml (the dependencies) changed since the last
# one. scripts/setup.sh can always be run by hand to repair an environment.
STAMP=.venv/.run-app-setup-done
if [ ! -x .venv/bin/cdsxa ] || [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  scripts/setup.sh
  touch "$STAMP"
fi
if [ "${1:-}" = "--demo" ]; then
  shift
  export CDSXA_DATA_DIR="${CDSXA_DATA_DIR:-$PWD/demo-data}"
  # The demo's data key is unlocked by a known passphrase (a real profile keeps its key
  # in the OS keyring, or asks); its administrator is "admin" with a known password.
  export CDSXA_PASSPHRASE="${CDSXA_PASSPHRASE:-cdsxa-demo-data}"
  if [ ! -f "$CDSXA_DATA_DIR/cdsxa.sqlite3" ]; then
    .venv/bin/cdsxa demo --size small --admin-password "${CDSXA_ADMIN_PASSWORD:-demo-2026}"
  fi
  echo "run-app: demo commune; sign in as admin / ${CDSXA_ADMIN_PASSWORD:-demo-2026}" >&2
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "run-app: no screen found; running on a virtual display (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/cdsxa "$@"
fi
exec .venv/bin/cdsxa "$@"
