//! Cost of a session render through `tingle-render` itself (the built binary, as a user runs
//! it): the dense 8-layer scene of `benches/scene.rs` (rain at 200 drops/s, taps at 8/s,
//! whisper, brush, paper, fire and two scattered layers) as a scene file, at 48 kHz, with
//! fades, written to WAV; to FLAC; and to FLAC at a target loudness (two passes). Prints the
//! time an hour takes, extrapolated from a minute (target: under 60 s on one core), on the
//! wall clock and on the CPU.

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
/// Clock ticks per second of the CPU times in `/proc` (Linux's USER_HZ).
const CLOCK_TICKS_PER_S: f64 = 100.0;
/// Fields of `/proc/self/stat` after the command name up to the children's user CPU time
/// (`cutime`, field 16; `cstime`, the system time, follows).
const CUTIME_INDEX: usize = 13;
/// Share of a render under its fade-in, and under its fade-out.
const FADE_SHARE: f64 = 1.0 / 6.0;
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

    /// Renders `seconds` of the dense scene with fades (a sixth of it each) to `output` (in
    /// `self.dir`), with `extra` flags, and returns the time the renderer took.
    fn render(&self, seconds: f64, output: &str, extra: &[&str]) -> Times {
        let output = self.dir.join(output);
        let duration = seconds.to_string();
        let fade = (seconds * FADE_SHARE).to_string();
        let (start, cpu_before) = (Instant::now(), children_cpu_s());
        let result = Command::new(env!("CARGO_BIN_EXE_tingle-render"))
            .arg(&self.scene)
            .arg(&output)
            .args([
                "--duration",
                &duration,
                "--fade-in",
                &fade,
                "--fade-out",
                &fade,
            ])
            .args(extra)
            .output()
            .expect("run tingle-render");
        let wall = start.elapsed().as_secs_f64();
        let cpu = children_cpu_s() - cpu_before;
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        Times { wall, cpu }
    }

    /// The fastest of [`RUNS`] renders of `seconds`, by wall clock and by CPU time.
    fn fastest(&self, seconds: f64, output: &str, extra: &[&str]) -> Times {
        (0..RUNS).map(|_| self.render(seconds, output, extra)).fold(
            Times {
                wall: f64::MAX,
                cpu: f64::MAX,
            },
            |best, t| Times {
                wall: best.wall.min(t.wall),
                cpu: best.cpu.min(t.cpu),
            },
        )
    }

    /// The times an hour of the render takes: the renderer's start plus 60 times what a minute
    /// costs beyond it.
    fn hour(&self, output: &str, extra: &[&str]) -> Times {
        let startup = self.fastest(STARTUP_S, output, extra);
        let minute = self.fastest(TIMED_S, output, extra);
        let scale = |start: f64, minute: f64| start + (minute - start) * HOUR_S / TIMED_S;
        Times {
            wall: scale(startup.wall, minute.wall),
            cpu: scale(startup.cpu, minute.cpu),
        }
    }
}

/// How long a render took (s): on the wall clock, and on the CPU (user and system time of the
/// renderer's one thread, which a busy machine does not inflate as much).
#[derive(Debug, Clone, Copy)]
struct Times {
    wall: f64,
    cpu: f64,
}

/// CPU time (s) of this process's finished children, from `/proc/self/stat` (Linux; 0 where
/// there is none).
fn children_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count the fields after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| -> f64 {
        fields
            .get(index)
            .and_then(|field| field.parse().ok())
            .unwrap_or(0.0)
    };
    (ticks(CUTIME_INDEX) + ticks(CUTIME_INDEX + 1)) / CLOCK_TICKS_PER_S
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
                .map(|_| Duration::from_secs_f64(bench.render(SAMPLED_S, "sampled.wav", &[]).wall))
                .sum()
        })
    });
    group.finish();
}

/// Prints the time an hour of the dense scene takes, to WAV and to FLAC at a loudness.
fn summary() {
    let bench = Bench::new();
    let wav = bench.hour("hour.wav", &[]);
    println!(
        "hour of dense scene: {:.1} s (target < {TARGET_S} s), {:.1} s of CPU; to WAV with fades",
        wav.wall, wav.cpu
    );
    let flac = bench.hour("hour.flac", &[]);
    println!(
        "hour of dense scene to FLAC: {:.1} s, {:.1} s of CPU",
        flac.wall, flac.cpu
    );
    let loud = bench.hour("hour-loud.flac", &["--loudness", LOUDNESS_LUFS]);
    println!(
        "hour of dense scene to FLAC at --loudness {LOUDNESS_LUFS} (measure + write): {:.1} s, \
         {:.1} s of CPU",
        loud.wall, loud.cpu
    );
}

criterion_group!(session_benches, benches);

fn main() {
    session_benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
