//! Cost of subnormal-range input: the engine placing a track's input and playing two trigger
//! layers, fed normal noise and then noise scaled into the subnormal range (about 1e-39), in
//! the same run. Subnormal arithmetic is slow on most CPUs unless flushed to zero; the engine
//! flushes it (`FlushDenormals`), so the ratio should stay near 1. Prints the ratio against
//! its target (at most 1.2x).

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tingle::engine::layer::LayerSettings;
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::triggers::Family;

const FS: f32 = 48_000.0;
const BLOCK: usize = 64;
/// Audio timed per measurement (s).
const TIMED_S: f32 = 5.0;
/// Scale of the subnormal-range input: uniform noise of this peak is all subnormal numbers.
const SUBNORMAL_PEAK: f32 = 1e-39;
/// Peak of the normal input (-12 dBFS).
const NORMAL_PEAK: f32 = 0.25;
/// The largest ratio allowed: subnormal input may cost at most 20 % more than normal input.
const TARGET_RATIO: f64 = 1.2;
/// Measurements per input, the fastest kept.
const RUNS: usize = 5;

/// Input placed in front, plus a tap layer and a whisper layer.
fn scene() -> EngineSettings {
    let layer = |family, rate| LayerSettings {
        enabled: true,
        family,
        rhythm: RhythmSettings {
            rate: Some(RhythmRate::PerSecond(rate)),
            ..RhythmSettings::default()
        },
        ..LayerSettings::default()
    };
    let mut p = EngineSettings::default();
    p.layers[0] = layer(Family::Tap, 4.0);
    p.layers[1] = layer(Family::Whisper, 0.5);
    p
}

/// Uniform noise of peak `peak`, one block, from a fixed-seed generator.
fn noise(peak: f32, state: &mut u32) -> [f32; BLOCK] {
    std::array::from_fn(|_| {
        *state ^= *state << 13;
        *state ^= *state >> 17;
        *state ^= *state << 5;
        peak * (*state as f32 / u32::MAX as f32 * 2.0 - 1.0)
    })
}

/// Time to process `TIMED_S` of input of peak `peak` (after a second of warm-up).
fn time_input(peak: f32) -> Duration {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(&scene());
    engine.reset();
    let mut state = 0x1234_5678;
    let blocks = |seconds: f32| (seconds * FS) as usize / BLOCK;
    let mut run = |engine: &mut Engine, n: usize| {
        for _ in 0..n {
            let mut left = noise(peak, &mut state);
            let mut right = left;
            engine.process(&mut left, &mut right, InputChannels::Stereo);
            black_box((&left, &right));
        }
    };
    run(&mut engine, blocks(1.0));
    let start = Instant::now();
    run(&mut engine, blocks(TIMED_S));
    start.elapsed()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("denormal");
    group.sample_size(10);
    for (name, peak) in [
        ("normal input", NORMAL_PEAK),
        ("subnormal input", SUBNORMAL_PEAK),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| (0..iterations).map(|_| time_input(peak) / 5).sum())
        });
    }
    group.finish();
}

/// The ratio, from the fastest of a few runs of each, interleaved.
fn summary() {
    let (mut normal, mut subnormal) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        normal = normal.min(time_input(NORMAL_PEAK));
        subnormal = subnormal.min(time_input(SUBNORMAL_PEAK));
    }
    let ratio = subnormal.as_secs_f64() / normal.as_secs_f64();
    println!(
        "subnormal-range input: {:.1} ms, normal input: {:.1} ms per {TIMED_S} s of audio: \
         {ratio:.2}x (target: <= {TARGET_RATIO}x)",
        subnormal.as_secs_f64() * 1e3,
        normal.as_secs_f64() * 1e3
    );
}

criterion_group!(denormal_benches, benches);

fn main() {
    denormal_benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
