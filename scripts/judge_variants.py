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
    python3 scripts/judge_variants.py --random 8 --seed 1    # as users move the knobs
    python3 scripts/judge_variants.py --random 8 --seed 1 --mix   # the same in a three-layer mix

--random N draws N renders per variant, each with its own seed, every character control uniform
over 0..1, the rate log-uniform over the family's useful range (RATES), and the layer anywhere
around the head (azimuth -180..180 deg, elevation -40..90 deg, distance log-uniform 0.15-3 m).
--mix adds two layers of other families (random variants and rates, controls at their defaults,
placed at random), each rendered on its own and mixed in 12 LU below the judged layer's integrated
loudness (ITU-R BS.1770, gated), so that every family is judged against the same mix whatever
its own level; it needs numpy and soundfile (the judge's venv has them: run the script with
~/.cache/judge-venv/bin/python). The random mode's verdict per variant: the median best rank within its limit
(whispers: Whispering within 3; crinkle and crumple: Crumpling within 5), no render worse than
WORST_RANK, no forbidden top label; and over all variants, the top label one of the variant's own
in most renders for at least MIN_OWN_TOP of them.

Exit status 0 when every judged variant is within its limit, 1 otherwise.
"""
import argparse
import atexit
import json
import math
import os
import random
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

# Top labels that mean the sound is heard as synthetic (or, for friction, as a machine).
FORBIDDEN = {"Music", "Synthesizer", "Sine wave", "Beep, bleep", "Sawing", "Static"}

# Random mode: the useful rates (events per second) per family, or per variant where it differs.
RATES = {
    "tap": (0.3, 4.0),
    "scratch": (0.2, 2.0),
    "paper": (0.15, 2.0),
    "whisper": (0.15, 1.5),
    ("water", "droplet"): (0.1, 6.0),
    "water": (0.1, 0.5),
    "fire": (0.1, 0.5),
}
# Random mode: the layer's distance range (m), azimuth and elevation ranges (deg).
DISTANCE_M = (0.15, 3.0)
AZIMUTH_DEG = (-180.0, 180.0)
ELEVATION_DEG = (-40.0, 90.0)
# Random mode: loudness (LU) of each of the two other layers of --mix, relative to the judged one.
MIX_LEVEL_LU = -12.0
# Random mode: stricter limits (best rank of one label) for some variants.
STRICT = {("whisper", None): ("Whispering", 3), ("paper", "crinkle"): ("Crumpling, crinkling", 5),
          ("paper", "crumple"): ("Crumpling, crinkling", 5)}
# Random mode: no single render may rank its best expected label worse than this.
WORST_RANK = 15
# Random mode: variants whose top label is one of their own in most renders, at least.
MIN_OWN_TOP = 16

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


def rate_range(family, variant):
    """The useful rate range (events/s) of a family's variant in random mode."""
    return RATES.get((family, variant), RATES[family])


def log_uniform(rng, low, high):
    """A value drawn log-uniformly over low..high."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def random_layer(rng, family, variant):
    """One layer's scene fields as a user might set them: every control, rate and place drawn."""
    name = VARIANTS[family][variant][0]
    return {
        "on": True, "family": family, "variant": variant,
        **{c: round(rng.random(), 3) for c in CONTROLS},
        "rate": round(log_uniform(rng, *rate_range(family, name)), 3),
        "az": round(rng.uniform(*AZIMUTH_DEG), 1),
        "el": round(rng.uniform(*ELEVATION_DEG), 1),
        "dist_m": round(log_uniform(rng, *DISTANCE_M), 3),
    }


def one_layer_scene(seed, layer):
    """A scene file's JSON with one layer (its scene fields) and `seed`."""
    return {"tingle_scene": 2, "name": "random", "category": "User", "description": "",
            "params": {"seed": seed, "layer_1": layer}}


def random_scenes(rng, family, variant, mix):
    """The scenes of one random render of `family`/`variant` (index): the judged layer's, then
    with `mix` those of two other families' layers (each rendered alone, mixed afterwards)."""
    scenes = [one_layer_scene(rng.randrange(1, 1_000_000), random_layer(rng, family, variant))]
    if mix:
        for other in rng.sample([f for f in VARIANTS if f != family], 2):
            index = rng.randrange(len(VARIANTS[other]))
            scenes.append(one_layer_scene(rng.randrange(1, 1_000_000), {
                "on": True, "family": other, "variant": index,
                "rate": round(log_uniform(rng, *rate_range(other, VARIANTS[other][index][0])), 3),
                "az": round(rng.uniform(*AZIMUTH_DEG), 1),
                "dist_m": round(log_uniform(rng, *DISTANCE_M), 3),
            }))
    return scenes


