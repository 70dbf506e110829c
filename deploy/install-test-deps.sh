#!/usr/bin/env bash
# Installs what the web page's tests need on top of deploy/install-deps.sh:
# Debian's Chromium (the real browser the page tests drive), python3-aiosmtpd
# (the SMTP server the mail tests deliver to), Node.js with npm
# when the machine has none, and the npm packages of tests/web from the
# committed lock file (playwright-core, axe-core, swagger-parser), and
# Debian's prometheus (tests/api/prometheus_scrape_test.cc scrapes the
# server with it). Idempotent:
# apt and npm only run when something is missing or the lock file changed.
# Must run as root (or via sudo) when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
# The real SMTP server the mail tests deliver to (tests/testing/smtp_sink.py).
dpkg-query -W -f='${Status}' python3-aiosmtpd 2>/dev/null | grep -q "install ok installed" ||
  missing+=(python3-aiosmtpd)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci again only when the lock file is newer than the last install.
stamp=tests/web/node_modules/.sofdir-installed
if [ ! -f "$stamp" ] || [ tests/web/package-lock.json -nt "$stamp" ]; then
  echo "install-test-deps: npm ci in tests/web (from package-lock.json)"
  (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
else
  echo "install-test-deps: tests/web packages present"
fi
