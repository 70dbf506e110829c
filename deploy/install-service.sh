#!/usr/bin/env bash
# Installs a built sofdir as a systemd service running as user `sofdir`
# with its data under /var/lib/sofdir. Run as root from the checkout after
# `make build`:   bash deploy/install-service.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
for bin in "$build_dir/server/sofdir-server" "$build_dir/client/sofdir"; do
  [ -x "$bin" ] || { echo "install-service: $bin missing; run 'make build' first" >&2; exit 1; }
done

id sofdir >/dev/null 2>&1 || useradd --system --home-dir /var/lib/sofdir --shell /usr/sbin/nologin sofdir
# The CMake install rules: both binaries to /usr/local/bin; the demo and the
# data files the server reads without flags (the search vocabulary,
# server/CMakeLists.txt) to /usr/local/share/sofdir, where it looks for them
# (<directory of the executable>/../share/sofdir).
cmake --install "$build_dir" --prefix /usr/local
install -d -m 0755 /usr/local/share/doc/sofdir /etc/sofdir
install -m 0644 README.md /usr/local/share/doc/sofdir/
[ -f /etc/sofdir/sofdir.conf ] || install -m 0644 deploy/sofdir.conf.example /etc/sofdir/sofdir.conf
install -m 0644 deploy/sofdir-server.service /etc/systemd/system/sofdir-server.service
install -d -o sofdir -g sofdir -m 0750 /var/lib/sofdir
systemctl daemon-reload
systemctl enable --now sofdir-server
systemctl --no-pager status sofdir-server | head -5
