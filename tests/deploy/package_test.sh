#!/bin/bash
# The Debian package as an operator meets it (deploy/packaging.cmake):
# build it with cpack from BUILD_DIR, dpkg -i it, start the installed
# server the way the installed unit does (ExecStart from
# /lib/systemd/system/sofdir-server.service with /etc/sofdir/sofdir.conf;
# systemd need not be PID 1, so it runs by hand as user sofdir with
# setpriv, which execs it: signals reach the server itself), import the
# shipped demo directory and search it with the installed CLI, reload with
# SIGHUP, then dpkg -r (data and user kept) and dpkg -P (both gone).
# Needs root (dpkg); skips (exit 77) otherwise, or when a sofdir package is
# already installed. Usage: package_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; [ -f "${work:-/nonexistent}/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root to install the package with dpkg"
command -v dpkg >/dev/null && command -v cpack >/dev/null || skip "needs dpkg and cpack"
if dpkg-query -W -f='${Status}' sofdir 2>/dev/null | grep -q installed; then
  skip "a sofdir package is already installed here; not touching it"
fi
getent passwd sofdir >/dev/null && skip "a user sofdir exists already; not touching it"
[ -e /var/lib/sofdir ] && skip "/var/lib/sofdir exists already; not touching it"

work=$(mktemp -d)
server_pid=""
cleanup() {
  set +e
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if dpkg-query -W -f='${Status}' sofdir 2>/dev/null | grep -q 'installed\|config-files'; then
    dpkg -P sofdir >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build the package"
(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/pkg/sofdir_*.deb)
echo "$deb"

echo "== dpkg -i"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
getent passwd sofdir >/dev/null || fail "postinst did not create the user sofdir"
[ "$(stat -c '%U:%G %a' /var/lib/sofdir)" = "sofdir:sofdir 750" ] ||
  fail "/var/lib/sofdir is $(stat -c '%U:%G %a' /var/lib/sofdir), expected sofdir:sofdir 750"
[ -z "$(ls -A /var/lib/sofdir)" ] || fail "/var/lib/sofdir is not empty after install: no demo data unless configured"
for f in /usr/bin/sofdir /usr/bin/sofdir-server /etc/sofdir/sofdir.conf \
         /usr/share/sofdir/thesaurus.txt /usr/share/sofdir/query-rules.txt \
         /usr/share/sofdir/demo-directory.jsonl /lib/systemd/system/sofdir-server.service; do
  [ -f "$f" ] || fail "$f is not installed"
done
grep -qx /etc/sofdir/sofdir.conf /var/lib/dpkg/info/sofdir.conffiles || fail "sofdir.conf is no conffile"
unit=/lib/systemd/system/sofdir-server.service
grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit" || fail "the unit has no ExecReload sending SIGHUP"
grep -qx 'User=sofdir' "$unit" || fail "the unit does not run as sofdir"
grep -qx 'StateDirectory=sofdir' "$unit" || fail "the unit has no StateDirectory=sofdir"
grep -q '^ExecStart=/usr/bin/sofdir-server ' "$unit" || fail "ExecStart does not run /usr/bin/sofdir-server"
version=$(/usr/bin/sofdir --version)
grep -Eq '^sofdir [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]+|unknown)\)$' <<<"$version" ||
  fail "sofdir --version: $version"
version=$(/usr/bin/sofdir-server --version)
grep -Eq '^sofdir-server [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]+|unknown)\)$' <<<"$version" ||
  fail "sofdir-server --version: $version"
echo "$version"

echo "== start the installed server as the unit does"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
# systemd's EnvironmentFile syntax (KEY=VALUE, values unquoted), not shell.
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  key=${line%%=*}
  value=${line#*=}
  value=${value#\"}; value=${value%\"}
  export "$key=$value"
done </etc/sofdir/sofdir.conf
# The configured port may be taken on a shared machine: a free one instead.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SOFDIR_LISTEN=127.0.0.1:$port
eval "set -- $exec_start"
echo "as sofdir: $*"
setpriv --reuid=sofdir --regid=sofdir --init-groups -- "$@" >"$work/server.log" 2>&1 &
server_pid=$!
server=127.0.0.1:$port
for _ in $(seq 100); do
  /usr/bin/sofdir list unit --server "$server" --timeout 1 >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited"
  sleep 0.2
done
out=$(/usr/bin/sofdir list unit --server "$server")
grep -q 'no records' <<<"$out" ||
  fail "a fresh installation holds records: no demo data unless configured"
[ "$(stat -c %U "$SOFDIR_DATA_DIR")" = sofdir ] || fail "$SOFDIR_DATA_DIR is not owned by sofdir"

echo "== import the shipped demo directory and search it with the installed CLI"
/usr/bin/sofdir import /usr/share/sofdir/demo-directory.jsonl --server "$server" >"$work/import.log" ||
  { cat "$work/import.log"; fail "import failed"; }
out=$(COLUMNS=80 /usr/bin/sofdir search botilbud --server "$server")
head -5 <<<"$out"
grep -Eq '^ +1 +tilbud-[0-9]+ ' <<<"$out" || fail "search botilbud found no tilbud"
kill -HUP "$server_pid"
sleep 0.5
kill -0 "$server_pid" || fail "SIGHUP (systemctl reload) ended the server"
out=$(/usr/bin/sofdir search botilbud --server "$server" --json) || fail "search after reload failed"
grep -q '"id":"tilbud-' <<<"$out" || fail "search after reload found no tilbud: $out"
kill "$server_pid"
wait "$server_pid" || fail "the server did not stop cleanly on SIGTERM"
server_pid=""

echo "== dpkg -r keeps the data, the user and the configuration"
dpkg -r sofdir >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r failed"; }
[ ! -e /usr/bin/sofdir-server ] || fail "dpkg -r left /usr/bin/sofdir-server"
[ -d "$SOFDIR_DATA_DIR" ] || fail "dpkg -r removed $SOFDIR_DATA_DIR"
getent passwd sofdir >/dev/null || fail "dpkg -r removed the user sofdir"
[ -f /etc/sofdir/sofdir.conf ] || fail "dpkg -r removed the conffile"

echo "== reinstall finds the data again, then dpkg -P removes everything"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i (again) failed"; }
[ -d "$SOFDIR_DATA_DIR" ] || fail "reinstalling lost $SOFDIR_DATA_DIR"
dpkg -P sofdir >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -P failed"; }
[ ! -e /var/lib/sofdir ] || fail "dpkg -P left /var/lib/sofdir"
! getent passwd sofdir >/dev/null || fail "dpkg -P left the user sofdir"
! getent group sofdir >/dev/null || fail "dpkg -P left the group sofdir"
[ ! -e /etc/sofdir ] || fail "dpkg -P left /etc/sofdir"
echo "PASS"
