#!/usr/bin/env bash
# Usage: packaging/smoke.sh [path to the frozen executable]
# Starts the frozen app headless with a throw-away profile; passes when it shows its window and loads the drafts.
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-dist/vista-desktop/vista-desktop}"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
output=$(QT_QPA_PLATFORM=offscreen VISTA_DESKTOP_SMOKE=1 VISTA_DESKTOP_DATA_DIR="$profile" \
         timeout 120 "$app")
echo "$output"
[ "$(echo $output)" = "window-shown drafts-listed drafts-loaded" ]
test -f "$profile/vista.sqlite3"
# The command line of the same bundle: fonts, definitions and both renderers must be inside it.
"$app" render mau-01 tests/data/mau01_complete.json \
    --pdf "$profile/smoke.pdf" --docx "$profile/smoke.docx"
test -s "$profile/smoke.pdf"
test -s "$profile/smoke.docx"
echo "smoke run passed"
