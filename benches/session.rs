//! Cost of a session render through `tingle-render` itself (the built binary, as a user runs
//! it): the dense 8-layer scene of `benches/scene.rs` (rain at 200 drops/s, taps at 8/s,
//! whisper, brush, paper, fire and two scattered layers) as a scene file, at 48 kHz, with
//! fades, written to WAV; and the same as a FLAC at a target loudness (two passes). Prints the
//! time an hour takes, extrapolated from a minute (target: under 60 s on one core).

use criterion::{Criterion, criterion_group};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Length of the timed renders (s).
const TIMED_S: f64 = 60.0;
/// Length of the renders criterion samples (s).
const SAMPLED_S: f64 = 10.0;
/// Length of a render that times little but the renderer's start (s).
const STARTUP_S: f64 = 0.1;
/// Seconds in the hour the summary extrapolates to.
const HOUR_S: f64 = 3600.0;
/// The target time of an hour of the dense scene (s).
const TARGET_S: f64 = 60.0;
/// Timed runs per figure; the fastest counts (the least disturbed by other processes).
const RUNS: usize = 3;
/// Fade-in and fade-out of the timed renders (s).
const FADE_S: &str = "10";
/// Target loudness of the loudness render (LUFS).
const LOUDNESS_LUFS: &str = "-30";

/// One layer of the dense scene: family id, variant, rate (per second), the four character
/// controls, and whether it scatters its triggers (120 degrees, an octave of distance).
type Layer = (&'static str, usize, f32, [f32; 4], bool);

/// The dense scene of `benches/scene.rs`, as a scene file: every layer at -12 dB.
fn dense_scene() -> String {
    let rain_200 = tingle::triggers::water::density_control(200.0);
    let layers: [Layer; 8] = [
        ("water", 1, 0.125, [0.5, rain_200, 1.0, 0.5], false),
        ("tap", 0, 8.0, [0.5, 0.8, 0.5, 0.5], false),
        ("whisper", 0, 0.3, [0.5, 0.5, 0.5, 0.6], false),
        ("scratch", 1, 0.8, [0.5, 0.5, 0.5, 0.5], false),
        ("paper", 0, 0.5, [0.5, 0.5, 0.5, 0.5], false),
        ("fire", 0, 0.1, [0.5, 0.5, 0.5, 1.0], false),
        ("tap", 1, 4.0, [0.4, 1.0, 0.5, 0.5], true),
        ("water", 0, 6.0, [0.5, 0.5, 0.5, 0.5], true),
    ];
    let fields: Vec<String> = layers
        .iter()
        .zip(1..)
        .map(
            |((family, variant, rate, [c1, c2, c3, c4], scattered), n)| {
                let scatter = if *scattered {
                    format!(r#", "scatter_{n}": "spread", "spread_{n}": 120, "dspread_{n}": 1"#)
                } else {
                    String::new()
                };
                format!(
                    r#""on_{n}": true, "family_{n}": "{family}", "variant_{n}": {variant},
                "rate_{n}": {rate}, "c1_{n}": {c1}, "c2_{n}": {c2}, "c3_{n}": {c3},
                "c4_{n}": {c4}, "level_{n}": -12{scatter}"#
                )
            },
        )
        .collect();
    format!(r#"{{"params": {{{}}}}}"#, fields.join(",\n"))
}

/// A scratch folder holding the dense scene file.
struct Bench {
    dir: PathBuf,
    scene: PathBuf,
}

impl Bench {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("tingle-bench-session-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch directory");
        let scene = dir.join("dense.json");
        std::fs::write(&scene, dense_scene()).expect("write scene");
        Self { dir, scene }
    }

    /// Renders `seconds` of the dense scene with fades to `output` (in `self.dir`), with
    /// `extra` flags, and returns the wall time the renderer took.
    fn render(&self, seconds: f64, output: &str, extra: &[&str]) -> Duration {
        let output = self.dir.join(output);
        let duration = seconds.to_string();
        let start = Instant::now();
        let result = Command::new(env!("CARGO_BIN_EXE_tingle-render"))
            .arg(&self.scene)
            .arg(&output)
            .args([
                "--duration",
                &duration,
                "--fade-in",
                FADE_S,
                "--fade-out",
                FADE_S,
            ])
            .args(extra)
            .output()
            .expect("run tingle-render");
        let elapsed = start.elapsed();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        elapsed
    }

    /// The fastest of [`RUNS`] renders of `seconds`.
    fn fastest(&self, seconds: f64, output: &str, extra: &[&str]) -> Duration {
        (0..RUNS)
            .map(|_| self.render(seconds, output, extra))
            .min()
            .unwrap_or_default()
    }

    /// The time an hour of the render takes: the renderer's start plus 60 times what a minute
    /// costs beyond it.
    fn hour(&self, output: &str, extra: &[&str]) -> f64 {
        let startup = self.fastest(STARTUP_S, output, extra).as_secs_f64();
        let minute = self.fastest(TIMED_S, output, extra).as_secs_f64();
        startup + (minute - startup) * HOUR_S / TIMED_S
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn benches(c: &mut Criterion) {
    let bench = Bench::new();
    let mut group = c.benchmark_group("session");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("tingle-render: dense scene, 10 s to WAV with fades", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| bench.render(SAMPLED_S, "sampled.wav", &[]))
                .sum()
        })
    });
    group.finish();
}

/// Prints the time an hour of the dense scene takes, to WAV and to FLAC at a loudness.
fn summary() {
    let bench = Bench::new();
    let wav = bench.hour("hour.wav", &[]);
    println!("hour of dense scene: {wav:.1} s (target < {TARGET_S} s), to WAV with fades");
    let flac = bench.hour("hour.flac", &["--loudness", LOUDNESS_LUFS]);
    println!(
        "hour of dense scene to FLAC at --loudness {LOUDNESS_LUFS} (measure + write): {flac:.1} s"
    );
}

criterion_group!(session_benches, benches);

fn main() {
    session_benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
