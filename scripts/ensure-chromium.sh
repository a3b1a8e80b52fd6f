#!/usr/bin/env bash
# Debian's Chromium drives the browser tests (Playwright uses it; no browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installation de Chromium (paquet Debian chromium)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium est absent : installez le paquet Debian « chromium » (sudo apt-get install chromium)." >&2
  exit 1
fi
