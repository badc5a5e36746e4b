//! Cost of the binaural placer at 48 kHz in 64-sample blocks, against sofar's uniformly
//! partitioned convolution renderer on the same moving path.
//!
//! Cases (criterion groups `placer` and `sofar`):
//! - `placer/static`: one source at a fixed position;
//! - `placer/moving`: one source orbiting the head once per second (360 deg/s), a new position
//!   every control period, requested by the placer through its closure;
//! - `placer/moving_x64`: 64 placers sharing one `Arc<HrtfSet>`, each orbiting at a slightly
//!   different rate (1 to 1.63 turns/s), elevation (-30 to 60 deg) and distance (0.5 to
//!   3.65 m), summed into one stereo buffer;
//! - `sofar/moving`: sofar's `Renderer` (partition 64, 64-sample crossfade, filter delays on)
//!   on the same orbit, looking up the filter for the current position every block and
//!   installing it with `set_filter` before `process_block`. The HRIRs are the MIT KEMAR SOFA
//!   file's (libmysofa's copy, else the one in `assets/source/`), resampled by sofar to 48 kHz
//!   and truncated to the placer's tap count (or, without the file, interpolated from
//!   Tingle's own `HrtfSet`, its ITD as the filter delays);
//! - `sofar/moving_precomputed`: the same with the filters for every block computed up front,
//!   so only `set_filter` and `process_block` are timed (for context).
//!
//! After criterion's runs (`cargo bench --bench placer`) a summary is printed from a separate
//! timed loop (best of several one-second runs): ns per sample, the placer's cost relative to
//! sofar, the share of one core that 64 moving sources take in real time, how far each is from
//! the physical floor (the FIR pair alone: 2 × taps multiply-adds per sample, timed in the same
//! run), and the scaling case: 1, 8, 64 and 256 moving sources at 48, 96 and 192 kHz, whose
//! cost per source should stay constant (linear growth). At 96 and 192 kHz the placers run as
//! in the engine, placing at 48 kHz between half-band filters; their floor is still the FIR
//! pair at the session's rate, what placing at the full rate would cost at the least. On an
//! AVX-512 machine the summary is timed again on the AVX2 path.

use criterion::{Criterion, Throughput};
use sofar::reader::{Filter, OpenOptions, Sofar};
use sofar::render::{FilterTransition, Renderer, RendererPlan};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tingle::binaural::Position;
use tingle::binaural::hrtf::{HrtfSet, MEASUREMENT_DISTANCE_M};
use tingle::binaural::placer::{Placer, placement_rate};
use tingle::binaural::sofa;
use tingle::dsp::convolve;
use tingle::dsp::simd::SimdPath;

const SAMPLE_RATE: f32 = 48_000.0;
/// Host block length, also sofar's partition length and crossfade length.
const BLOCK: usize = 64;
/// Sources in the many-source case.
const SOURCES: usize = 64;
/// The MIT KEMAR set as shipped by libmysofa (Debian package `libmysofa1`), then the copy
/// committed with Tingle's asset sources.
const KEMAR_SOFA: [&str; 2] = [
    "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa",
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/source/MIT_KEMAR_normal_pinna.sofa"
    ),
];
/// Length of the looped noise input (a power of two, far longer than a block).
const NOISE_LEN: usize = 1 << 14;
/// Blocks per timed run of the summary: one second of audio.
const SUMMARY_BLOCKS: usize = 750;
/// Timed runs per case in the summary; the fastest counts.
const SUMMARY_RUNS: usize = 7;
/// Targets the placer has to hit: one moving source at most this share of sofar's cost...
const TARGET_RATIO_TO_SOFAR: f64 = 0.15;
/// ... and 64 moving sources within this share of one core.
const TARGET_CORE_SHARE_64: f64 = 0.03;
/// Sample rates of the scaling case (Hz).
const SCALING_RATES: [f32; 3] = [48_000.0, 96_000.0, 192_000.0];
/// Source counts of the scaling case.
const SCALING_SOURCES: [usize; 4] = [1, 8, 64, 256];
/// Source-blocks per timed run of the scaling case (so every count takes about as long).
const SCALING_WORK: usize = 12_000;
/// Largest growth of the cost per source from 1 source to 64 that still counts as linear (no
/// step from cache effects).
const LINEAR_GROWTH_LIMIT: f64 = 1.25;
/// Samples per timed run of the physical floor (a static FIR pair).
const FLOOR_SAMPLES: usize = 1 << 16;

