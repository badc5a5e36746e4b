#!/usr/bin/env python3
"""Integrated loudness (EBU R 128 / ITU-R BS.1770, LUFS) of a WAV file, with pyloudnorm.

    python3 scripts/lufs.py FILE [--above LUFS]

Prints the loudness; with --above, exits 1 when the file is not louder than LUFS (a silent file
measures -inf).
"""

import argparse
import sys

import numpy as np
import pyloudnorm
from pedalboard.io import AudioFile


def integrated_lufs(samples: np.ndarray, sample_rate: float) -> float:
    """Integrated loudness of `samples` (channels x frames)."""
    meter = pyloudnorm.Meter(sample_rate)
    return float(meter.integrated_loudness(np.asarray(samples, dtype=np.float64).T))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--above", type=float, help="fail unless louder than this (LUFS)")
    args = parser.parse_args()
    with AudioFile(args.file) as f:
        samples, rate = f.read(f.frames), f.samplerate
    lufs = integrated_lufs(samples, rate)
    print(f"{args.file}: {samples.shape[1] / rate:.1f} s, {lufs:.1f} LUFS")
    if args.above is not None and not lufs > args.above:
        print(f"FAIL: not above {args.above} LUFS", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