def k_weighted(x, fs):
    """`x` (samples x channels) through BS.1770's K-weighting (its shelf and high-pass, designed
    for `fs` by the bilinear transform as in the standard's reference)."""
    import numpy as np
    from scipy.signal import lfilter
    # Pre-filter: a high shelf of +4 dB near 1.68 kHz.
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * f0 / fs)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    # RLB: a high-pass near 38 Hz.
    f0, q = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * f0 / fs)
    a0 = 1 + k / q + k * k
    high_b = [1, -2, 1]
    high_a = [1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return lfilter(high_b, high_a, lfilter(shelf_b, shelf_a, x, axis=0), axis=0)


def integrated_loudness(x, fs):
    """Integrated loudness (LUFS) of `x` (samples x channels): 400 ms blocks overlapping by 75 %,
    gated at -70 LUFS and 10 LU under the mean (ITU-R BS.1770-4). -inf for silence."""
    import numpy as np
    y = k_weighted(x, fs)
    block, hop = int(0.4 * fs), int(0.1 * fs)
    powers = np.array([np.sum(np.mean(y[i:i + block] ** 2, axis=0))
                       for i in range(0, len(y) - block + 1, hop)])
    loud = lambda p: -0.691 + 10 * np.log10(np.mean(p)) if len(p) else -np.inf
    gated = powers[powers > 10 ** ((-70 + 0.691) / 10)]
    if not len(gated):
        return -np.inf
    return loud(gated[gated > 10 ** ((loud(gated) - 10 + 0.691) / 10)])


def mix_down(paths, out):
    """Mixes the renders `paths` into `out`: the first as it is, each other one at
    MIX_LEVEL_LU under the first's integrated loudness (left out if silent)."""
    import numpy as np
    import soundfile as sf
    judged, fs = sf.read(paths[0], always_2d=True)
    target = integrated_loudness(judged, fs) + MIX_LEVEL_LU
    mix = judged.copy()
    for path in paths[1:]:
        other, _ = sf.read(path, always_2d=True)
        level = integrated_loudness(other, fs)
        if np.isfinite(level) and np.isfinite(target):
            n = min(len(mix), len(other))
            mix[:n] += other[:n] * 10 ** ((target - level) / 20)
    sf.write(out, mix, fs, subtype="FLOAT")


def strict_limit(family, name):
    """(label, limit) of the random mode's stricter rule for a variant, or None."""
    return STRICT.get((family, name)) or STRICT.get((family, None))


def judge_random(binary, workdir, family, index, count, rng, mix, seconds):
    """Renders and judges `count` random settings of one variant; returns its verdict."""
    name, expected, limit = VARIANTS[family][index]
    draws = [random_scenes(rng, family, index, mix) for _ in range(count)]
    tag = "mix" if mix else "alone"
    paths = [os.path.join(workdir, f"{family}-{name}-random-{tag}-{n}.wav") for n in range(count)]
    jobs = [(f"{path[:-4]}-layer{k}.wav" if mix else path, scene)
            for path, scenes in zip(paths, draws) for k, scene in enumerate(scenes)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: render(binary, job[0], job[1], seconds), jobs))
    if mix:
        for path, scenes in zip(paths, draws):
            mix_down([f"{path[:-4]}-layer{k}.wav" for k in range(len(scenes))], path)
    scenes = [scenes[0] for scenes in draws]
    verdicts = judge(paths, expected)
    ranks = [min(e["rank"] for e in v["expected"] if e["rank"] is not None) for v in verdicts]
    tops = [v["top"][0]["label"] for v in verdicts]
    own = sum(top in expected for top in tops)
    median = statistics.median(ranks)
    ok = median <= limit and max(ranks) <= WORST_RANK and not FORBIDDEN.intersection(tops)
    strict = strict_limit(family, name)
    strict_median = None
    if strict:
        label, strict_cap = strict
        strict_ranks = [next(e["rank"] for e in v["expected"] if e["label"] == label)
                        for v in verdicts]
        strict_median = statistics.median(strict_ranks)
        ok &= strict_median <= strict_cap
    return {"median": median, "limit": limit, "ok": ok, "ranks": ranks, "tops": tops,
            "own": own, "strict": strict_median, "scenes": scenes, "verdicts": verdicts}