/// Reproducible white noise in [-0.5, 0.5).
fn noise(len: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as f32 / 4_294_967_296.0 - 0.5
        })
        .collect()
}

/// A source circling the head at a fixed elevation and distance.
#[derive(Debug, Clone, Copy)]
struct Orbit {
    azimuth_deg: f32,
    /// Azimuth advance per sample (360 / 48000 for one turn per second).
    deg_per_sample: f32,
    elevation_deg: f32,
    distance_m: f32,
}

impl Orbit {
    fn fixed(azimuth_deg: f32, elevation_deg: f32, distance_m: f32) -> Self {
        Self {
            azimuth_deg,
            deg_per_sample: 0.0,
            elevation_deg,
            distance_m,
        }
    }

    fn turning(turns_per_second: f32, elevation_deg: f32, distance_m: f32) -> Self {
        Self::turning_at(SAMPLE_RATE, turns_per_second, elevation_deg, distance_m)
    }

    /// [`Orbit::turning`] at `sample_rate` (Hz).
    fn turning_at(
        sample_rate: f32,
        turns_per_second: f32,
        elevation_deg: f32,
        distance_m: f32,
    ) -> Self {
        Self {
            deg_per_sample: 360.0 * turns_per_second / sample_rate,
            ..Self::fixed(0.0, elevation_deg, distance_m)
        }
    }

    fn position(&self) -> Position {
        Position {
            azimuth_deg: self.azimuth_deg,
            elevation_deg: self.elevation_deg,
            distance_m: self.distance_m,
        }
    }

    /// Moves on by `samples` and returns the new position.
    fn advance(&mut self, samples: usize) -> Position {
        self.azimuth_deg =
            (self.azimuth_deg + self.deg_per_sample * samples as f32).rem_euclid(360.0);
        self.position()
    }
}

/// One block of work of a benchmark case.
trait Scene {
    fn block(&mut self);
}

/// Input noise read block by block, each source at its own offset.
struct Input {
    noise: Vec<f32>,
    cursor: usize,
}

impl Input {
    fn new(seed: u32) -> Self {
        Self {
            noise: noise(NOISE_LEN, seed),
            cursor: 0,
        }
    }

    fn block(&self, offset: usize) -> &[f32] {
        let start = (self.cursor + offset) % (NOISE_LEN - BLOCK);
        &self.noise[start..start + BLOCK]
    }

    fn advance(&mut self) {
        self.cursor = (self.cursor + BLOCK) % NOISE_LEN;
    }
}

struct PlacedSource {
    placer: Placer,
    orbit: Orbit,
    /// The placer's control period: how far the orbit moves per requested position.
    period: usize,
    input_offset: usize,
}

/// Placers summed into one stereo buffer.
struct PlacerScene {
    sources: Vec<PlacedSource>,
    input: Input,
    left: Vec<f32>,
    right: Vec<f32>,
}

impl PlacerScene {
    /// Placers for a session at `sample_rate` (Hz), with `hrtf` at its placement rate.
    fn new(hrtf: &Arc<HrtfSet>, sample_rate: f32, orbits: &[Orbit]) -> Self {
        let sources = orbits
            .iter()
            .enumerate()
            .map(|(i, &orbit)| {
                let placer = Placer::new(Arc::clone(hrtf), sample_rate);
                PlacedSource {
                    period: placer.control_period(),
                    placer,
                    orbit,
                    input_offset: i * 211,
                }
            })
            .collect();
        Self {
            sources,
            input: Input::new(0x5eed),
            left: vec![0.0; BLOCK],
            right: vec![0.0; BLOCK],
        }
    }
}

impl Scene for PlacerScene {
    fn block(&mut self) {
        self.left.fill(0.0);
        self.right.fill(0.0);
        for source in &mut self.sources {
            let PlacedSource {
                placer,
                orbit,
                period,
                input_offset,
            } = source;
            let input = black_box(self.input.block(*input_offset));
            placer.add_to(input, &mut self.left, &mut self.right, |_| {
                orbit.advance(*period)
            });
        }
        black_box((&mut self.left, &mut self.right));
        self.input.advance();
    }
}

