#!/usr/bin/env bash
# Install what the tests need and run the whole suite on SQLite and on PostgreSQL.
#   - Debian's chromium for the browser tests (apt-get; sudo when not root);
#   - the dev requirements in .venv;
#   - PostgreSQL must listen on 127.0.0.1:5432 with trust auth (TEST_POSTGRES_URL overrides):
#     the tests create and drop a throwaway database of their own.
# Extra arguments go to pytest (e.g. scripts/test.sh --db sqlite -k rankings).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

exec .venv/bin/python -m pytest -n auto "$@"
