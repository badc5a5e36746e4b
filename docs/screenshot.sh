#!/usr/bin/env bash
# Takes docs/editor.png: the standalone app's editor on a virtual display (Xvfb), without audio
# hardware, cropped to the editor's default size. Needs the standalone app's build dependencies
# (see README.md) plus `xvfb xauth imagemagick` and Mesa GL (`libgl1-mesa-dri`).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --features standalone --bin tingle-standalone
xvfb-run -a -s "-screen 0 2400x1600x24" sh -c '
  target/debug/tingle-standalone --backend dummy >/tmp/tingle-screenshot.log 2>&1 &
  app=$!
  sleep "${SETTLE_SECONDS:-8}"
  # The pointer rests in the middle of the screen, off the editor (no tooltip).
  import -window root -crop 1180x760+0+0 +repage docs/editor.png
  kill "$app"
'
echo "wrote docs/editor.png"
