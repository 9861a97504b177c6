#!/usr/bin/env bash
# Installs the Debian packages h5mem needs, only those missing. Usage:
#   scripts/setup.sh build   # compiler, meson, zlib, libdeflate, CLI11
#   scripts/setup.sh test    # + doctest (and the interop oracle tools)
#   scripts/setup.sh bench   # + Google Benchmark and libhdf5 (baseline only)
set -euo pipefail
want=(g++ meson ninja-build pkg-config zlib1g-dev libdeflate-dev libcli11-dev python3)
case "${1:-build}" in
  build) ;;
  test) want+=(doctest-dev python3-h5py python3-numpy hdf5-tools netcdf-bin python3-netcdf4
        python3-tables) ;;
  bench) want+=(libbenchmark-dev libhdf5-dev) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