/// Where sofar's filters come from.
enum FilterSource {
    /// `Sofar::filter` lookups in the KEMAR SOFA file (at this path), truncated to the filter
    /// length.
    Sofa(Arc<Sofar>, &'static str),
    /// Tingle's own interpolation, reversed back to forward filters, ITD as filter delays.
    Hrtf {
        hrtf: Arc<HrtfSet>,
        reversed: [Vec<f32>; 2],
    },
}

impl FilterSource {
    /// Writes the filter for `position` into `filter` (already `taps` long).
    fn fill(&mut self, position: &Position, filter: &mut Filter) {
        match self {
            Self::Sofa(sofa, _) => {
                let [x, y, z] = sofa_cartesian(position);
                sofa.filter(x, y, z, filter);
            }
            Self::Hrtf { hrtf, reversed } => {
                let weights = hrtf.weights(position.azimuth_deg, position.elevation_deg);
                let [left, right] = reversed;
                let itd = hrtf.interpolate_reversed(SimdPath::detect(), &weights, left, right);
                for (out, rev) in [(&mut filter.left, &*left), (&mut filter.right, &*right)] {
                    for (o, &v) in out.iter_mut().zip(rev.iter().rev()) {
                        *o = v;
                    }
                }
                filter.ldelay = itd.max(0.0);
                filter.rdelay = (-itd).max(0.0);
            }
        }
    }

