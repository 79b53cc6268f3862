#!/usr/bin/env bash
# Installs VISTA Desktop (on the embedded SQLite default) and starts it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh app
exec .venv/bin/vista-desktop "$@"
