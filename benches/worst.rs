//! The worst cases a user can build in one instance (issue 23): each family on all eight layers
//! at the highest rate and burst, scattered over the widest spread and orbiting the head; and a
//! seeded random busy scene (eight layers of random families at 0.5-8 events/s, bursts of 1-4,
//! motion and scatter on some). Prints each one's share of one core at 48 kHz, against the
//! targets (every worst case at most 5 %, the random busy scene at most 3 %), with the CPU's
//! SIMD path; on an AVX-512 machine it then times the AVX2 path as well (the targets must hold
//! on both).
//!
//! Run: `cargo bench --bench worst`. Each figure is the best of [`RUNS`] timings of
//! [`TIMED_S`] seconds after a warm-up, so a busy moment of the machine does not count.

mod common;
#[path = "common/worst_case.rs"]
mod worst_case;

use common::{BLOCK, FS, render, render_with};
use rand::RngExt;
use tingle::dsp::random::seeded;
use tingle::dsp::simd::SimdPath;
use tingle::engine::layer::{LayerSettings, Scatter, ScatterMode};
use tingle::engine::motion::{MotionMode, MotionRate, MotionSettings};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineSettings};
use tingle::ranges;
use tingle::triggers::Family;

/// Audio rendered before timing, so the voice pools are full (s).
const WARM_UP_S: f32 = 5.0;
/// Audio timed per run (s).
const TIMED_S: f32 = 5.0;
/// Timings per scene; the best counts.
const RUNS: usize = 2;
/// Target for each family's worst case (share of one core).
const WORST_TARGET: f64 = 0.05;
/// Target for the random busy scene (share of one core).
const BUSY_TARGET: f64 = 0.03;
/// Seed of the random busy scene's settings.
const BUSY_SEED: u64 = 23;
/// Rates of the random busy scene's layers (events per second): log-uniform in this range.
const BUSY_RATES: (f32, f32) = (0.5, 8.0);
/// Largest burst in the random busy scene.
const BUSY_BURST: u32 = 4;

/// The seeded random busy scene.
fn busy_scene() -> EngineSettings {
    let mut rng = seeded(BUSY_SEED);
    // Every family that sounds without files of the user's.
    let families: Vec<Family> = Family::ALL
        .iter()
        .copied()
        .filter(|f| *f != Family::Sample)
        .collect();
    let mut settings = EngineSettings::default();
    for layer in &mut settings.layers {
        let family = families[rng.random_range(0..families.len())];
        let (lo, hi) = BUSY_RATES;
        let rate = lo * (hi / lo).powf(rng.random_range(0.0..1.0));
        *layer = LayerSettings {
            enabled: true,
            family,
            variant: rng.random_range(0..family.info().variants.len()),
            character: std::array::from_fn(|_| rng.random_range(0.0..1.0)),
            rhythm: RhythmSettings {
                rate: Some(RhythmRate::PerSecond(rate)),
                burst: rng.random_range(1..=BUSY_BURST),
                ..RhythmSettings::default()
            },
            ..LayerSettings::default()
        };
        if rng.random_range(0.0..1.0) < 0.5 {
            layer.motion = MotionSettings {
                mode: MotionMode::Drift,
                rate: MotionRate::Hertz(worst_case::ORBIT_HZ),
                depth: 1.0,
            };
        }
        if rng.random_range(0.0..1.0) < 0.5 {
            layer.scatter = Scatter {
                mode: ScatterMode::Spread,
                spread_deg: ranges::SPREAD_DEG.max / 2.0,
                distance_octaves: ranges::DISTANCE_SPREAD_OCT.max / 2.0,
            };
        }
    }
    settings
}

/// Audio over which the voices sounding are counted, after the timed runs (s).
const COUNTED_S: f32 = 1.0;

/// Share of one core `settings` takes at 48 kHz (the best of [`RUNS`] timings after the
/// warm-up), and the voices sounding on average (all layers; counted per block).
fn share_of_core(settings: &EngineSettings) -> (f64, f64) {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(settings);
    engine.reset();
    render(&mut engine, WARM_UP_S);
    let share = (0..RUNS)
        .map(|_| render(&mut engine, TIMED_S).as_secs_f64())
        .fold(f64::INFINITY, f64::min)
        / f64::from(TIMED_S);
    let (mut voices, mut blocks) = (0usize, 0usize);
    render_with(&mut engine, COUNTED_S, |e| {
        voices += e.active_voices().iter().sum::<usize>();
        blocks += 1;
    });
    (share, voices as f64 / blocks.max(1) as f64)
}

/// "met" or "MISSED" against `target`.
fn verdict(share: f64, target: f64) -> &'static str {
    if share <= target { "met" } else { "MISSED" }
}

/// Times every worst case and the random busy scene on the SIMD path `SimdPath::detect` gives
/// now, and prints them against the targets.
fn report() {
    println!(
        "worst cases at 48 kHz, one instance, {} path (share of one core):",
        SimdPath::detect().name()
    );
    for &family in Family::ALL.iter().filter(|f| **f != Family::Sample) {
        let mut settings = EngineSettings::default();
        for (i, layer) in settings.layers.iter_mut().enumerate() {
            *layer = worst_case::worst_layer(family, i);
        }
        let (share, voices) = share_of_core(&settings);
        println!(
            "  8 layers of {:<8} at {} events/s, bursts of {}, scattered, orbiting: {:5.1} % (target <= {} %: {}), {voices:5.1} voices",
            family.info().name,
            ranges::RHYTHM_RATE_PER_S.max,
            ranges::BURST.max,
            100.0 * share,
            100.0 * WORST_TARGET,
            verdict(share, WORST_TARGET)
        );
    }
    let (share, voices) = share_of_core(&busy_scene());
    println!(
        "  random busy scene (seed {BUSY_SEED}): {:5.1} % (target <= {} %: {}), {voices:5.1} voices",
        100.0 * share,
        100.0 * BUSY_TARGET,
        verdict(share, BUSY_TARGET)
    );
}

fn main() {
    report();
    if SimdPath::detect().avx512() {
        // The targets must hold on the AVX2 path too: time it on this machine as well.
        SimdPath::cap_at_avx2();
        report();
    }
}
