#!/usr/bin/env bash
# Stop what `make demo` started.
set -uo pipefail
cd "$(dirname "$0")/../.."
for name in gunicorn worker emulator; do
  pidfile="var/run/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    [ "${1:-}" = quiet ] || echo "stopped $name"
  fi
  rm -f "$pidfile"
done
