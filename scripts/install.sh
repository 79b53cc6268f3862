#!/usr/bin/env bash
# Installs what VISTA Desktop needs into .venv; as root on Debian/Ubuntu also the system libraries.
# Usage: scripts/install.sh [app|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

system_packages=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
                 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0
                 libxcb-image0 libxcb-shape0)
if [ "$mode" = test ]; then
  # poppler: pdftotext/pdffonts/pdfsig; LibreOffice: proves a DOCX opens; SoftHSM2 + OpenSC: a real PKCS#11
  # token; NSS tools: a trust database for pdfsig; gcc + p11-kit headers: the fault-injecting PKCS#11 shim.
  system_packages+=(poppler-utils libreoffice-writer-nogui softhsm2 opensc libnss3-tools gcc libp11-kit-dev)
  system_packages+=(postgresql)  # the intake server's tests on PostgreSQL (started by the tests on a private port)
  system_packages+=(gnome-keyring dbus-daemon)  # a real Secret Service keyring under dbus-run-session (sync tests)
fi

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  for package in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$mode" = test ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi

# Start-up time. PySide6 keeps the Python half of its signature support inside libshiboken and compiles it from
# source at every launch (about 30 ms, a fifth of a bare PySide6 window); SBK_EMBED=0 is shiboken's own switch
# to write those files out beside the library, where Python caches them compiled like any module. Made anew on
# every install (SBK_EMBED=1 removes the copy), so that they always match the installed PySide6. Our own code is
# compiled too: an editable install leaves that to the first launch, and never where PYTHONDONTWRITEBYTECODE is set.
SBK_EMBED=1 .venv/bin/python -c "import shiboken6"
SBK_EMBED=0 .venv/bin/python -c "import shiboken6"
.venv/bin/python -m compileall -q "$(.venv/bin/python -c 'import shiboken6, pathlib; print(pathlib.Path(shiboken6.__file__).parent / "files.dir")')" src
