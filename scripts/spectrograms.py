#!/usr/bin/env python3
"""Spectrogram pictures of a gallery: one PNG per WAV file (the two ears summed).

    cargo run --release --bin tingle-render -- gallery target/gallery --seeds 1
    ~/.cache/judge-venv/bin/python scripts/spectrograms.py target/gallery docs/sounds

Needs numpy, scipy and matplotlib (the judge's venv has them, see ../shared/tools/JUDGE.md).
Each picture: time 0..length across, frequency 0..20 kHz up, level in dB relative to the
loudest cell, 70 dB shown.
"""
import argparse
import glob
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.io import wavfile  # noqa: E402
from scipy.signal import spectrogram  # noqa: E402

# Analysis window (s), hop as a fraction of it, top of the picture (Hz), range shown (dB).
WINDOW_S = 0.02
HOP_FRACTION = 0.25
TOP_HZ = 20_000
RANGE_DB = 70
# Picture size (inches) and resolution (dots per inch).
SIZE_IN = (8, 2.6)
DPI = 90


def picture(wav_path, png_path, span=None):
    """Writes the spectrogram of `wav_path` to `png_path`; `span` = (start, end) in seconds
    zooms into that stretch (default: the whole file)."""
    rate, x = wavfile.read(wav_path)
    x = x.astype(np.float64)
    mono = x.sum(axis=1) if x.ndim == 2 else x
    start = 0.0
    if span is not None:
        start = span[0]
        mono = mono[int(span[0] * rate):int(span[1] * rate)]
    n = int(WINDOW_S * rate)
    f, t, s = spectrogram(mono, fs=rate, window="hann", nperseg=n,
                          noverlap=n - int(n * HOP_FRACTION), mode="psd")
    db = 10 * np.log10(s + 1e-20)
    db -= db.max()
    keep = f <= TOP_HZ
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    ax.pcolormesh(t + start, f[keep] / 1000, db[keep], vmin=-RANGE_DB, vmax=0, cmap="magma",
                  shading="auto", rasterized=True)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("kHz")
    ax.set_title(os.path.basename(wav_path)[:-4], fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gallery", help="folder of WAV files (tingle-render gallery)")
    ap.add_argument("out", help="folder for the PNG files")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for wav in sorted(glob.glob(os.path.join(a.gallery, "*.wav"))):
        png = os.path.join(a.out, os.path.basename(wav)[:-4] + ".png")
        picture(wav, png)
        print(png)


if __name__ == "__main__":
    main()