    fn describe(&self, taps: usize) -> String {
        match self {
            Self::Sofa(sofa, path) => format!(
                "Sofar::filter lookups in {path} (opened at {} Hz, {} taps, truncated to \
                 {taps}; file's max delay {:.3} ms)",
                sofa.sample_rate(),
                sofa.filter_len(),
                sofa.max_delay() * 1e3
            ),
            Self::Hrtf { .. } => format!(
                "no KEMAR SOFA file found ({}): Tingle's own HrtfSet interpolation ({taps} taps, \
                 ITD as filter delays)",
                KEMAR_SOFA.join(", ")
            ),
        }
    }
}

/// SOFA cartesian coordinates (x front, y left, z up) of a Tingle position (azimuth to the
/// right).
fn sofa_cartesian(p: &Position) -> [f32; 3] {
    sofa::sofa_cartesian(f64::from(p.azimuth_deg), f64::from(p.elevation_deg))
        .map(|v| (v * f64::from(p.distance_m)) as f32)
}

/// How the sofar case gets a filter each block.
enum Filters {
    /// Looked up for the current position every block.
    Live(FilterSource),
    /// One orbit's worth of filters, one per block, computed up front.
    Precomputed(Vec<Filter>, usize),
}

/// sofar's renderer on one moving source.
struct SofarScene {
    renderer: Renderer,
    filters: Filters,
    filter: Filter,
    orbit: Orbit,
    input: Input,
    left: Vec<f32>,
    right: Vec<f32>,
}

impl SofarScene {
    fn new(mut source: FilterSource, taps: usize, max_delay_s: f32, precompute: bool) -> Self {
        let plan = RendererPlan::builder(taps)
            .with_sample_rate(SAMPLE_RATE)
            .with_partition_len(BLOCK)
            .build()
            .expect("valid plan");
        let renderer = Renderer::builder(&plan)
            .with_filter_transition(FilterTransition::crossfade(BLOCK))
            .with_max_delay(max_delay_s)
            .build()
            .expect("valid renderer");
        let orbit = Orbit::turning(1.0, 0.0, MEASUREMENT_DISTANCE_M);
        let filters = if precompute {
            let mut path = orbit;
            let blocks_per_turn = (SAMPLE_RATE as usize).div_ceil(BLOCK);
            let table = (0..blocks_per_turn)
                .map(|_| {
                    let mut filter = Filter::new(taps);
                    source.fill(&path.advance(BLOCK), &mut filter);
                    filter
                })
                .collect();
            Filters::Precomputed(table, 0)
        } else {
            Filters::Live(source)
        };
        Self {
            renderer,
            filters,
            filter: Filter::new(taps),
            orbit,
            input: Input::new(0x5eed),
            left: vec![0.0; BLOCK],
            right: vec![0.0; BLOCK],
        }
    }
}

impl Scene for SofarScene {
    fn block(&mut self) {
        // The filter for where the source is at the end of this block, as a moving source would.
        let position = self.orbit.advance(BLOCK);
        let filter = match &mut self.filters {
            Filters::Live(source) => {
                source.fill(black_box(&position), &mut self.filter);
                &self.filter
            }
            Filters::Precomputed(table, next) => {
                let filter = &table[*next];
                *next = (*next + 1) % table.len();
                filter
            }
        };
        self.renderer
            .set_filter(black_box(filter))
            .expect("filter fits the plan");
        self.renderer
            .process_block(
                black_box(self.input.block(0)),
                &mut self.left,
                &mut self.right,
            )
            .expect("whole partitions");
        black_box((&mut self.left, &mut self.right));
        self.input.advance();
    }
}

/// Every benchmark case, built once and shared by criterion and the summary.
struct Cases {
    taps: usize,
    filter_origin: String,
    static_one: PlacerScene,
    moving_one: PlacerScene,
    moving_many: PlacerScene,
    sofar_live: SofarScene,
    sofar_precomputed: SofarScene,
}

impl Cases {
    fn new() -> Self {
        let hrtf = Arc::new(HrtfSet::kemar().resampled(SAMPLE_RATE));
        let taps = hrtf.taps();
        let many = orbits(SAMPLE_RATE, SOURCES);

        // Open the SOFA file once (sofar resamples it to 48 kHz); both sofar cases share it.
        let sofa = KEMAR_SOFA.iter().find_map(|&path| {
            let sofa = OpenOptions::new()
                .sample_rate(SAMPLE_RATE)
                .open(path)
                .ok()?;
            Some((Arc::new(sofa), path))
        });
        let sofa_source = || match &sofa {
            Some((sofa, path)) => FilterSource::Sofa(Arc::clone(sofa), path),
            None => FilterSource::Hrtf {
                hrtf: Arc::clone(&hrtf),
                reversed: [vec![0.0; taps], vec![0.0; taps]],
            },
        };
        let live = sofa_source();
        let filter_origin = live.describe(taps);
        check_orientation(&mut sofa_source(), taps);
        // Room for the file's delays and for Tingle's largest ITD, whichever is longer.
        let file_delay = match &live {
            FilterSource::Sofa(sofa, _) => sofa.max_delay(),
            FilterSource::Hrtf { .. } => 0.0,
        };
        let max_delay = file_delay.max(hrtf.max_itd());

        Self {
            taps,
            filter_origin,
            static_one: PlacerScene::new(
                &hrtf,
                SAMPLE_RATE,
                &[Orbit::fixed(30.0, 10.0, MEASUREMENT_DISTANCE_M)],
            ),
            moving_one: PlacerScene::new(
                &hrtf,
                SAMPLE_RATE,
                &[Orbit::turning(1.0, 0.0, MEASUREMENT_DISTANCE_M)],
            ),
            moving_many: PlacerScene::new(&hrtf, SAMPLE_RATE, &many),
            sofar_live: SofarScene::new(live, taps, max_delay, false),
            sofar_precomputed: SofarScene::new(sofa_source(), taps, max_delay, true),
        }
    }
}

/// `count` sources orbiting at `sample_rate` (Hz), each at a slightly different rate (1 to
/// 1.63 turns/s for 64), elevation (-30 to 60 deg) and distance (0.5 m on, 5 cm apart, up to
/// 10 m), spread evenly around the head.
fn orbits(sample_rate: f32, count: usize) -> Vec<Orbit> {
    (0..count)
        .map(|i| {
            let f = i as f32;
            let mut orbit = Orbit::turning_at(
                sample_rate,
                1.0 + 0.01 * f,
                -30.0 + 10.0 * (i % 10) as f32,
                (0.5 + 0.05 * f).min(10.0),
            );
            orbit.azimuth_deg = 360.0 * f / count as f32;
            orbit
        })
        .collect()
}

/// The physical floor of placing one source at `sample_rate` (Hz): the time per sample of the
/// FIR pair alone (2 × taps multiply-adds, the placer's own convolution kernel on a static
/// filter pair, nothing else), best of `runs`.
fn floor_ns_per_sample(sample_rate: f32, runs: usize) -> (usize, f64) {
    let hrtf = HrtfSet::kemar().resampled(sample_rate);
    let taps = hrtf.taps();
    let input = noise(FLOOR_SAMPLES + taps, 0xf100);
    let filter = noise(taps, 0xf1f7);
    let padded = convolve::padded(FLOOR_SAMPLES);
    let (mut left, mut right) = (vec![0.0; padded], vec![0.0; padded]);
    let path = SimdPath::detect();
    let best = (0..runs)
        .map(|_| {
            let start = Instant::now();
            convolve::convolve(
                path,
                black_box(&input),
                [&filter, &filter],
                [&mut left, &mut right],
                FLOOR_SAMPLES,
            );
            black_box((&left, &right));
            start.elapsed()
        })
        .min()
        .expect("at least one run");
    (taps, best.as_secs_f64() * 1e9 / FLOOR_SAMPLES as f64)
}

/// Cost per source of 1, 8, 64 and 256 moving sources at 48, 96 and 192 kHz: it should grow
/// linearly (a constant cost per source), with no step from cache effects up to 64 sources.
fn scaling(runs: usize) {
    println!();
    println!("=== scaling: moving sources, {BLOCK}-sample blocks, one shared set per rate ===");
    println!(
        "{:>8} {:>8} {:>12} {:>12} {:>11} {:>9}",
        "rate", "sources", "us/block", "ns/smp/src", "vs 1 src", "x floor"
    );
    for rate in SCALING_RATES {
        let hrtf = Arc::new(HrtfSet::kemar().resampled(placement_rate(rate)));
        let (taps, floor) = floor_ns_per_sample(rate, runs);
        let mut single = None;
        let mut growth_64 = 0.0;
        for count in SCALING_SOURCES {
            let mut scene = PlacerScene::new(&hrtf, rate, &orbits(rate, count));
            let blocks = (SCALING_WORK / count).max(4);
            let t = time_per_block(&mut scene, blocks, runs).as_secs_f64();
            let per_source = t * 1e9 / (BLOCK * count) as f64;
            let growth = per_source / *single.get_or_insert(per_source);
            if count == SOURCES {
                growth_64 = growth;
            }
            println!(
                "{:>7.0}k {count:>8} {:>12.2} {per_source:>12.2} {growth:>10.2}x {:>8.2}x",
                rate / 1000.0,
                t * 1e6,
                per_source / floor
            );
        }
        println!(
            "  {:.0} kHz: floor {floor:.2} ns/sample ({} multiply-adds, a static {taps}-tap pair); \
             64 sources cost {growth_64:.2}x one source each (linear if <= \
             {LINEAR_GROWTH_LIMIT}): {}",
            rate / 1000.0,
            2 * taps,
            verdict(growth_64 <= LINEAR_GROWTH_LIMIT)
        );
    }
}

/// A source at +90 degrees (Tingle: the right ear) must be louder in sofar's right filter:
/// checks the coordinate conversion.
fn check_orientation(source: &mut FilterSource, taps: usize) {
    let mut filter = Filter::new(taps);
    source.fill(
        &Position {
            azimuth_deg: 90.0,
            elevation_deg: 0.0,
            distance_m: MEASUREMENT_DISTANCE_M,
        },
        &mut filter,
    );
    let energy = |h: &[f32]| h.iter().map(|v| v * v).sum::<f32>();
    assert!(
        energy(&filter.right) > 2.0 * energy(&filter.left),
        "sofar filter orientation: a source on the right is not louder in the right ear"
    );
}

fn criterion_benches(c: &mut Criterion, cases: &mut Cases) {
    let mut group = c.benchmark_group("placer");
    group.throughput(Throughput::Elements(BLOCK as u64));
    group.bench_function("static", |b| b.iter(|| cases.static_one.block()));
    group.bench_function("moving", |b| b.iter(|| cases.moving_one.block()));
    group.throughput(Throughput::Elements((BLOCK * SOURCES) as u64));
    group.bench_function("moving_x64", |b| b.iter(|| cases.moving_many.block()));
    group.finish();

    let mut group = c.benchmark_group("sofar");
    group.throughput(Throughput::Elements(BLOCK as u64));
    group.bench_function("moving", |b| b.iter(|| cases.sofar_live.block()));
    group.bench_function("moving_precomputed", |b| {
        b.iter(|| cases.sofar_precomputed.block())
    });
    group.finish();
}

/// Fastest time per block over `runs` runs of `blocks` blocks, after one warm-up run.
fn time_per_block(scene: &mut dyn Scene, blocks: usize, runs: usize) -> Duration {
    for _ in 0..blocks {
        scene.block();
    }
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..blocks {
                scene.block();
            }
            start.elapsed() / blocks as u32
        })
        .min()
        .expect("at least one run")
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn summary(cases: &mut Cases, blocks: usize, runs: usize) {
    let block_s = BLOCK as f64 / f64::from(SAMPLE_RATE);
    let mut rows: Vec<(&str, usize, f64)> = Vec::new();
    let mut measure = |name, sources, scene: &mut dyn Scene| {
        let t = time_per_block(scene, blocks, runs).as_secs_f64();
        rows.push((name, sources, t));
        t
    };
    measure("placer, 1 static source", 1, &mut cases.static_one);
    let moving_one = measure("placer, 1 moving source", 1, &mut cases.moving_one);
    let moving_many = measure("placer, 64 moving sources", SOURCES, &mut cases.moving_many);
    let sofar = measure(
        "sofar, 1 moving source (lookup + set_filter + process)",
        1,
        &mut cases.sofar_live,
    );
    let sofar_pre = measure(
        "sofar, 1 moving source (precomputed filters)",
        1,
        &mut cases.sofar_precomputed,
    );

    println!();
    println!(
        "=== binaural cost at {} Hz, {BLOCK}-sample blocks, {} HRIR taps ===",
        SAMPLE_RATE, cases.taps
    );
    println!("CPU: {}, {} path", cpu_model(), SimdPath::detect().name());
    println!("sofar filters: {}", cases.filter_origin);
    println!(
        "sofar renderer: partition {BLOCK}, FilterTransition::crossfade({BLOCK}), filter delays \
         on, new filter every block"
    );
    println!("timing: best of {runs} runs of {blocks} blocks each");
    println!();
    println!(
        "{:<56} {:>10} {:>11} {:>18}",
        "case", "us/block", "ns/sample", "ns/sample/source"
    );
    for (name, sources, t) in &rows {
        let per_sample = t * 1e9 / BLOCK as f64;
        println!(
            "{name:<56} {:>10.3} {per_sample:>11.2} {:>18.2}",
            t * 1e6,
            per_sample / *sources as f64
        );
    }
    println!();
    let ratio = moving_one / sofar;
    println!(
        "one moving source costs {:.1} % of sofar (ratio {ratio:.3}; target <= {TARGET_RATIO_TO_SOFAR}): {}",
        100.0 * ratio,
        verdict(ratio <= TARGET_RATIO_TO_SOFAR)
    );
    println!(
        "  (against sofar with precomputed filters: ratio {:.3})",
        moving_one / sofar_pre
    );
    let (taps, floor) = floor_ns_per_sample(SAMPLE_RATE, runs);
    let per_sample = |t: f64, sources: usize| t * 1e9 / (BLOCK * sources) as f64;
    println!(
        "physical floor: {floor:.2} ns/sample per source ({} multiply-adds, a static {taps}-tap \
         pair); one moving source is {:.2}x the floor, 64 moving sources {:.2}x each",
        2 * taps,
        per_sample(moving_one, 1) / floor,
        per_sample(moving_many, SOURCES) / floor
    );
    let share = moving_many / block_s;
    println!(
        "64 moving sources take {:.2} % of one core in real time ({:.1} us per {:.3} ms block; \
         target <= {:.0} %): {}",
        100.0 * share,
        moving_many * 1e6,
        block_s * 1e3,
        100.0 * TARGET_CORE_SHARE_64,
        verdict(share <= TARGET_CORE_SHARE_64)
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "MET" } else { "MISSED" }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let mut cases = Cases::new();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40)
        .configure_from_args();
    criterion_benches(&mut criterion, &mut cases);
    criterion.final_summary();
    if flag("--list") {
        return;
    }
    if flag("--bench") && !flag("--test") {
        summary(&mut cases, SUMMARY_BLOCKS, SUMMARY_RUNS);
        scaling(SUMMARY_RUNS);
        if SimdPath::detect().avx512() {
            // The targets must hold on the AVX2 path too: time it on this machine as well
            // (with placers built after the cap, so that they take it).
            SimdPath::cap_at_avx2();
            summary(&mut Cases::new(), SUMMARY_BLOCKS, SUMMARY_RUNS);
        }
    } else {
        // `cargo test --benches`: the summary's loops run once, too briefly to mean anything.
        time_per_block(&mut cases.moving_many, 8, 1);
        time_per_block(&mut cases.sofar_live, 8, 1);
        floor_ns_per_sample(SAMPLE_RATE, 1);
        println!("test mode: summary skipped (run `cargo bench --bench placer`)");
    }
}
