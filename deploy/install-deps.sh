#!/usr/bin/env bash
# Installs the Debian 12 packages sofdir needs to build, run and test.
# Idempotent: packages already present are not touched, and apt is only
# called when something is missing. Must run as root (or via sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git python3
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc
  librocksdb-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libicu-dev libstemmer-dev
  libjemalloc-dev
  libcli11-dev
  libcpp-httplib-dev
  python3-grpcio python3-protobuf
  openssl libssl-dev
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
