#!/usr/bin/env python3
"""Tingle's two VST3 plugins in a JUCE host (Spotify's pedalboard), as a producer meets them.

    python3 scripts/host_check.py target/bundled/Tingle.vst3

Checks, and prints what it measured:

- each plugin loads in under 3 s (pedalboard lists every parameter and probes its texts);
- a fresh "Tingle" (the instrument), given no notes, plays its default scene: its first 10 s
  measure above -40 LUFS;
- a fresh "Tingle Placer" adds nothing (silence in, exact silence out) and passes noise through
  placed straight ahead (centred, within 6 dB of the input's level); the same, sample for
  sample, after its state is saved (raw_state) and loaded into a fresh instance;
- a layer's Sound lists every family's variants and is set by name
  (`l1_sound = "Water: Droplet"`);
- hosts read the bare units (a gain's label is "dB", an angle's "°");
- a factory scene's VST3 preset (written by `cargo xtask bundle` into
  `vst3-presets/Tingle/Tingle Placer/` beside the bundle) plays in a fresh Placer (above
  -40 LUFS, where the fresh Placer is silent).

Needs pedalboard, numpy and pyloudnorm (scripts/lufs.py).
"""

import sys
import time
from pathlib import Path

import numpy as np
import pedalboard

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lufs import integrated_lufs  # noqa: E402

SAMPLE_RATE = 48_000
BLOCK = 512
FIRST_SOUND_S = 10.0
NOT_SILENT_LUFS = -40.0
MAX_LOAD_S = 3.0
# A factory scene's VST3 preset (the scene's layer 1 is a rain bed).
PRESET = "Rain on a Window.vstpreset"
# Front placement on noise: centred within 1 dB, level within 6 dB of the input.
MAX_FRONT_ILD_DB = 1.0
MAX_PLACED_GAIN_DB = 6.0

failures = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def load(path: str, name: str):
    start = time.perf_counter()
    plugin = pedalboard.load_plugin(path, plugin_name=name)
    seconds = time.perf_counter() - start
    check(
        seconds < MAX_LOAD_S,
        f"{name}: loads in {seconds:.2f} s with {len(plugin.parameters)} parameters",
    )
    return plugin


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(max(float(np.mean(np.square(x, dtype=np.float64))), 1e-30))


def run(plugin, audio: np.ndarray) -> np.ndarray:
    return plugin.process(audio, SAMPLE_RATE, buffer_size=BLOCK, reset=True)


def instrument_plays_at_once(path: str) -> None:
    tingle = load(path, "Tingle")
    frames = int(FIRST_SOUND_S * SAMPLE_RATE)
    if tingle.is_instrument:
        out = tingle([], duration=FIRST_SOUND_S, sample_rate=SAMPLE_RATE, buffer_size=BLOCK)
    else:
        out = run(tingle, np.zeros((2, frames), dtype=np.float32))
    lufs = integrated_lufs(out, SAMPLE_RATE)
    check(lufs > NOT_SILENT_LUFS, f"Tingle: first {FIRST_SOUND_S:.0f} s at {lufs:.1f} LUFS")
    sounds = tingle.parameters["l1_sound"].valid_values
    check(
        "Tap: Wood" in sounds and "Water: Droplet" in sounds and "Whisper: Breathy" in sounds,
        f"Tingle: l1_sound lists {len(sounds)} sounds",
    )
    tingle.l1_sound = "Water: Droplet"
    check(str(tingle.l1_sound) == "Water: Droplet", f"Tingle: l1_sound set by name ({tingle.l1_sound})")
    # pedalboard names a parameter with its unit once it recognises it ("output_gain_db").
    for name, unit in [("output_gain_db", "dB"), ("l1_level_db", "dB"), ("azimuth", "°")]:
        label = tingle.parameters[name].label
        check(label == unit, f"Tingle: {name}'s unit reads {label!r}")


def placer_places_and_adds_nothing(placer, what: str, noise: np.ndarray) -> np.ndarray:
    silence = run(placer, np.zeros((2, int(FIRST_SOUND_S * SAMPLE_RATE)), dtype=np.float32))
    check(not np.any(silence), f"{what}: silence in, silence out (peak {np.abs(silence).max():.2e})")
    placed = run(placer, noise)
    ild = rms_db(placed[0]) - rms_db(placed[1])
    gain = rms_db(placed[0]) - rms_db(noise[0])
    check(
        abs(ild) < MAX_FRONT_ILD_DB and abs(gain) < MAX_PLACED_GAIN_DB,
        f"{what}: noise placed in front (ILD {ild:+.2f} dB, level {gain:+.2f} dB)",
    )
    return placed


def preset_loads(path: str) -> None:
    """A factory scene's .vstpreset in a fresh Placer (silent when fresh, checked above): it
    plays the scene."""
    preset = Path(path).parent / "vst3-presets" / "Tingle" / "Tingle Placer" / PRESET
    placer = load(path, "Tingle Placer")
    placer.load_preset(str(preset))
    silence = np.zeros((2, int(FIRST_SOUND_S * SAMPLE_RATE)), dtype=np.float32)
    lufs = integrated_lufs(run(placer, silence), SAMPLE_RATE)
    check(lufs > NOT_SILENT_LUFS, f"Tingle Placer with {PRESET}: {lufs:.1f} LUFS")


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "target/bundled/Tingle.vst3"
    instrument_plays_at_once(path)

    rng = np.random.default_rng(7)
    mono = rng.uniform(-0.25, 0.25, int(2 * SAMPLE_RATE)).astype(np.float32)
    noise = np.stack([mono, mono])
    placer = load(path, "Tingle Placer")
    placed = placer_places_and_adds_nothing(placer, "Tingle Placer", noise)
    state = placer.raw_state
    reopened = load(path, "Tingle Placer")
    reopened.raw_state = state
    again = placer_places_and_adds_nothing(reopened, "reopened Tingle Placer", noise)
    check(np.array_equal(placed, again), "reopened Tingle Placer: the same samples")

    preset_loads(path)

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
