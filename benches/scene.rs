//! Cost of a dense trigger scene: eight layers (rain at 200 drops/s, taps at 8/s, whisper,
//! brush, paper, fire and two scattered layers) at 48 kHz in 64-sample blocks, and of each
//! family alone. Prints the real-time factor (target: at least 100x on a quiet machine), the
//! cost of a silent instance (target: under 0.05 % of a core) and the activation time at each
//! rate from 44.1 to 192 kHz (targets: first instance under 50 ms, the next under 5 ms, each
//! extra instance under 2 MB). With a room: the dense scene in the Bedroom (every layer at its
//! default Room Send; target: at least 60x real time), and the room's own cost per preset and
//! sample rate (one placed noise source sending into it, against the same without a room).
//! Head tracking: what a head turning a full circle per second adds to the dense scene. On an
//! AVX-512 machine the dense scene, the Bedroom and the silent instance are timed again on the
//! AVX2 path (the targets must hold on both).

mod common;

use common::{BLOCK, FS, render, render_with};
use criterion::{Criterion, criterion_group};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tingle::dsp::simd::SimdPath;
use tingle::engine::layer::{LayerSettings, Scatter, ScatterMode};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::head::{Rotation, YawPitchRoll};
use tingle::room::RoomKind;
use tingle::triggers::Family;

/// Audio rendered before timing, so the voice pools are in their steady state (s).
const WARM_UP_S: f32 = 10.0;
/// Audio timed per measurement (s).
const TIMED_S: f32 = 10.0;

/// The system allocator, counting the bytes in use (to weigh an extra instance).
struct Counting;

/// Bytes allocated and not yet freed.
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A layer of `family` firing `rate` times per second.
fn layer(family: Family, variant: usize, rate: f32, character: [f32; 4]) -> LayerSettings {
    LayerSettings {
        enabled: true,
        family,
        variant,
        character,
        level_db: -12.0,
        rhythm: RhythmSettings {
            rate: Some(RhythmRate::PerSecond(rate)),
            ..RhythmSettings::default()
        },
        ..LayerSettings::default()
    }
}

/// The dense scene: eight layers, denser than any factory scene.
fn dense_scene() -> EngineSettings {
    let scattered = |mut l: LayerSettings| {
        l.scatter = Scatter {
            mode: ScatterMode::Spread,
            spread_deg: 120.0,
            distance_octaves: 1.0,
        };
        l
    };
    EngineSettings {
        layers: [
            // Rain: an 8 s rain trigger every 8 s (one at a time) at 200 drops/s.
            layer(Family::Water, 1, 0.125, [0.5, rain_density_200(), 1.0, 0.5]),
            layer(Family::Tap, 0, 8.0, [0.5, 0.8, 0.5, 0.5]),
            layer(Family::Whisper, 0, 0.3, [0.5, 0.5, 0.5, 0.6]),
            layer(Family::Scratch, 1, 0.8, [0.5, 0.5, 0.5, 0.5]),
            layer(Family::Paper, 0, 0.5, [0.5, 0.5, 0.5, 0.5]),
            layer(Family::Fire, 0, 0.1, [0.5, 0.5, 0.5, 1.0]),
            scattered(layer(Family::Tap, 1, 4.0, [0.4, 1.0, 0.5, 0.5])),
            scattered(layer(Family::Water, 0, 6.0, [0.5, 0.5, 0.5, 0.5])),
        ],
        ..EngineSettings::default()
    }
}

/// The Water Density control value for 200 drops per second.
fn rain_density_200() -> f32 {
    tingle::triggers::water::density_control(200.0)
}

/// An engine playing `params`, past the warm-up.
fn warmed_engine(params: &EngineSettings) -> Engine {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(params);
    engine.reset();
    render(&mut engine, WARM_UP_S);
    engine
}

/// Renders `seconds` of `params` after the warm-up and returns the time it took (the warm-up
/// not counted).
fn time_render(params: &EngineSettings, seconds: f32) -> Duration {
    render(&mut warmed_engine(params), seconds)
}

