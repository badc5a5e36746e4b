#!/usr/bin/env python3
"""A/B of factory scenes dry and in their rooms: renders each with tingle-render twice (the
scene as saved, and the same with --room off), asks the judge what each sounds like, and
draws a spectrogram pair per scene into docs/room/. Prints a Markdown table for docs/ROOM.md.

Usage: scripts/room_ab.py [--bin target/release/tingle-render] [--seconds 20]
Needs the judge's venv (numpy, scipy, soundfile; matplotlib for the pictures): see
../shared/tools/JUDGE.md.
"""
import argparse
import json
import os
import subprocess
import tempfile

from judge_variants import ROOT, judge

# Scene, the labels a listener would give it.
SCENES = [
    ("fireside-whispers", ["Fireplace", "Fire", "Whispering", "Crackle"]),
    ("rain-on-a-window", ["Rain", "Rain on surface", "Raindrop"]),
    ("campfire-night", ["Fire", "Crackle", "Fireplace"]),
    ("library-rain", ["Rain", "Rustle", "Crumpling, crinkling"]),
    ("gentle-start", ["Tap", "Wood", "Knock", "Rain"]),
]


def spectrograms(pairs, picture):
    """Draws each (title, wav) pair's left ear as a spectrogram, side by side, into `picture`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import soundfile as sf
    fig, axes = plt.subplots(1, len(pairs), figsize=(5 * len(pairs), 3.2), sharey=True)
    for ax, (title, path) in zip(axes, pairs):
        x, rate = sf.read(path)
        ax.specgram(x[:, 0], NFFT=1024, Fs=rate, noverlap=768, cmap="magma", vmin=-130)
        ax.set_title(title)
        ax.set_xlabel("s")
        ax.set_ylim(0, 12000)
    axes[0].set_ylabel("Hz")
    fig.tight_layout()
    fig.savefig(picture, dpi=80)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "tingle-render"))
    ap.add_argument("--seconds", type=float, default=20.0)
    a = ap.parse_args()
    pictures = os.path.join(ROOT, "docs", "room")
    os.makedirs(pictures, exist_ok=True)
    print("| Scene | Room | Dry: top label, best expected (rank) | In the room: top label, best "
          "expected (rank) | Gain to -26 LUFS, dry / room |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for scene, expected in SCENES:
            path = os.path.join(ROOT, "scenes", scene + ".json")
            room = json.load(open(path))["params"].get("room", "off")
            renders = {}
            for kind, extra in (("dry", ["--room", "off"]), ("room", [])):
                wav = os.path.join(tmp, f"{scene}-{kind}.wav")
                out = subprocess.run([a.bin, path, wav, "--duration", str(a.seconds),
                                      "--loudness", "-26", *extra],
                                     check=True, capture_output=True, text=True).stdout
                renders[kind] = (wav, out.strip().splitlines()[-1])
            verdicts = judge([renders["dry"][0], renders["room"][0]], expected)
            cells = []
            for verdict in verdicts:
                top = verdict["top"][0]
                best = min((e for e in verdict["expected"] if e["rank"] is not None),
                           key=lambda e: e["rank"])
                cells.append(f"{top['label']} ({top['score']:.2f}); {best['label']} "
                             f"(rank {best['rank']})")
            gains = [r[1].split("gain ")[1].split(" dB")[0] for r in renders.values()]
            spectrograms([(f"{scene}: dry", renders["dry"][0]),
                          (f"{scene}: {room}", renders["room"][0])],
                         os.path.join(pictures, scene + ".png"))
            print(f"| {scene} | {room} | {cells[0]} | {cells[1]} | {gains[0]} / {gains[1]} dB |")


if __name__ == "__main__":
    main()