def work_dir(a):
    """Where renders go: --keep's folder, else a temporary one removed when the script exits
    (a random run writes hundreds of megabytes)."""
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        return a.keep
    temp = tempfile.TemporaryDirectory(prefix="tingle-judge-")
    atexit.register(temp.cleanup)
    return temp.name


def random_mode(a):
    """--random: every (chosen) variant at N random settings; prints one row per variant."""
    rng = random.Random(a.seed)
    workdir = work_dir(a)
    all_ok, own_majority, judged = True, 0, 0
    print(f"{'variant':24s} {'median':>6s} {'limit':>5s} {'strict':>6s} {'worst':>5s} "
          f"{'own top':>7s}  ranks / top labels")
    for family in ([a.family] if a.family else VARIANTS):
        for index, (name, expected, _) in enumerate(VARIANTS[family]):
            if a.variant is not None and a.variant not in (name, str(index)):
                continue
            # Each variant draws from its own stream, so one variant's verdict does not depend
            # on which others were judged before it.
            variant_rng = random.Random(f"{a.seed}-{family}-{name}-{a.mix}")
            r = judge_random(a.bin, workdir, family, index, a.random, variant_rng, a.mix,
                             a.seconds)
            judged += 1
            all_ok &= r["ok"]
            own_majority += r["own"] * 2 > len(r["ranks"])
            strict = "-" if r["strict"] is None else f"{r['strict']:g}"
            tops = sorted(set(r["tops"]), key=r["tops"].count, reverse=True)
            print(f"{family + ' ' + name:24s} {r['median']:6g} {r['limit']:5d} {strict:>6s} "
                  f"{max(r['ranks']):5d} {r['own']:3d}/{len(r['ranks']):<3d}  "
                  f"{','.join(map(str, r['ranks']))}  {'; '.join(tops[:3])}"
                  f"{'' if r['ok'] else '   <- MISS'}", flush=True)
            if a.verbose:
                for scene_json, v, rank in zip(r["scenes"], r["verdicts"], r["ranks"]):
                    layer = scene_json["params"]["layer_1"]
                    knobs = " ".join(f"{k}={layer[k]}" for k in (*CONTROLS, "rate", "az", "el",
                                                                  "dist_m"))
                    labels = "; ".join(f"{t['label']} {t['score']:.2f}" for t in v["top"][:3])
                    print(f"    rank {rank:3d}  {knobs}  |  {labels}")
    print(f"own top label in most renders: {own_majority} of {judged} variants "
          f"(at least {MIN_OWN_TOP} of 22 wanted)")
    if judged == sum(len(v) for v in VARIANTS.values()):
        all_ok &= own_majority >= MIN_OWN_TOP
    return 0 if all_ok else 1


ROOM = []
"""Extra tingle-render flags for every render (--room puts every render in a room)."""


def render(binary, path, scene_json, seconds, extra=()):
    """Renders `scene_json` for `seconds` into `path` with `binary` (tingle-render), with the
    flags `extra` besides the room's."""
    scene_path = path[:-4] + ".json"
    with open(scene_path, "w") as f:
        json.dump(scene_json, f)
    subprocess.run([binary, scene_path, path, "--duration", str(seconds), *ROOM, *extra],
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
    ap.add_argument("--random", type=int, metavar="N",
                    help="judge N renders per variant at random settings, rates and places")
    ap.add_argument("--seed", type=int, default=1, help="--random's seed (default 1)")
    ap.add_argument("--room", metavar="ROOM",
                    help="render in this room (tingle-render --room: bedroom, living, ...), "
                         "every layer at its default Room Send")
    ap.add_argument("--mix", action="store_true",
                    help="--random: mix two other families' layers in, each 12 LU under the judged one")
    ap.add_argument("--keep", metavar="DIR", help="keep the renders in DIR")
    ap.add_argument("--verbose", action="store_true", help="print each seed's top labels")
    a = ap.parse_args()
    if a.room:
        ROOM.extend(["--room", a.room])
    if a.random:
        return random_mode(a)

    seeds = [int(s) for s in a.seeds.split(",")]
    settings = dict((k, float(v)) for k, v in (s.split("=") for s in a.set))
    runs = [settings]
    if a.sweep:
        runs += [{**settings, c: p} for c in CONTROLS for p in SWEEP_POINTS]
    workdir = work_dir(a)

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
