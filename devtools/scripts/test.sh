#!/usr/bin/env bash
# `make test`: every test — lint, the backend against real MariaDB/Redis/emulator, the mini-program.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash devtools/scripts/services.sh
bash devtools/scripts/python_env.sh requirements-dev.txt

.venv/bin/ruff check .
.venv/bin/ruff format --check .

status=0
.venv/bin/pytest "$@" || status=$?
# pytest's 5 means it collected nothing: that is a broken suite here, not a pass.
if [ "$status" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
[ "$status" -eq 0 ] || exit "$status"

if [ -f miniprogram/package.json ]; then
  (cd miniprogram && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm test --silent)
fi