fn benches(c: &mut Criterion) {
    let mut engine = warmed_engine(&dense_scene());
    let mut group = c.benchmark_group("scene");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    // Only the rendering is timed: the engine is built and warmed up once, outside.
    group.bench_function("dense 8-layer scene, 1 s at 48 kHz", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| render(&mut engine, 1.0)).sum())
    });
    group.finish();
}

/// Share of one core (%) a silent instance may cost.
const SILENT_TARGET_PERCENT: f64 = 0.05;
/// Sample rates the activation is timed at (Hz).
const ACTIVATION_RATES: [f32; 6] = [44_100.0, 48_000.0, 88_200.0, 96_000.0, 176_400.0, 192_000.0];
/// Activation targets: the first instance at a rate, and every one after it (ms).
const FIRST_ACTIVATION_TARGET_MS: f64 = 50.0;
const NEXT_ACTIVATION_TARGET_MS: f64 = 5.0;
/// Memory an instance may add once the HRTF set at its rate exists (MB).
const EXTRA_INSTANCE_TARGET_MB: f64 = 2.0;

/// Prints the cost of a silent instance (the dense scene's layers waiting for MIDI notes, no
/// rhythm, no input), against its target.
fn silent_summary() {
    let mut silent = dense_scene();
    for layer in &mut silent.layers {
        layer.rhythm.rate = None;
    }
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(&silent);
    engine.reset();
    render(&mut engine, WARM_UP_S);
    let best = (0..3)
        .map(|_| render(&mut engine, TIMED_S))
        .min()
        .unwrap_or_default();
    println!(
        "silent instance (8 layers waiting, no input; {} path): {:.4} % of one core (target: < {SILENT_TARGET_PERCENT} %)",
        SimdPath::detect().name(),
        100.0 * best.as_secs_f64() / f64::from(TIMED_S)
    );
}

/// Prints how long an engine takes to activate at each rate, for the first instance at that
/// rate and for the next (which shares the first's HRTF set), against the targets.
fn activation_summary() {
    for rate in ACTIVATION_RATES {
        let time = || {
            let start = Instant::now();
            let engine = Engine::new(rate, BLOCK);
            let elapsed = start.elapsed();
            (engine, elapsed)
        };
        let (_first, first) = time();
        let before = LIVE_BYTES.load(Ordering::Relaxed);
        let (_second, second) = time();
        let extra = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before);
        println!(
            "activation at {:.1} kHz: first instance {:.1} ms (target: < {FIRST_ACTIVATION_TARGET_MS} ms), next {:.2} ms (target: < {NEXT_ACTIVATION_TARGET_MS} ms); memory per extra instance {:.2} MB (target: < {EXTRA_INSTANCE_TARGET_MB} MB)",
            rate / 1000.0,
            first.as_secs_f64() * 1e3,
            second.as_secs_f64() * 1e3,
            extra as f64 / 1e6,
        );
    }
}

/// How many times faster than real time `scene` renders (the best of three timings).
fn real_time_factor(scene: &EngineSettings) -> f64 {
    let best = (0..3)
        .map(|_| time_render(scene, TIMED_S))
        .min()
        .unwrap_or_default();
    f64::from(TIMED_S) / best.as_secs_f64()
}

/// Prints the real-time factor of the dense scene on the SIMD path taken now.
fn dense_summary() {
    let factor = real_time_factor(&dense_scene());
    println!(
        "dense scene ({} path): {factor:.0}x faster than real time, {:.2} % of one core (target: >= 100x on a quiet machine, >= 50x loaded)",
        SimdPath::detect().name(),
        100.0 / factor
    );
}

/// Prints the cost of each of the dense scene's layers alone.
fn layers_summary() {
    let scene = dense_scene();
    for (i, layer) in scene.layers.iter().enumerate() {
        let mut alone = EngineSettings::default();
        alone.layers[i] = *layer;
        let t = (0..3)
            .map(|_| time_render(&alone, TIMED_S))
            .min()
            .unwrap_or_default();
        println!(
            "  layer {} ({}): {:.3} % of one core",
            i + 1,
            layer.family.info().name,
            100.0 * t.as_secs_f64() / f64::from(TIMED_S)
        );
    }
}

