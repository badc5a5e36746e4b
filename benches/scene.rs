//! Cost of a dense trigger scene: eight layers (rain at 200 drops/s, taps at 8/s, whisper,
//! brush, paper, fire and two scattered layers) at 48 kHz in 64-sample blocks, and of each
//! family alone. Prints the real-time factor (target: at least 50x, under 2 % of a core).

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tingle::engine::layer::{LayerParams, Scatter, ScatterMode};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineParams, InputChannels};
use tingle::triggers::Family;

const FS: f32 = 48_000.0;
const BLOCK: usize = 64;
/// Audio rendered before timing, so the voice pools are in their steady state (s).
const WARM_UP_S: f32 = 10.0;
/// Audio timed per measurement (s).
const TIMED_S: f32 = 10.0;

/// A layer of `family` firing `rate` times per second.
fn layer(family: Family, variant: usize, rate: f32, character: [f32; 4]) -> LayerParams {
    LayerParams {
        enabled: true,
        family,
        variant,
        character,
        level_db: -12.0,
        rhythm: RhythmSettings {
            rate: Some(RhythmRate::PerSecond(rate)),
            ..RhythmSettings::default()
        },
        ..LayerParams::default()
    }
}

/// The dense scene of the issue.
fn dense_scene() -> EngineParams {
    let scattered = |mut l: LayerParams| {
        l.scatter = Scatter {
            mode: ScatterMode::Spread,
            spread_deg: 120.0,
            distance_octaves: 1.0,
        };
        l
    };
    EngineParams {
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
        ..EngineParams::default()
    }
}

/// The Water Density control value for 200 drops per second.
fn rain_density_200() -> f32 {
    tingle::triggers::water::density_control(200.0)
}

/// An engine playing `params`, past the warm-up.
fn warmed_engine(params: &EngineParams) -> Engine {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_params(params);
    engine.reset();
    render(&mut engine, WARM_UP_S);
    engine
}

/// Renders `seconds` more of what `engine` plays and returns the time it took.
fn render(engine: &mut Engine, seconds: f32) -> Duration {
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    let start = Instant::now();
    for _ in 0..(seconds * FS) as usize / BLOCK {
        left.fill(0.0);
        right.fill(0.0);
        engine.process(
            black_box(&mut left),
            black_box(&mut right),
            InputChannels::None,
        );
    }
    start.elapsed()
}

/// Renders `seconds` of `params` after the warm-up and returns the time it took (the warm-up
/// not counted).
fn time_render(params: &EngineParams, seconds: f32) -> Duration {
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

/// Prints the real-time factor of the dense scene and the cost of each of its layers alone.
fn summary() {
    let scene = dense_scene();
    let best = (0..3)
        .map(|_| time_render(&scene, TIMED_S))
        .min()
        .unwrap_or_default();
    let factor = f64::from(TIMED_S) / best.as_secs_f64();
    println!(
        "dense scene: {factor:.0}x faster than real time, {:.2} % of one core (target: >= 50x, < 2 %)",
        100.0 / factor
    );
    for (i, layer) in scene.layers.iter().enumerate() {
        let mut alone = EngineParams::default();
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

criterion_group!(scene_benches, benches);

fn main() {
    scene_benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
