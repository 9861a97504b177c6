#!/usr/bin/env bash
# The main job: install what is missing, build (release), run `h5mem bench` (chunk shapes x codecs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=false -Dbench=disabled
ninja -C build tools/h5mem
./build/tools/h5mem bench