/// The dense scene's real-time factor a room may bring it down to (at least).
const ROOM_TARGET_FACTOR: f64 = 60.0;
/// Sample rates the room's own cost is reported at (Hz).
const ROOM_RATES: [f32; 4] = [44_100.0, 48_000.0, 96_000.0, 192_000.0];

/// Prints the dense scene's real-time factor in the Bedroom, against its target.
fn room_summary() {
    let mut scene = dense_scene();
    scene.room.kind = RoomKind::Bedroom;
    let factor = real_time_factor(&scene);
    println!(
        "dense scene in the Bedroom ({} path): {factor:.0}x faster than real time, {:.2} % of one core (target: >= {ROOM_TARGET_FACTOR}x)",
        SimdPath::detect().name(),
        100.0 / factor
    );
}

/// Prints what turning the head costs: the dense scene with the head tracker turning a full
/// circle per second (every world-locked source rotated every control period), against the
/// same scene with the head still.
fn head_summary() {
    let scene = dense_scene();
    let time = |turning: bool| {
        let mut engine = warmed_engine(&scene);
        let mut yaw = 0.0f32;
        (0..3)
            .map(|_| {
                render_with(&mut engine, TIMED_S, |engine| {
                    if turning {
                        yaw = (yaw + 360.0 * BLOCK as f32 / FS) % 360.0;
                        engine.set_tracker(Rotation::from_ypr(YawPitchRoll {
                            yaw_deg: yaw,
                            ..YawPitchRoll::default()
                        }));
                    }
                })
            })
            .min()
            .unwrap_or_default()
            .as_secs_f64()
            / f64::from(TIMED_S)
    };
    let (still, turning) = (time(false), time(true));
    println!(
        "head tracking: the dense scene with the head turning 360 deg/s costs {:.3} % of one core more than with the head still ({:.2} % against {:.2} %)",
        100.0 * (turning - still),
        100.0 * turning,
        100.0 * still
    );
}

/// Seconds of one placed white-noise source (Room Send 1) at `rate` in `kind`'s room, best of
/// three, per second of audio.
fn noise_source_cost(kind: RoomKind, rate: f32) -> f64 {
    let mut settings = EngineSettings::default();
    settings.input.room_send = 1.0;
    settings.room.kind = kind;
    let mut engine = Engine::new(rate, BLOCK);
    engine.set_settings(&settings);
    engine.reset();
    let mut noise = 0x2545_f491_u32;
    let mut run = |seconds: f32| {
        let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
        let start = Instant::now();
        for _ in 0..(seconds * rate) as usize / BLOCK {
            for v in &mut left {
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                *v = (noise as f32 / u32::MAX as f32 - 0.5) * 0.1;
            }
            engine.process(
                black_box(&mut left),
                black_box(&mut right),
                InputChannels::Mono,
            );
        }
        start.elapsed()
    };
    run(1.0);
    (0..3)
        .map(|_| run(TIMED_S / 2.0))
        .min()
        .unwrap_or_default()
        .as_secs_f64()
        / f64::from(TIMED_S / 2.0)
}

/// Prints the room's own cost per preset and sample rate: one placed noise source sending
/// into it, less the same source without a room.
fn room_cost_summary() {
    for rate in ROOM_RATES {
        let dry = noise_source_cost(RoomKind::Off, rate);
        let costs: Vec<String> = RoomKind::ALL[1..]
            .iter()
            .map(|&kind| {
                let cost = (noise_source_cost(kind, rate) - dry).max(0.0);
                format!("{kind:?} {:.3} %", 100.0 * cost)
            })
            .collect();
        println!(
            "room's own cost at {:.1} kHz (one source sending, % of one core): {}",
            rate / 1000.0,
            costs.join(", ")
        );
    }
}

criterion_group!(scene_benches, benches);

fn main() {
    // Activation first, while no HRTF set has been built in this process.
    activation_summary();
    scene_benches();
    Criterion::default().configure_from_args().final_summary();
    dense_summary();
    layers_summary();
    room_summary();
    room_cost_summary();
    head_summary();
    silent_summary();
    if SimdPath::detect().avx512() {
        // The targets must hold on the AVX2 path too: time it on this machine as well.
        SimdPath::cap_at_avx2();
        dense_summary();
        room_summary();
        silent_summary();
    }
}
