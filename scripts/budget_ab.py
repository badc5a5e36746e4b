#!/usr/bin/env python3
"""Listening evidence for the voice budget (issue 23): each family's worst case rendered with
and without the budget (`tingle-render --no-budget`), judged and measured.

A worst case is the one `cargo bench --bench worst` times: the family on all eight layers
(variants in turn) at the highest rate and burst at the shortest spacing, scattered over the
widest spread and orbiting the head. Each is rendered for --seconds at --seeds seeds, with the
limiter and gentle mode off and the output turned down (so neither squeezes the difference),
then compared: the integrated loudness (ITU-R BS.1770) and the judge's best expected rank
(peak normalised to -1 dBFS). The issue's limits: within 1 LU and 2 ranks (the ranks only
where either render is heard as its family at all: best rank within judge_variants' worst).
With --spectrograms DIR, a before-and-after spectrogram of each family's first seed is drawn
there.

    ~/.cache/judge-venv/bin/python scripts/budget_ab.py [--seconds 10] [--seeds 1 2]

Exit status 0 when every family is within both limits, 1 otherwise.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge_variants as jv  # noqa: E402

# The worst case's rhythm, scatter and motion (the bench's).
WORST_LAYER = {"on": True, "rate": 30.0, "burst": 8, "spacing": 10, "scatter": "spread",
               "spread": 180, "dspread": 2.0, "motion": "orbit", "mrate": 0.5, "mdepth": 1.0}
# Output gain (dB) that keeps eight layers at the worst rate well below full scale.
OUTPUT_GAIN_DB = -24.0
# The limits: loudness (LU) and the judge's best expected rank.
LOUDNESS_LIMIT_LU = 1.0
RANK_LIMIT = 2


def worst_scene(family, seed):
    """The scene file's JSON of `family`'s worst case at `seed`."""
    variants = len(jv.VARIANTS[family])
    params = {"seed": seed, "limiter": False, "gentle": False, "outgain": OUTPUT_GAIN_DB}
    for layer in range(8):
        params[f"layer_{layer + 1}"] = {**WORST_LAYER, "family": family,
                                        "variant": layer % variants}
    return {"tingle_scene": 2, "name": f"worst {family}", "category": "User",
            "description": "", "params": params}


def loudness(path):
    """Integrated loudness of the WAV at `path` (LUFS)."""
    import soundfile as sf
    x, fs = sf.read(path, always_2d=True)
    return jv.integrated_loudness(x, fs)


def spectrogram(paths, titles, out):
    """Draws the left channel of each of `paths` as a spectrogram, one above the other."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import soundfile as sf
    fig, axes = plt.subplots(len(paths), 1, figsize=(8, 2.2 * len(paths)), sharex=True)
    for ax, path, title in zip(axes, paths, titles):
        x, fs = sf.read(path, always_2d=True)
        ax.specgram(x[:, 0], NFFT=1024, Fs=fs, noverlap=768, cmap="magma", vmin=-140)
        ax.set_ylim(0, 16000)
        ax.set_ylabel("Hz")
        ax.set_title(title, fontsize=9)
    axes[-1].set_xlabel("s")
    fig.tight_layout()
    fig.savefig(out, dpi=60)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(jv.ROOT, "target", "release",
                                                         "tingle-render"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--families", nargs="+", default=list(jv.VARIANTS))
    parser.add_argument("--spectrograms", metavar="DIR")
    parser.add_argument("--keep", metavar="DIR", help="keep the renders here")
    a = parser.parse_args()
    workdir = a.keep or tempfile.mkdtemp(prefix="budget-ab-")
    os.makedirs(workdir, exist_ok=True)
    all_ok = True
    print("| Family | Loudness with / without the budget (LUFS) | Difference (LU) "
          "| Best expected rank with / without | Top label with / without | Within limits |")
    print("|---|---|---|---|---|---|")
    for family in a.families:
        expected = sorted({label for _, labels, _ in jv.VARIANTS[family] for label in labels})
        rows = []
        for seed in a.seeds:
            paths = {}
            for budget in (True, False):
                tag = "budget" if budget else "nobudget"
                paths[budget] = os.path.join(workdir, f"worst-{family}-seed{seed}-{tag}.wav")
                jv.render(a.binary, paths[budget], worst_scene(family, seed), a.seconds,
                          () if budget else ("--no-budget",))
            verdicts = jv.judge([paths[True], paths[False]], expected)
            ranks = [min(e["rank"] for e in v["expected"] if e["rank"] is not None)
                     for v in verdicts]
            tops = [v["top"][0]["label"] for v in verdicts]
            levels = [loudness(paths[True]), loudness(paths[False])]
            rows.append((levels, ranks, tops))
            if a.spectrograms and seed == a.seeds[0]:
                os.makedirs(a.spectrograms, exist_ok=True)
                spectrogram([paths[False], paths[True]],
                            [f"{family} worst case, no budget", f"{family} worst case, budget"],
                            os.path.join(a.spectrograms, f"worst-{family}.png"))
        for levels, ranks, tops in rows:
            diff = levels[0] - levels[1]
            # Where neither render's best label is within the judge's worst acceptable rank, the
            # scene is not heard as its family even without the budget: the rank is noise.
            heard = min(ranks) <= jv.WORST_RANK
            ok = abs(diff) <= LOUDNESS_LIMIT_LU and (ranks[0] - ranks[1] <= RANK_LIMIT or not heard)
            all_ok &= ok
            print(f"| {family} | {levels[0]:.1f} / {levels[1]:.1f} | {diff:+.2f} "
                  f"| {ranks[0]} / {ranks[1]} | {tops[0]} / {tops[1]} "
                  f"| {'yes' if ok else 'NO'} |")
        sys.stdout.flush()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
