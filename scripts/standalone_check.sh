#!/usr/bin/env bash
# The README's standalone command plays from its first seconds: runs the app (the instrument,
# default layout: stereo in, nothing connected to it) with `--backend auto` under JACK's dummy
# driver and an X server (Xvfb) for its editor, records its two outputs for the first 10 s with
# jack_rec, and checks their integrated loudness is above -40 LUFS.
#
#   scripts/standalone_check.sh STANDALONE_BINARY PYTHON
#
# PYTHON has pedalboard and pyloudnorm (see scripts/lufs.py). Needs jackd2 and xvfb.
set -euo pipefail
app=$1
python=$2
cd "$(dirname "$0")/.."

readonly RECORD_S=10
readonly THRESHOLD_LUFS=-40
readonly WAV=/tmp/tingle-standalone-first.wav
log=/tmp/tingle-standalone-jack.log
pids=()
# Each background job runs in its own process group (setsid), so that stopping it stops its
# children too (xvfb-run's X server and the app).
cleanup() {
  # The app first, then the JACK server it talks to.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -- "-${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

setsid jackd --no-realtime -d dummy -r 48000 -p 1024 >/tmp/tingle-jackd.log 2>&1 &
pids+=($!)
jack_wait -w -t 10 >/dev/null

setsid xvfb-run -a "$app" --backend auto >"$log" 2>&1 &
pids+=($!)
# The app registers its output ports (tingle:output_1, _2) as its JACK client starts.
ports=""
for _ in $(seq 100); do
  ports=$(jack_lsp | grep -iE '^tingle:output_[0-9]+$' || true)
  [ -n "$ports" ] && break
  sleep 0.1
done
if [ -z "$ports" ]; then
  echo "the standalone app made no JACK output ports:"; cat "$log"; exit 1
fi
rm -f "$WAV"
# shellcheck disable=SC2086
jack_rec -f "$WAV" -d "$RECORD_S" $ports >/dev/null
"$python" scripts/lufs.py "$WAV" --above "$THRESHOLD_LUFS"
