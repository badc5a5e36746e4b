#!/usr/bin/env python3
"""Renders trigger variants with tingle-render and asks the judge what they sound like.

For each variant: a one-layer scene (the layer's defaults, the family and variant chosen, any
character controls set with --set), rendered for --seconds at each seed, judged by
../shared/tools/judge.py (peak normalised to -1 dBFS). Prints, per variant, each seed's top
labels and best expected rank, and the median of those ranks against the limit the sound issue
sets; a forbidden top label (Music, Synthesizer, Sine wave, Beep) fails the variant too.

    python3 scripts/judge_variants.py                       # all 22 variants, defaults
    python3 scripts/judge_variants.py --family tap --variant glass --set c2=0.25
    python3 scripts/judge_variants.py --sweep                # every control at 25 % and 75 %

Exit status 0 when every judged variant is within its limit, 1 otherwise.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def find_judge():
    """The judge: $TINGLE_JUDGE, or shared/tools/judge.py beside the checkout or above it."""
    if os.environ.get("TINGLE_JUDGE"):
        return os.environ["TINGLE_JUDGE"]
    folder = ROOT
    while os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        candidate = os.path.join(folder, "shared", "tools", "judge.py")
        if os.path.exists(candidate):
            return candidate
    sys.exit("judge.py not found: set TINGLE_JUDGE to its path")


VENV_PYTHON = os.path.expanduser("~/.cache/judge-venv/bin/python")

TAP_WOOD = ["Tap", "Knock", "Wood block", "Wood"]
STROKE = ["Scratch", "Scrape", "Rub", "Rustle"]
CRUMPLE = ["Crumpling, crinkling", "Rustle"]
RAIN = ["Rain", "Rain on surface", "Raindrop"]
FIRE = ["Fire", "Crackle"]

# family id -> [(variant name, expected labels, limit on the median best rank)], in variant order.
VARIANTS = {
    "tap": [
        ("wood", TAP_WOOD, 3),
        ("glass", ["Tap", "Chink, clink", "Glass", "Ding", "Knock"], 3),
        ("plastic", TAP_WOOD, 3),
        ("metal", ["Tap", "Chink, clink", "Clang", "Ding", "Knock"], 3),
        ("ceramic", ["Tap", "Chink, clink", "Knock", "Wood block"], 3),
        ("hollow-box", TAP_WOOD, 3),
    ],
    "scratch": [
        ("nail", STROKE, 3),
        ("soft-brush", STROKE, 3),
        ("hair-brushing", STROKE, 3),
        ("brush-on-mic", STROKE, 3),
    ],
    "paper": [
        ("crinkle", CRUMPLE, 3),
        ("crumple", CRUMPLE, 3),
        ("page-turn", ["Rustle", "Crumpling, crinkling", "Tearing"], 5),
    ],
    "whisper": [
        ("soft", ["Whispering"], 5),
        ("close", ["Whispering"], 5),
        ("breathy", ["Whispering"], 5),
    ],
    "water": [
        ("droplet", ["Drip", "Raindrop", "Water", "Liquid", "Splash"], 5),
        ("rain", RAIN, 3),
        ("rain-bed", RAIN, 3),
    ],
    "fire": [
        ("campfire", FIRE, 3),
        ("fireplace", FIRE, 3),
        ("embers", FIRE, 3),
    ],
}

# Top labels that mean the sound is heard as synthetic.
FORBIDDEN = {"Music", "Synthesizer", "Sine wave", "Beep, bleep"}

# Character control slots, as scene ids (c1..c4).
CONTROLS = ["c1", "c2", "c3", "c4"]
# Control settings of --sweep (0..1).
SWEEP_POINTS = [0.25, 0.75]


def scene(family, variant, seed, settings):
    """A one-layer scene: layer 1 plays `family`/`variant`; `settings` maps c1..c4 to 0..1."""
    params = {"on_1": True, "family_1": family, "variant_1": variant, "seed": seed}
    for control, value in settings.items():
        params[f"{control}_1"] = value
    return {"params": params}


def render(binary, path, scene_json, seconds):
    """Renders `scene_json` for `seconds` into `path` with `binary` (tingle-render)."""
    scene_path = path[:-4] + ".json"
    with open(scene_path, "w") as f:
        json.dump(scene_json, f)
    subprocess.run([binary, scene_path, path, "--duration", str(seconds)],
                   check=True, stdout=subprocess.DEVNULL)


def judge(paths, expected):
    """The judge's JSON verdict on every file in `paths`, with `expected` labels."""
    python = VENV_PYTHON if os.path.exists(VENV_PYTHON) else sys.executable
    out = subprocess.run([python, find_judge(), *paths, "--json", "--peak", "-1", "--top", "5",
                          "--expect", ",".join(expected)],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def judge_variant(binary, workdir, family, index, seeds, settings, seconds):
    """Renders and judges one variant at every seed; returns (median best rank, verdicts)."""
    name, expected, limit = VARIANTS[family][index]
    tag = "-".join(f"{k}{v:g}" for k, v in sorted(settings.items())) or "default"
    paths = [os.path.join(workdir, f"{family}-{name}-{tag}-seed{seed}.wav") for seed in seeds]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda p: render(binary, p[0], scene(family, index, p[1], settings),
                                       seconds), zip(paths, seeds)))
    verdicts = judge(paths, expected)
    ranks = [min(e["rank"] for e in v["expected"] if e["rank"] is not None) for v in verdicts]
    tops = [v["top"][0]["label"] for v in verdicts]
    ok = statistics.median(ranks) <= limit and not FORBIDDEN.intersection(tops)
    return statistics.median(ranks), limit, ok, verdicts, ranks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "tingle-render"),
                    help="the tingle-render binary (default: target/release/tingle-render)")
    ap.add_argument("--family", choices=sorted(VARIANTS), help="only this family")
    ap.add_argument("--variant", help="only this variant (name as listed, or index)")
    ap.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default 1,2,3)")
    ap.add_argument("--seconds", type=float, default=10.0, help="render length (default 10)")
    ap.add_argument("--set", action="append", default=[], metavar="cN=VALUE",
                    help="a character control (c1..c4) at VALUE 0..1; repeatable")
    ap.add_argument("--sweep", action="store_true",
                    help="also judge every control at 25 %% and 75 %% (others at default)")
    ap.add_argument("--keep", metavar="DIR", help="keep the renders in DIR")
    ap.add_argument("--verbose", action="store_true", help="print each seed's top labels")
    a = ap.parse_args()

    seeds = [int(s) for s in a.seeds.split(",")]
    settings = dict((k, float(v)) for k, v in (s.split("=") for s in a.set))
    runs = [settings]
    if a.sweep:
        runs += [{**settings, c: p} for c in CONTROLS for p in SWEEP_POINTS]
    workdir = a.keep or tempfile.mkdtemp(prefix="tingle-judge-")
    os.makedirs(workdir, exist_ok=True)

    all_ok = True
    print(f"{'variant':24s} {'settings':14s} {'median':>6s} {'limit':>5s}  ranks     top labels (seed {seeds[0]})")
    for family in ([a.family] if a.family else VARIANTS):
        for index, (name, _, _) in enumerate(VARIANTS[family]):
            if a.variant is not None and a.variant not in (name, str(index)):
                continue
            for run in runs:
                median, limit, ok, verdicts, ranks = judge_variant(
                    a.bin, workdir, family, index, seeds, run, a.seconds)
                all_ok &= ok
                tag = ",".join(f"{k}={v:g}" for k, v in sorted(run.items())) or "default"
                top = ", ".join(t["label"] for t in verdicts[0]["top"][:3])
                print(f"{family + ' ' + name:24s} {tag:14s} {median:6g} {limit:5d}  "
                      f"{','.join(map(str, ranks)):9s} {top}{'' if ok else '   <- MISS'}",
                      flush=True)
                if a.verbose:
                    for seed, v in zip(seeds, verdicts):
                        labels = "; ".join(f"{t['label']} {t['score']:.2f}" for t in v["top"])
                        exp = "; ".join(f"{e['label']} #{e['rank']}" for e in v["expected"])
                        print(f"    seed {seed}: {labels}  |  {exp}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
