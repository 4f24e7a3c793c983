#!/usr/bin/env bash
# Create .venv and install the pinned dependencies when requirements changed since last time.
set -euo pipefail
cd "$(dirname "$0")/../.."

requirements="${1:-requirements-dev.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$(basename "$requirements")"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  touch "$stamp"
fi
