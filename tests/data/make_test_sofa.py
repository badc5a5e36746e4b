#!/usr/bin/env python3
"""Writes the SOFA files the HRTF-loading tests read, from the committed MIT KEMAR set.

Run once from the repository root (needs `pip install h5py numpy`); the outputs are committed:

- `tests/data/kemar_mirrored_coarse.sofa`: a head that is not KEMAR as Tingle embeds it. Left
  and right ears swapped (so every ITD and ILD has the opposite sign of KEMAR's at the same
  direction), every other azimuth dropped on rings with an even count (a coarser spread of
  directions: 5 -> 10 degrees at ear height), measured at 1.2 m instead of 1.4 m, and the
  impulse responses cut to 256 taps.
- `tests/data/kemar_one_receiver.sofa`: a few directions of one ear only (must be refused).
"""

import h5py
import numpy as np

SOURCE = "assets/source/MIT_KEMAR_normal_pinna.sofa"
DISTANCE_M = 1.2
TAPS = 256


def set_attr(obj, key, value):
    """A scalar, null-terminated ASCII string attribute, as netCDF writes them (sofar reads
    only this kind)."""
    data = value.encode("ascii", "replace") or b" "
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(len(data))
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    space = h5py.h5s.create(h5py.h5s.SCALAR)
    attr = h5py.h5a.create(obj.id, key.encode(), tid, space)
    attr.write(np.array(data, dtype="S%d" % len(data)), mtype=tid)


def write(path, attrs, positions, ir, rate, receivers):
    m, r, n = ir.shape
    with h5py.File(path, "w", libver=("v108", "v108"), track_order=True) as f:
        for key, value in attrs.items():
            set_attr(f, key, value)
        for name, size in [("I", 1), ("C", 3), ("R", r), ("E", 1), ("N", n), ("M", m)]:
            d = f.create_dataset(name, data=np.zeros(size, dtype=">f4"))
            set_attr(d, "CLASS", "DIMENSION_SCALE")
            set_attr(d, "NAME", "This is a netCDF dimension but not a netCDF variable. %9d" % size)

        def dataset(name, data, **attrs):
            d = f.create_dataset(name, data=data)
            for key, value in attrs.items():
                set_attr(d, key, value)

        cartesian = {"Type": "cartesian", "Units": "metre"}
        dataset("ListenerPosition", np.zeros((1, 3)), **cartesian)
        dataset("ReceiverPosition", receivers, **cartesian)
        dataset("SourcePosition", positions, Type="spherical", Units="degree, degree, metre")
        dataset("EmitterPosition", np.zeros((1, 3, 1)), **cartesian)
        dataset("ListenerUp", np.array([[0.0, 0.0, 1.0]]))
        dataset("ListenerView", np.array([[1.0, 0.0, 0.0]]), **cartesian)
        dataset("Data.IR", ir)
        dataset("Data.SamplingRate", np.array([rate]), Units="hertz")
        dataset("Data.Delay", np.zeros((1, r)))


def main():
    with h5py.File(SOURCE, "r") as src:
        attrs = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in src.attrs.items()}
        attrs.pop("_NCProperties", None)
        positions = src["SourcePosition"][:]
        ir = src["Data.IR"][:]
        rate = float(src["Data.SamplingRate"][0])
        receivers = src["ReceiverPosition"][:]

    keep = []
    for elevation in np.unique(positions[:, 1]):
        ring = np.flatnonzero(positions[:, 1] == elevation)
        ring = ring[np.argsort(positions[ring, 0])]
        keep.extend(ring[::2] if len(ring) % 2 == 0 else ring)
    keep = np.array(sorted(keep))
    coarse = positions[keep].copy()
    coarse[:, 2] = DISTANCE_M
    mirrored = ir[keep][:, ::-1, :TAPS].astype("<f4")
    attrs["Title"] = "MIT KEMAR, ears swapped, coarser grid (Tingle test data)"
    attrs["Comment"] = "Derived from MIT_KEMAR_normal_pinna.sofa by tests/data/make_test_sofa.py"
    write("tests/data/kemar_mirrored_coarse.sofa", attrs, coarse, mirrored, rate, receivers)

    few = np.arange(0, len(positions), 40)
    attrs["Title"] = "MIT KEMAR, one ear only (Tingle test data, invalid)"
    write(
        "tests/data/kemar_one_receiver.sofa",
        attrs,
        positions[few],
        ir[few][:, :1, :64].copy(),
        rate,
        receivers[:1],
    )
    print("directions kept:", len(keep), "of", len(positions))


if __name__ == "__main__":
    main()
