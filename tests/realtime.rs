//! The real-time rules, measured:
//!
//! - `process()` (the engine's and the plugin's) never touches the allocator: every call runs
//!   inside `assert_no_alloc` with the counting `AllocDisabler` as the global allocator, over
//!   every motion mode, parameter changes between blocks, block-size patterns, sample rates
//!   and input layouts, with the ambient bed (where there is input), gentle mode and the
//!   session timer on (the engine's runs reach the end of the session and rest). The count of
//!   allocator calls is per thread (see [`the_allocation_count_is_per_thread`]), so these tests
//!   run in parallel without seeing or resetting each other's counts.
//! - NaN or infinity in the input silences that block only; the filters do not get stuck.
//! - The hearing-safety limiter holds its -1 dBFS ceiling on hot input, at every position.
//! - Mix 0 % at 0 dB output passes the input through unchanged, for every input layout.
//! - The editor's cues play sample for sample and go back to be freed off the audio thread;
//!   quiet fades the scene out and in without a click; the tingle note counts a tingle and
//!   fires nothing.
//!
//! Run with `--nocapture` to see the measured numbers.

mod common;
mod host;

use assert_no_alloc::{assert_no_alloc, reset_violation_count, violation_count};
use common::{integrated_lufs, peak, rms_db, stereo_rms};
use host::{MONO, NO_INPUT, STEREO, TestProcessContext};
use nice_plug::prelude::*;
use std::sync::{Arc, Barrier};
use tingle::binaural::Position;
use tingle::engine::bed::{BedKind, BedSettings};
use tingle::engine::input::InputSettings;
use tingle::engine::master::MasterSettings;
use tingle::engine::motion::{MotionMode, MotionRate, MotionSettings};
use tingle::engine::tempo::{NoteValue, Transport as EngineTransport};
use tingle::engine::timer::TimerSettings;
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::head::{Anchor, YawPitchRoll};
use tingle::room::{RoomKind, RoomSettings};
use tingle::{Tingle, TinglePlacer};

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// The limiter's ceiling, -1 dBFS (10^(-1/20)), as the largest allowed sample magnitude.
fn ceiling() -> f64 {
    10f64.powf(-1.0 / 20.0)
}

/// A fixed-seed linear congruential generator (Knuth's MMIX constants): repeatable noise,
/// block sizes and parameter values without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// Uniform in -1..1.
    fn uniform(&mut self) -> f32 {
        (f64::from(self.next_u32()) / f64::from(u32::MAX) * 2.0 - 1.0) as f32
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * 0.5 * (self.uniform() + 1.0)
    }

    /// Uniform in `1..=max`.
    fn size(&mut self, max: usize) -> usize {
        1 + self.next_u32() as usize % max
    }
}

/// How a run cuts its audio into blocks.
#[derive(Debug, Clone, Copy)]
enum Blocks {
    /// Every block this long.
    Constant(usize),
    /// Random lengths in `1..=max` from a fixed-seed LCG.
    Random { max: usize, seed: u64 },
}

impl Blocks {
    fn max(self) -> usize {
        match self {
            Blocks::Constant(n) => n,
            Blocks::Random { max, .. } => max,
        }
    }

    fn sizes(self) -> impl FnMut() -> usize {
        let mut lcg = Lcg(match self {
            Blocks::Constant(_) => 0,
            Blocks::Random { seed, .. } => seed,
        });
        move || match self {
            Blocks::Constant(n) => n,
            Blocks::Random { max, .. } => lcg.size(max),
        }
    }
}

const RANDOM_BLOCKS: Blocks = Blocks::Random {
    max: 512,
    seed: 0x7469_6e67_6c65,
};

/// One real-time run.
#[derive(Debug, Clone, Copy)]
struct Case {
    sample_rate: f32,
    blocks: Blocks,
    /// Index into `Tingle::AUDIO_IO_LAYOUTS`.
    layout: usize,
    motion: MotionMode,
    /// Tempo-synced motion rate (else free-running in Hz).
    synced: bool,
    /// Whether the host transport plays (with a song position).
    playing: bool,
    /// Change parameters between blocks (every 10 ms of audio).
    automate: bool,
    seconds: f32,
}

impl Case {
    const fn new(sample_rate: f32, blocks: Blocks, layout: usize, motion: MotionMode) -> Self {
        Self {
            sample_rate,
            blocks,
            layout,
            motion,
            synced: false,
            playing: true,
            automate: true,
            seconds: 0.5,
        }
    }

    const fn synced(self) -> Self {
        Self {
            synced: true,
            ..self
        }
    }

    const fn stopped(self) -> Self {
        Self {
            playing: false,
            ..self
        }
    }

    const fn seconds(self, seconds: f32) -> Self {
        Self { seconds, ..self }
    }
}

/// What a run measured.
#[derive(Debug, Default)]
struct Measured {
    blocks: usize,
    samples: usize,
    param_changes: usize,
    /// Allocator calls counted inside the guarded regions.
    violations: u32,
    nonfinite: usize,
    peak: f32,
    rms: f64,
}

impl Measured {
    fn add_block(&mut self, left: &[f32], right: &[f32], sum_sq: &mut f64) {
        self.blocks += 1;
        self.samples += left.len();
        for &v in left.iter().chain(right) {
            if v.is_finite() {
                self.peak = self.peak.max(v.abs());
                *sum_sq += f64::from(v) * f64::from(v);
            } else {
                self.nonfinite += 1;
            }
        }
    }

    fn finish(&mut self, sum_sq: f64) {
        self.violations = violation_count();
        self.rms = (sum_sq / (2 * self.samples.max(1)) as f64).sqrt();
    }

    /// The real-time assertions every run must pass.
    fn check(&self, case: &Case) {
        println!("{case:?}\n    -> {self:?}");
        assert_eq!(self.violations, 0, "allocator calls in process(): {case:?}");
        assert_eq!(self.nonfinite, 0, "non-finite output: {case:?}");
        assert!(
            f64::from(self.peak) <= ceiling(),
            "output peak {} above the -1 dBFS ceiling: {case:?}",
            self.peak
        );
        if case.layout == NO_INPUT {
            // No input and no note events: nothing may sound (the host's garbage in the
            // buffers must not leak through).
            assert_eq!(self.peak, 0.0, "no-input layout is not silent: {case:?}");
        } else {
            assert!(self.rms > 1e-3, "output nearly silent: {case:?}");
        }
        if case.automate {
            assert!(
                self.param_changes >= 3,
                "too few parameter changes: {case:?}"
            );
        }
    }
}

/// Noise in both channels: the input for stereo, input plus garbage for mono, garbage for
/// none (which a host may leave in the output buffers of an instrument track).
fn fill_input(noise: &mut Lcg, left: &mut [f32], right: &mut [f32]) {
    for (l, r) in left.iter_mut().zip(right.iter_mut()) {
        *l = 0.3 * noise.uniform();
        *r = 0.3 * noise.uniform();
    }
}

/// The `step`-th parameter change of an automated run, `progress` (0..1) through it, as a
/// parameter id and plain value: azimuth jumps, a distance sweep from 0.1 m to 10 m and back,
/// elevation, gains, mix, motion depth and rate.
fn automation(step: usize, progress: f32, lcg: &mut Lcg) -> (&'static str, f32) {
    match step % 8 {
        0 => ("az", lcg.between(-180.0, 180.0)),
        1 => ("dist", -1.0 + 2.0 * (1.0 - (2.0 * progress - 1.0).abs())),
        2 => ("ingain", lcg.between(-48.0, 24.0)),
        3 => ("el", lcg.between(-40.0, 90.0)),
        4 => ("outgain", lcg.between(-48.0, 12.0)),
        5 => ("mix", lcg.between(0.0, 1.0)),
        6 => ("mdepth", lcg.between(0.0, 1.0)),
        _ => ("mrate", lcg.between(0.01, 10.0)),
    }
}

/// The same change applied to the engine's parameters.
fn apply(params: &mut EngineSettings, (id, value): (&str, f32)) {
    match id {
        "az" => params.input.position.azimuth_deg = value,
        "el" => params.input.position.elevation_deg = value,
        "dist" => params.input.position.distance_m = 10f32.powf(value),
        "ingain" => params.input.gain_db = value,
        "outgain" => params.master.output_gain_db = value,
        "mix" => params.input.mix = value,
        "mdepth" => params.input.motion.depth = value,
        "mrate" => {
            if let MotionRate::Hertz(_) = params.input.motion.rate {
                params.input.motion.rate = MotionRate::Hertz(value);
            }
        }
        _ => unreachable!("{id}"),
    }
}

/// `choice` as its enum parameter's value (the index the parameter's own `Enum` gives it).
fn index_of<E: Enum>(choice: E) -> f32 {
    choice.to_index() as f32
}

/// Bed level of the real-time runs (dB).
const BED_LEVEL_DB: f32 = -24.0;

/// Switches on the session features through the host: gentle mode, the session timer (one
/// minute, the longest fade, so the fade runs from the start) and, where there is input (a
/// no-input run must stay silent), the rain bed.
fn session_features_on(plugin: &TinglePlacer, layout: usize) {
    if layout != NO_INPUT {
        host::set_param(plugin, "bed", index_of(BedKind::Rain));
        host::set_param(plugin, "bedlevel", BED_LEVEL_DB);
    }
    host::set_param(plugin, "gentle", 1.0);
    host::set_param(plugin, "timer", 1.0);
    host::set_param(plugin, "tlen", 1.0);
    host::set_param(plugin, "tfade", 600.0);
}

/// The same for the engine, with a session that ends at 60 % of a run of `seconds` (when the
/// transport plays), so the fade, the end and the rest after it run inside the guard.
fn session_features(params: &mut EngineSettings, layout: usize, seconds: f32) {
    if layout != NO_INPUT {
        params.bed = BedSettings {
            kind: BedKind::Rain,
            level_db: BED_LEVEL_DB,
        };
    }
    params.master.gentle = true;
    params.master.timer = TimerSettings {
        enabled: true,
        length_s: 0.6 * seconds,
        fade_s: 0.2 * seconds,
    };
}

const TEMPO_BPM: f64 = 128.0;
/// Free motion rate at the start of a run: fast, so a short run covers whole cycles.
const FREE_RATE_HZ: f32 = 3.0;

/// Runs `case` through the plugin via the test host: every `process()` and one mid-run
/// `reset()` inside `assert_no_alloc`.
fn run_plugin(case: &Case) -> Measured {
    let mut plugin = host::placer();
    host::set_param(&plugin, "motion", index_of(case.motion));
    host::set_param(&plugin, "msync", if case.synced { 1.0 } else { 0.0 });
    host::set_param(&plugin, "mnote", index_of(NoteValue::Quarter));
    host::set_param(&plugin, "mrate", FREE_RATE_HZ);
    session_features_on(&plugin, case.layout);
    host::activate(
        &mut plugin,
        case.sample_rate,
        case.blocks.max() as u32,
        case.layout,
    );
    let mut context = TestProcessContext::new(case.sample_rate);
    context.set_tempo(Some(TEMPO_BPM));
    context.set_playing(case.playing);
    context.set_pos_beats(Some(0.0));
    context.set_time_signature(Some((4, 4)));

    let total = (case.seconds * case.sample_rate) as usize;
    let change_every = (0.01 * case.sample_rate) as usize;
    let mut left = vec![0.0f32; case.blocks.max()];
    let mut right = vec![0.0f32; case.blocks.max()];
    let (mut noise, mut values) = (Lcg(1), Lcg(2));
    let mut next_size = case.blocks.sizes();
    let mut m = Measured::default();
    let mut sum_sq = 0.0;
    let (mut done, mut next_change, mut reset_done) = (0, 0, false);

    reset_violation_count();
    while done < total {
        let n = next_size().min(total - done);
        if case.automate && done >= next_change {
            let change = automation(m.param_changes, done as f32 / total as f32, &mut values);
            host::set_param(&plugin, change.0, change.1);
            m.param_changes += 1;
            next_change = done + change_every;
        }
        if !reset_done && done >= total / 2 {
            assert_no_alloc(|| plugin.reset());
            reset_done = true;
        }
        let (l, r) = (&mut left[..n], &mut right[..n]);
        fill_input(&mut noise, l, r);
        host::process_block(&mut plugin, &mut context, l, r);
        m.add_block(l, r, &mut sum_sq);
        done += n;
    }
    m.finish(sum_sq);
    m
}

/// Runs `case` through the engine directly: `set_transport()`, `set_settings()` and `process()`
/// of every block, and one mid-run `reset()`, inside `assert_no_alloc`. `max_block` may be
/// smaller than the case's blocks (the engine then splits them).
fn run_engine(case: &Case, max_block: usize) -> Measured {
    let mut engine = Engine::new(case.sample_rate, max_block);
    let mut params = EngineSettings::default();
    params.input.motion = MotionSettings {
        mode: case.motion,
        rate: if case.synced {
            MotionRate::Synced(NoteValue::Quarter)
        } else {
            MotionRate::Hertz(FREE_RATE_HZ)
        },
        depth: 1.0,
    };
    session_features(&mut params, case.layout, case.seconds);
    engine.set_settings(&params);
    engine.reset();
    let input = match case.layout {
        STEREO => InputChannels::Stereo,
        MONO => InputChannels::Mono,
        _ => InputChannels::None,
    };

    let total = (case.seconds * case.sample_rate) as usize;
    let change_every = (0.01 * case.sample_rate) as usize;
    let mut left = vec![0.0f32; case.blocks.max()];
    let mut right = vec![0.0f32; case.blocks.max()];
    let (mut noise, mut values) = (Lcg(1), Lcg(2));
    let mut next_size = case.blocks.sizes();
    let mut m = Measured::default();
    let mut sum_sq = 0.0;
    let (mut done, mut next_change, mut reset_done) = (0, 0, false);
    let mut beats = 0.0;

    reset_violation_count();
    while done < total {
        let n = next_size().min(total - done);
        if case.automate && done >= next_change {
            let change = automation(m.param_changes, done as f32 / total as f32, &mut values);
            apply(&mut params, change);
            m.param_changes += 1;
            next_change = done + change_every;
        }
        if !reset_done && done >= total / 2 {
            assert_no_alloc(|| engine.reset());
            reset_done = true;
        }
        let transport = EngineTransport {
            tempo_bpm: TEMPO_BPM,
            beats_per_bar: 4.0,
            playing: case.playing,
            position_beats: Some(beats),
            position_seconds: Some(beats * 60.0 / TEMPO_BPM),
        };
        let (l, r) = (&mut left[..n], &mut right[..n]);
        fill_input(&mut noise, l, r);
        assert_no_alloc(|| {
            engine.set_transport(&transport);
            engine.set_settings(&params);
            engine.process(l, r, input);
        });
        m.add_block(l, r, &mut sum_sq);
        if case.playing {
            beats += n as f64 / f64::from(case.sample_rate) * TEMPO_BPM / 60.0;
        }
        done += n;
    }
    m.finish(sum_sq);
    m
}

const MODES: [MotionMode; 5] = [
    MotionMode::Off,
    MotionMode::Orbit,
    MotionMode::EarToEar,
    MotionMode::FigureEight,
    MotionMode::Drift,
];

/// The count of allocator calls is per thread, so tests running in parallel (each on a thread
/// of its own) cannot raise or reset each other's counts, and none needs a lock: another
/// thread's allocation inside `assert_no_alloc` leaves this thread's count at 0, and this
/// thread's `reset_violation_count()` leaves the other's count as it was. (assert_no_alloc
/// 1.1.2 keeps its forbid, permit and violation counters in `thread_local!` cells; this test
/// holds it to that.) The flip side: a count must be read on the thread that ran the guarded
/// code, as every test here does; `tests/editor.rs` relies on it, its UI thread allocating
/// freely while `process()` runs guarded on the test's own thread.
#[test]
fn the_allocation_count_is_per_thread() {
    let both_counted = Arc::new(Barrier::new(2));
    let this_one_reset = Arc::new(Barrier::new(2));
    reset_violation_count();
    let other = {
        let (both_counted, this_one_reset) = (both_counted.clone(), this_one_reset.clone());
        std::thread::spawn(move || {
            reset_violation_count();
            assert_no_alloc(|| drop(std::hint::black_box(Vec::<f32>::with_capacity(64))));
            let counted = violation_count();
            both_counted.wait();
            this_one_reset.wait();
            (counted, violation_count())
        })
    };
    both_counted.wait();
    let seen_here = violation_count();
    reset_violation_count();
    this_one_reset.wait();
    let (counted_there, there_after_reset_here) = other.join().expect("the other thread ran");
    println!(
        "other thread: {counted_there} counted, {there_after_reset_here} after a reset here; \
         this thread: {seen_here}"
    );
    assert!(counted_there >= 1, "the other thread's allocation counted");
    assert_eq!(seen_here, 0, "another thread's allocation counted here");
    assert_eq!(
        there_after_reset_here, counted_there,
        "a reset here cleared another thread's count"
    );
}

/// The measurement itself works: an allocation inside the guard is counted (so a zero below
/// means no allocator call, not a blind counter).
#[test]
fn the_guard_counts_allocations() {
    reset_violation_count();
    assert_no_alloc(|| {
        let v: Vec<f32> = std::hint::black_box(Vec::with_capacity(64));
        drop(v);
    });
    let counted = violation_count();
    println!("allocator calls counted for one Vec: {counted}");
    assert!(
        counted >= 1,
        "the guard missed an allocation: {counted} counted"
    );
    reset_violation_count();
    let v: Vec<f32> = std::hint::black_box(Vec::with_capacity(64));
    drop(v);
    assert_eq!(
        violation_count(),
        0,
        "allocations outside the guard counted"
    );
}

/// Every motion mode, free-running and tempo-synced with the transport playing (and synced
/// with it stopped), with parameters changing between random-sized blocks: no allocation in the
/// plugin's `process()`.
#[test]
fn every_motion_mode_processes_without_allocating() {
    for mode in MODES {
        let free = Case::new(48_000.0, RANDOM_BLOCKS, STEREO, mode);
        run_plugin(&free).check(&free);
        let synced = free.synced();
        run_plugin(&synced).check(&synced);
    }
    let stopped = Case::new(48_000.0, RANDOM_BLOCKS, STEREO, MotionMode::Orbit)
        .synced()
        .stopped();
    run_plugin(&stopped).check(&stopped);
}

/// Constant blocks of 1, 64, 512 and 8192 samples and random sizes 1..=512.
#[test]
fn every_block_size_pattern_processes_without_allocating() {
    let patterns = [
        (Blocks::Constant(1), MotionMode::Orbit, 0.5),
        (Blocks::Constant(64), MotionMode::EarToEar, 0.5),
        (Blocks::Constant(512), MotionMode::FigureEight, 0.5),
        (Blocks::Constant(8192), MotionMode::Drift, 1.0),
        (RANDOM_BLOCKS, MotionMode::Orbit, 0.5),
    ];
    for (blocks, mode, seconds) in patterns {
        let case = Case::new(48_000.0, blocks, STEREO, mode)
            .synced()
            .seconds(seconds);
        run_plugin(&case).check(&case);
    }
}

/// 44.1, 48, 88.2, 96 and 192 kHz.
#[test]
fn every_sample_rate_processes_without_allocating() {
    for (i, rate) in [44_100.0, 48_000.0, 88_200.0, 96_000.0, 192_000.0]
        .into_iter()
        .enumerate()
    {
        let case = Case::new(rate, RANDOM_BLOCKS, STEREO, MODES[i]);
        let case = if i % 2 == 0 { case.synced() } else { case };
        run_plugin(&case).check(&case);
    }
}

/// Stereo in, mono in and no input.
#[test]
fn every_input_layout_processes_without_allocating() {
    for layout in [STEREO, MONO, NO_INPUT] {
        for blocks in [Blocks::Constant(64), RANDOM_BLOCKS] {
            let case = Case::new(44_100.0, blocks, layout, MotionMode::FigureEight);
            run_plugin(&case).check(&case);
        }
    }
}

/// The engine on its own (as the standalone app and the renderer drive it): every mode, rate,
/// layout and block pattern once, including blocks longer than its maximum (split inside).
#[test]
fn engine_processes_without_allocating() {
    let cases = [
        (
            Case::new(44_100.0, Blocks::Constant(1), STEREO, MotionMode::Off),
            1,
        ),
        (
            Case::new(48_000.0, RANDOM_BLOCKS, MONO, MotionMode::Orbit).synced(),
            512,
        ),
        (
            Case::new(
                88_200.0,
                Blocks::Constant(64),
                NO_INPUT,
                MotionMode::EarToEar,
            ),
            64,
        ),
        (
            Case::new(
                96_000.0,
                Blocks::Constant(8192),
                STEREO,
                MotionMode::FigureEight,
            )
            .synced()
            .seconds(1.0),
            8192,
        ),
        (
            Case::new(192_000.0, RANDOM_BLOCKS, STEREO, MotionMode::Drift),
            512,
        ),
        (
            Case::new(48_000.0, Blocks::Constant(1000), MONO, MotionMode::Drift).synced(),
            256,
        ),
    ];
    for (case, max_block) in cases {
        run_engine(&case, max_block).check(&case);
    }
}

/// A non-finite value in one block: that block is silent (and finite), the following normal
/// blocks are finite and as loud as before, so no filter got stuck on the bad value.
#[test]
fn non_finite_input_silences_one_block_and_recovers() {
    const BLOCK: usize = 256;
    const BEFORE: usize = 40;
    const AFTER: usize = 60;
    // (layout, channel, index in the block, value)
    let glitches = [
        (STEREO, 0, 0, f32::NAN),
        (STEREO, 1, 200, f32::INFINITY),
        (STEREO, 0, BLOCK - 1, f32::NEG_INFINITY),
        (MONO, 0, 100, f32::NAN),
        (MONO, 0, 17, f32::INFINITY),
    ];
    for (layout, channel, at, bad) in glitches {
        let mut plugin = host::placer();
        host::set_param(&plugin, "motion", index_of(MotionMode::Orbit));
        host::set_param(&plugin, "mrate", 0.5);
        host::set_param(&plugin, "dist", -0.5);
        host::activate(&mut plugin, 48_000.0, BLOCK as u32, layout);
        let mut context = TestProcessContext::new(48_000.0);
        let mut noise = Lcg(7);
        let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
        reset_violation_count();

        let mut before_sq = 0.0;
        for b in 0..BEFORE {
            fill_input(&mut noise, &mut left, &mut right);
            host::process_block(&mut plugin, &mut context, &mut left, &mut right);
            assert!(left.iter().chain(&right).all(|v| v.is_finite()));
            if b >= BEFORE / 2 {
                before_sq += stereo_rms(&left, &right).powi(2);
            }
        }
        let before = (before_sq / (BEFORE / 2) as f64).sqrt();

        fill_input(&mut noise, &mut left, &mut right);
        [&mut left, &mut right][channel][at] = bad;
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
        let glitch_peak = finite_peak(&left, &right, "the bad input");

        let mut quietest = f64::INFINITY;
        let mut after_sq = 0.0;
        for _ in 0..AFTER {
            fill_input(&mut noise, &mut left, &mut right);
            host::process_block(&mut plugin, &mut context, &mut left, &mut right);
            assert!(
                left.iter().chain(&right).all(|v| v.is_finite()),
                "non-finite output after the glitch ({bad})"
            );
            let rms = stereo_rms(&left, &right);
            quietest = quietest.min(rms);
            after_sq += rms * rms;
        }
        let after = (after_sq / AFTER as f64).sqrt();
        println!(
            "{bad} in channel {channel} at {at} (layout {layout}): glitch block peak \
             {glitch_peak}, RMS before {before:.4}, after {after:.4}, quietest block after \
             {quietest:.4}"
        );
        assert_eq!(glitch_peak, 0.0, "the bad block was not silenced");
        assert!(before > 0.01, "too quiet to judge: {before}");
        assert!(
            quietest > 0.25 * before,
            "a block after the glitch is nearly silent: {quietest} vs {before} before"
        );
        assert!(
            after > 0.5 * before && after < 2.0 * before,
            "level after the glitch {after} vs {before} before"
        );
        assert_eq!(violation_count(), 0, "allocator calls in process()");
    }
}

/// Finite input that overflows to infinity inside the engine (1e38 at +24 dB): finite, silent
/// output for that block, then normal again.
#[test]
fn overflow_inside_the_engine_silences_one_block_and_recovers() {
    const BLOCK: usize = 128;
    let mut plugin = host::placer();
    host::set_param(&plugin, "ingain", 24.0);
    host::activate(&mut plugin, 48_000.0, BLOCK as u32, STEREO);
    let mut context = TestProcessContext::new(48_000.0);
    let mut noise = Lcg(11);
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    for _ in 0..20 {
        fill_input(&mut noise, &mut left, &mut right);
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
    }
    left.fill(1e38);
    right.fill(-1e38);
    host::process_block(&mut plugin, &mut context, &mut left, &mut right);
    let overflow_peak = finite_peak(&left, &right, "finite input");
    let mut quietest = f64::INFINITY;
    for _ in 0..40 {
        fill_input(&mut noise, &mut left, &mut right);
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
        assert!(left.iter().chain(&right).all(|v| v.is_finite()));
        quietest = quietest.min(stereo_rms(&left, &right));
    }
    println!("overflow block peak {overflow_peak}, quietest block after {quietest:.4}");
    assert_eq!(overflow_peak, 0.0, "the overflowing block was not silenced");
    assert!(quietest > 0.05, "stuck after the overflow: {quietest}");
}

/// The block's largest magnitude, asserting every sample is finite (`after` names the cause).
fn finite_peak(left: &[f32], right: &[f32], after: &str) -> f32 {
    assert!(
        left.iter().chain(right).all(|v| v.is_finite()),
        "non-finite output after {after}"
    );
    peak(left).max(peak(right))
}

/// What [`hot_run`] measured.
#[derive(Debug)]
struct Hot {
    peak: f32,
    /// Output samples above the exact ceiling 10^(-1/20).
    over: usize,
    samples: usize,
}

/// Three seconds of full-scale noise (the same in both channels) at +24 dB input gain through
/// the plugin at a position (and optional motion), limiter on or off.
fn hot_run(azimuth: f32, elevation: f32, log10_m: f32, motion: MotionMode, limiter: bool) -> Hot {
    const RATE: f32 = 48_000.0;
    const BLOCK: usize = 512;
    const SECONDS: f32 = 3.0;
    let mut plugin = host::placer();
    assert_eq!(
        host::param_value(&plugin, "limiter"),
        1.0,
        "the limiter is off by default"
    );
    host::set_param(&plugin, "ingain", 24.0);
    host::set_param(&plugin, "az", azimuth);
    host::set_param(&plugin, "el", elevation);
    host::set_param(&plugin, "dist", log10_m);
    host::set_param(&plugin, "motion", index_of(motion));
    host::set_param(&plugin, "mrate", 2.0);
    host::set_param(&plugin, "limiter", if limiter { 1.0 } else { 0.0 });
    host::activate(&mut plugin, RATE, BLOCK as u32, STEREO);
    let mut context = TestProcessContext::new(RATE);
    let mut noise = Lcg(3);
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    let mut hot = Hot {
        peak: 0.0,
        over: 0,
        samples: 0,
    };
    for _ in 0..(SECONDS * RATE) as usize / BLOCK {
        for (l, r) in left.iter_mut().zip(&mut right) {
            *l = noise.uniform();
            *r = *l;
        }
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
        for v in left.iter().chain(&right) {
            assert!(v.is_finite());
            hot.peak = hot.peak.max(v.abs());
            hot.over += usize::from(f64::from(v.abs()) > ceiling());
            hot.samples += 1;
        }
    }
    hot
}

/// The positions the limiter tests play at: azimuth, elevation (degrees), log10(distance / m),
/// motion. 0.1 m (log10 = -1) is the loudest.
const HOT_POSITIONS: [(f32, f32, f32, MotionMode); 9] = [
    (0.0, 0.0, -1.0, MotionMode::Off),
    (90.0, 0.0, -1.0, MotionMode::Off),
    (-90.0, 0.0, -1.0, MotionMode::Off),
    (180.0, 0.0, -1.0, MotionMode::Off),
    (45.0, 60.0, -1.0, MotionMode::Off),
    (-30.0, -40.0, -0.5, MotionMode::Off),
    (0.0, 0.0, 0.0, MotionMode::Off),
    (120.0, 10.0, 1.0, MotionMode::Off),
    (0.0, 0.0, -1.0, MotionMode::Orbit),
];

/// With the limiter on (the default), +24 dB of full-scale noise stays at -1 dBFS at every
/// position (0.1 m is the loudest) and reaches it (so the material is hot); with the limiter off
/// the same material exceeds it, so the check bites. Not one sample lies above 10^(-1/20),
/// not even by rounding.
#[test]
fn the_limiter_holds_the_ceiling_on_hot_input() {
    let ceiling = ceiling();
    for (az, el, dist, motion) in HOT_POSITIONS {
        let hot = hot_run(az, el, dist, motion, true);
        println!(
            "limiter on, az {az} el {el} {:.2} m {motion:?}: peak {:.9} ({:+.3e} dB re \
             ceiling {ceiling:.9}), {} of {} samples above it",
            10f32.powf(dist),
            hot.peak,
            20.0 * (f64::from(hot.peak) / ceiling).log10(),
            hot.over,
            hot.samples
        );
        assert_eq!(
            hot.over, 0,
            "az {az} el {el} log10 m {dist} {motion:?}: {} of {} samples above the ceiling, \
             peak {:.9}",
            hot.over, hot.samples, hot.peak
        );
        assert!(
            f64::from(hot.peak) > 0.95 * ceiling,
            "material not hot enough to test the limiter: {}",
            hot.peak
        );
    }
    let unlimited = hot_run(90.0, 0.0, -1.0, MotionMode::Off, false);
    println!(
        "limiter off, az 90 at 0.10 m: peak {:.3} ({:+.2} dBFS), {} of {} samples above the \
         ceiling",
        unlimited.peak,
        20.0 * unlimited.peak.log10(),
        unlimited.over,
        unlimited.samples
    );
    assert!(
        f64::from(unlimited.peak) > 2.0 * ceiling,
        "without the limiter the hot input should exceed the ceiling: {}",
        unlimited.peak
    );
}

/// Mix 0 % at 0 dB output passes the input through unchanged (within 1e-6) for every layout:
/// stereo as is, mono to both ears (the unused right channel holds NaN garbage, which must not
/// matter), no input as silence (both channels hold garbage). Processing is in place on the
/// host's buffers. Setting the mix back to 100 % changes the output, so the check bites.
#[test]
fn mix_zero_passes_the_input_through_every_layout() {
    for rate in [44_100.0, 96_000.0] {
        for layout in [STEREO, MONO, NO_INPUT] {
            let mut plugin = host::placer();
            assert_eq!(host::set_param(&plugin, "mix", 0.0), 0.0);
            assert_eq!(host::set_param(&plugin, "outgain", 0.0), 0.0);
            host::set_param(&plugin, "motion", index_of(MotionMode::Orbit));
            host::set_param(&plugin, "az", 75.0);
            host::activate(&mut plugin, rate, 512, layout);
            let mut context = TestProcessContext::new(rate);
            let (mut noise, mut sizes) = (Lcg(5), RANDOM_BLOCKS.sizes());
            let (mut left, mut right) = ([0.0f32; 512], [0.0f32; 512]);
            let (mut input_l, mut input_r) = ([0.0f32; 512], [0.0f32; 512]);
            reset_violation_count();

            let mut run = |plugin: &mut TinglePlacer, seconds: f32| -> f32 {
                let mut worst = 0.0f32;
                let mut done = 0;
                while done < (seconds * rate) as usize {
                    let n = sizes();
                    for i in 0..n {
                        // Loud but below the limiter's ceiling, which must stay transparent.
                        input_l[i] = 0.8 * noise.uniform();
                        input_r[i] = 0.8 * noise.uniform();
                    }
                    left[..n].copy_from_slice(&input_l[..n]);
                    match layout {
                        STEREO => right[..n].copy_from_slice(&input_r[..n]),
                        MONO => right[..n].fill(f32::NAN),
                        _ => {
                            left[..n].fill(f32::NAN);
                            right[..n].fill(f32::INFINITY);
                        }
                    }
                    host::process_block(plugin, &mut context, &mut left[..n], &mut right[..n]);
                    for i in 0..n {
                        let (want_l, want_r) = match layout {
                            STEREO => (input_l[i], input_r[i]),
                            MONO => (input_l[i], input_l[i]),
                            _ => (0.0, 0.0),
                        };
                        let err = (left[i] - want_l).abs().max((right[i] - want_r).abs());
                        // NaN compares false: count it as an infinite error.
                        worst = if err.is_nan() {
                            f32::INFINITY
                        } else {
                            worst.max(err)
                        };
                    }
                    done += n;
                }
                worst
            };

            let worst = run(&mut plugin, 0.5);
            host::set_param(&plugin, "mix", 1.0);
            let binaural = run(&mut plugin, 0.25);
            println!(
                "{rate} Hz, layout {layout}: mix 0 % largest deviation {worst:e}, mix 100 % \
                 deviation {binaural:.3}"
            );
            assert!(worst <= 1e-6, "mix 0 % changed the signal by {worst}");
            if layout == NO_INPUT {
                assert_eq!(binaural, 0.0, "no-input layout is not silent at mix 100 %");
            } else {
                assert!(binaural > 0.05, "mix 100 % hardly changes the signal");
            }
            assert_eq!(violation_count(), 0, "allocator calls in process()");
        }
    }
}

/// `host::set_param` reaches the values the plugin hands the engine.
#[test]
fn set_param_reaches_the_engine_parameters() {
    let plugin = host::placer();
    assert_eq!(host::set_param(&plugin, "az", -135.0), -135.0);
    assert_eq!(host::set_param(&plugin, "el", 30.0), 30.0);
    assert_eq!(host::set_param(&plugin, "dist", -1.0), -1.0);
    let figure_eight = index_of(MotionMode::FigureEight);
    assert_eq!(
        host::set_param(&plugin, "motion", figure_eight),
        figure_eight
    );
    assert_eq!(host::set_param(&plugin, "msync", 1.0), 1.0);
    let quarter = index_of(NoteValue::Quarter);
    assert_eq!(host::set_param(&plugin, "mnote", quarter), quarter);
    assert_eq!(host::set_param(&plugin, "mdepth", 0.5), 0.5);
    assert_eq!(host::set_param(&plugin, "ingain", 24.0), 24.0);
    assert_eq!(host::set_param(&plugin, "mix", 0.25), 0.25);
    assert_eq!(host::set_param(&plugin, "outgain", -6.0), -6.0);
    assert_eq!(host::set_param(&plugin, "limiter", 0.0), 0.0);
    let brown = index_of(BedKind::Brown);
    assert_eq!(host::set_param(&plugin, "bed", brown), brown);
    assert_eq!(host::set_param(&plugin, "bedlevel", -30.0), -30.0);
    let hall = index_of(RoomKind::StoneHall);
    assert_eq!(host::set_param(&plugin, "room", hall), hall);
    assert_eq!(host::set_param(&plugin, "roomsize", 1.25), 1.25);
    assert_eq!(host::set_param(&plugin, "roomdamp", 0.75), 0.75);
    assert_eq!(host::set_param(&plugin, "roomlevel", -6.0), -6.0);
    assert_eq!(host::set_param(&plugin, "inroomsend", 0.5), 0.5);
    assert_eq!(host::set_param(&plugin, "roomsend_3", 0.25), 0.25);
    assert_eq!(host::set_param(&plugin, "gentle", 1.0), 1.0);
    assert_eq!(host::set_param(&plugin, "timer", 1.0), 1.0);
    assert_eq!(host::set_param(&plugin, "tlen", 90.0), 90.0);
    assert_eq!(host::set_param(&plugin, "tfade", 120.0), 120.0);
    assert_eq!(host::set_param(&plugin, "headyaw", -45.0), -45.0);
    assert_eq!(host::set_param(&plugin, "headpitch", 20.0), 20.0);
    assert_eq!(host::set_param(&plugin, "headroll", -10.0), -10.0);
    assert_eq!(host::set_param(&plugin, "inanchor", 1.0), 1.0);
    assert_eq!(host::set_param(&plugin, "anchor_4", 1.0), 1.0);
    // Clamped to the range, as a host's value would be.
    assert_eq!(host::set_param(&plugin, "ingain", 99.0), 24.0);
    let p = plugin.tingle_params().engine_settings();
    let expected = EngineSettings {
        input: InputSettings {
            position: Position {
                azimuth_deg: -135.0,
                elevation_deg: 30.0,
                distance_m: 0.1,
            },
            motion: MotionSettings {
                mode: MotionMode::FigureEight,
                rate: MotionRate::Synced(NoteValue::Quarter),
                depth: 0.5,
            },
            gain_db: 24.0,
            mix: 0.25,
            room_send: 0.5,
            anchor: Anchor::Head,
        },
        head: YawPitchRoll {
            yaw_deg: -45.0,
            pitch_deg: 20.0,
            roll_deg: -10.0,
        },
        bed: BedSettings {
            kind: BedKind::Brown,
            level_db: -30.0,
        },
        room: RoomSettings {
            kind: RoomKind::StoneHall,
            size: 1.25,
            damping: 0.75,
            level_db: -6.0,
        },
        master: MasterSettings {
            output_gain_db: -6.0,
            limiter: false,
            gentle: true,
            timer: TimerSettings {
                enabled: true,
                length_s: 90.0 * 60.0,
                fade_s: 120.0,
            },
        },
        ..p
    };
    assert!((p.input.position.distance_m - 0.1).abs() < 1e-6, "{p:?}");
    let mut rounded = p;
    rounded.input.position.distance_m = 0.1;
    assert_eq!(p.layers[2].room_send, 0.25);
    assert_eq!(p.layers[3].anchor, Anchor::Head);
    assert_eq!(rounded, expected);
    host::set_param(&plugin, "msync", 0.0);
    host::set_param(&plugin, "mrate", 2.5);
    assert_eq!(
        plugin.tingle_params().engine_settings().input.motion.rate,
        MotionRate::Hertz(2.5)
    );
}

/// SPARTA's `/ypr` message for a head turned `yaw` degrees to the left, level and upright.
fn ypr_packet(yaw: f32) -> Vec<u8> {
    use rosc::{OscMessage, OscPacket, OscType, encoder};
    let packet = OscPacket::Message(OscMessage {
        addr: "/ypr".into(),
        args: vec![
            OscType::Float(yaw),
            OscType::Float(0.0),
            OscType::Float(0.0),
        ],
    });
    encoder::encode(&packet).expect("encoded")
}

/// Quiet spell (ms) after which the OSC receiver's queue counts as drained: no message accepted.
const FLOOD_QUIET_MS: u64 = 50;

/// A head tracker sending a flood of OSC orientations (a sweep, up to 2000 messages a second) while
/// the Placer processes and Recenter is switched on and off: no block allocates, the receiver
/// listens where the session says, and the last orientation (SPARTA's `/ypr -90 0 0`: turned
/// 90 degrees right) is heard: noise placed ahead comes out louder in the left ear.
#[test]
fn a_head_tracker_over_osc_processes_without_allocating() {
    const FS: f32 = 48_000.0;
    const BLOCK: usize = 256;
    let mut plugin = host::placer();
    *plugin.tingle_params().osc.write().expect("settings") = tingle::head::osc::OscSettings {
        enabled: true,
        port: 0,
        all_interfaces: false,
    };
    host::activate(&mut plugin, FS, BLOCK as u32, 0);
    let tracking = plugin.head_tracking();
    let to = tracking
        .status()
        .address
        .expect("the receiver listens after activation");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sender = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("sender");
            let mut yaw = 0.0f32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                yaw = (yaw + 1.0) % 360.0;
                let _ = socket.send_to(&ypr_packet(yaw), to);
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
        })
    };
    let mut context = TestProcessContext::new(FS);
    let (mut left, mut right) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut noise = Lcg(3);
    reset_violation_count();
    // At least 400 blocks, and at least half a second for the flood to arrive in.
    let started = std::time::Instant::now();
    let mut block = 0;
    while block < 400 || started.elapsed() < std::time::Duration::from_millis(500) {
        block += 1;
        if block % 100 == 50 {
            host::set_param(&plugin, "recenter", 1.0);
        } else if block % 100 == 60 {
            host::set_param(&plugin, "recenter", 0.0);
        }
        fill_input(&mut noise, &mut left, &mut right);
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.join().expect("sender");
    // The flood's last packets may still wait in the receiver's queue on a loaded machine: let
    // it drain (no message accepted for a quiet spell), so that none lands after the messages
    // below and turns the head back.
    let drained_by = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let before = tracking.status().accepted;
        std::thread::sleep(std::time::Duration::from_millis(FLOOD_QUIET_MS));
        if tracking.status().accepted == before {
            break;
        }
        assert!(
            std::time::Instant::now() < drained_by,
            "the flood never drained"
        );
    }
    // Then: the tracker looks ahead and is recentred there, then turns 90 degrees right.
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("sender");
    let send_yaw = |yaw: f32| {
        let before = tracking.status().accepted;
        socket.send_to(&ypr_packet(yaw), to).expect("sent");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while tracking.status().accepted == before {
            assert!(
                std::time::Instant::now() < deadline,
                "the message did not arrive"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    };
    let mut process = |plugin: &mut TinglePlacer, blocks: usize| {
        let (mut l_sum, mut r_sum) = (0.0f64, 0.0f64);
        for _ in 0..blocks {
            fill_input(&mut noise, &mut left, &mut right);
            host::process_block(plugin, &mut context, &mut left, &mut right);
            l_sum += left.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();
            r_sum += right.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();
        }
        10.0 * (l_sum / r_sum).log10()
    };
    send_yaw(0.0);
    host::set_param(&plugin, "recenter", 0.0);
    process(&mut plugin, 1);
    host::set_param(&plugin, "recenter", 1.0);
    process(&mut plugin, 1);
    let ahead_db = process(&mut plugin, 50);
    send_yaw(-90.0);
    process(&mut plugin, 10);
    let turned_db = process(&mut plugin, 80);
    assert_eq!(violation_count(), 0, "a block allocated");
    let status = tracking.status();
    println!(
        "left minus right: ahead {ahead_db:.1} dB, turned right {turned_db:.1} dB ({status:?})"
    );
    assert_eq!(status.last_osc_address.as_deref(), Some("/ypr"));
    assert!(
        status.accepted > 50,
        "the flood arrived while audio ran: {status:?}"
    );
    assert!(ahead_db.abs() < 1.0, "recentred ahead: {ahead_db} dB");
    assert!(
        turned_db > 6.0,
        "turned right, the left ear is louder: {turned_db} dB"
    );
}

/// Every layer busy at once (each family in turn, fast rates, bursts, scatter, motion, MIDI
/// notes on top) in a room that changes preset, size and damping as they play, through the
/// engine and through the plugin: no allocation, finite output; with the voice budget the
/// instance reaches its budget (so its hand-overs, masking and stealing run inside the guard),
/// and without it the voice pools really fill up (so the layers' own stealing runs too).
#[test]
fn eight_busy_layers_process_without_allocating() {
    use tingle::engine::budget::INSTANCE_UNITS;
    use tingle::engine::layer::{Scatter, ScatterMode};
    use tingle::engine::rhythm::RhythmRate;
    use tingle::triggers::Family;

    let mut params = EngineSettings::default();
    for (i, layer) in params.layers.iter_mut().enumerate() {
        layer.enabled = true;
        layer.family = Family::ALL[i % Family::ALL.len()];
        layer.character = [0.5, 1.0, 0.5, 0.5];
        layer.rhythm.rate = Some(RhythmRate::PerSecond(25.0));
        layer.rhythm.burst = 3;
        layer.rhythm.burst_spacing_s = 0.01;
        layer.scatter = Scatter {
            mode: if i % 2 == 0 {
                ScatterMode::Spread
            } else {
                ScatterMode::EarToEar
            },
            spread_deg: 90.0,
            distance_octaves: 1.0,
        };
        layer.motion.mode = MODES[i % MODES.len()];
        layer.level_db = -18.0;
    }
    session_features(&mut params, STEREO, 1.5);
    params.bed.kind = BedKind::Air;
    let (mut left, mut right) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    for budget in [true, false] {
        let mut engine = Engine::new(48_000.0, 512);
        engine.set_settings(&params);
        engine.set_voice_budget(budget);
        engine.reset();
        let (mut most_full, mut most_units) = (0, 0.0f32);
        let mut nonfinite = 0;
        reset_violation_count();
        for block in 0..(2 * 48_000 / 512) {
            // Another room every tenth of a second or so, at another size and damping.
            params.room.kind = RoomKind::ALL[(block / 10) % RoomKind::ALL.len()];
            params.room.size = if block % 20 < 10 { 0.5 } else { 1.5 };
            params.room.damping = (block % 7) as f32 / 6.0;
            assert_no_alloc(|| {
                engine.note_on(block % 512, 60 + (block % 8) as u8, 0.8);
                engine.set_settings(&params);
                engine.process(&mut left, &mut right, InputChannels::None);
            });
            nonfinite += left.iter().chain(&right).filter(|v| !v.is_finite()).count();
            // Layers whose pool is full (16 playing, so the next trigger steals).
            let full = engine.active_voices().iter().filter(|&&v| v >= 16).count();
            most_full = most_full.max(full);
            most_units = most_units.max(engine.voice_units());
        }
        assert_eq!(violation_count(), 0, "allocations with eight busy layers");
        assert_eq!(nonfinite, 0);
        if budget {
            assert!(
                most_units >= 0.8 * INSTANCE_UNITS,
                "the budget should be reached: at most {most_units} units"
            );
        } else {
            assert!(
                most_full >= 3,
                "voice pools should fill: at most {most_full} full layers"
            );
        }
    }

    let mut plugin = host::placer();
    host::set_param(&plugin, "room", index_of(RoomKind::StoneHall));
    for layer in 1..=8 {
        host::set_param(&plugin, &format!("on_{layer}"), 1.0);
        let family = Family::ALL[(layer - 1) % Family::ALL.len()];
        let sound = tingle::params::SoundChoice::new(family, 0);
        host::set_param(&plugin, &format!("sound_{layer}"), sound.to_index() as f32);
        host::set_param(&plugin, &format!("rate_{layer}"), 25.0);
        host::set_param(&plugin, &format!("burst_{layer}"), 3.0);
        host::set_param(&plugin, &format!("scatter_{layer}"), 1.0);
    }
    session_features_on(&plugin, STEREO);
    host::activate(&mut plugin, 48_000.0, 512, NO_INPUT);
    let mut context = TestProcessContext::new(48_000.0);
    reset_violation_count();
    for _ in 0..(48_000 / 512) {
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
        assert!(left.iter().chain(&right).all(|v| v.is_finite()));
    }
    assert_eq!(
        violation_count(),
        0,
        "allocations in the plugin with eight busy layers"
    );
    assert!(left.iter().any(|v| v.abs() > 1e-4), "the layers sound");
}

/// The editor's meters cost nothing while no editor is open: with the telemetry connected but
/// nobody listening, the audio thread leaves every meter untouched (the CPU readout too: no
/// block is timed); once an editor listens, the peaks, the loudness, the positions and the
/// engine's share of a core follow, and they stop again when it closes. Nothing of it
/// allocates.
#[test]
fn meters_are_measured_only_while_an_editor_listens() {
    const BLOCK: usize = 480;
    let (sender, receiver) = tingle::engine::telemetry::telemetry();
    let meters = &receiver.meters;
    let mut engine = Engine::new(48_000.0, BLOCK);
    engine.set_settings(&EngineSettings::default());
    engine.set_telemetry(sender);
    engine.reset();
    let mut noise = Lcg(7);
    let mut run = |engine: &mut Engine, blocks: usize| {
        for _ in 0..blocks {
            let mut left: Vec<f32> = (0..BLOCK).map(|_| 0.25 * noise.uniform()).collect();
            let mut right = left.clone();
            assert_no_alloc(|| engine.process(&mut left, &mut right, InputChannels::Mono));
        }
    };
    reset_violation_count();
    let lufs = || {
        meters
            .short_term_lufs
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let cpu = || meters.cpu_share.load(std::sync::atomic::Ordering::Relaxed);
    let untouched = lufs();
    run(&mut engine, 100);
    assert_eq!(
        meters.take_peak(0),
        0.0,
        "peak measured with no editor open"
    );
    assert_eq!(lufs(), untouched, "loudness measured with no editor open");
    assert_eq!(cpu(), 0.0, "cost measured with no editor open");

    meters.set_listening(true);
    run(&mut engine, 200);
    let (peak, open_lufs, open_cpu) = (meters.take_peak(0), lufs(), cpu());
    assert!(peak > 0.05, "peak {peak}");
    assert!(
        (-40.0..0.0).contains(&open_lufs),
        "loudness {open_lufs} LUFS while the editor listens"
    );
    // Placing one input takes some time, and far less than the audio lasts.
    assert!(
        open_cpu > 0.0 && open_cpu < 1.0,
        "share of a core {open_cpu} while the editor listens"
    );

    meters.set_listening(false);
    run(&mut engine, 100);
    assert_eq!(
        meters.take_peak(0),
        0.0,
        "peak measured after the editor closed"
    );
    assert_eq!(
        lufs(),
        open_lufs,
        "loudness measured after the editor closed"
    );
    assert_eq!(cpu(), open_cpu, "cost measured after the editor closed");
    assert_eq!(violation_count(), 0, "allocations while metering");
}

/// Loudness a fresh instrument's first seconds must exceed (LUFS): well above silence, well
/// below the factory scenes' -26 LUFS target.
const NOT_SILENT_LUFS: f64 = -40.0;
/// Length of the first-sound renders (s).
const FIRST_SOUND_S: usize = 10;

/// Sample rate of the first-sound renders (Hz).
const FIRST_SOUND_RATE: u32 = 48_000;

/// Renders `seconds` of `plugin` at 48 kHz in blocks of `BLOCK`, the input given by
/// `input(sample)` on both channels; returns the output's [left, right].
fn render_plugin<F: tingle::Flavour>(
    plugin: &mut tingle::TinglePlugin<F>,
    seconds: usize,
    input: impl Fn(usize) -> f32,
) -> [Vec<f32>; 2] {
    const BLOCK: usize = 512;
    let mut context = TestProcessContext::new(48_000.0);
    let (mut left, mut right) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut out = [Vec::new(), Vec::new()];
    for block in 0..seconds * 48_000 / BLOCK {
        for (i, (l, r)) in left.iter_mut().zip(&mut right).enumerate() {
            *l = input(block * BLOCK + i);
            *r = *l;
        }
        host::process_block(plugin, &mut context, &mut left, &mut right);
        out[0].extend_from_slice(&left);
        out[1].extend_from_slice(&right);
    }
    out
}

/// A new instrument instance on a track without audio input plays its default scene at once:
/// its first 10 s are well above silence, under the limiter's ceiling, without allocating in
/// `process()`, and the parameters still hold their defaults (nothing changed behind the
/// host's back).
#[test]
fn a_new_instrument_instance_sounds_from_its_first_second() {
    let mut plugin = Tingle::default();
    host::activate(&mut plugin, 48_000.0, 512, NO_INPUT);
    reset_violation_count();
    let [left, right] = render_plugin(&mut plugin, FIRST_SOUND_S, |_| 0.0);
    assert_eq!(violation_count(), 0, "allocations in process()");
    let second = FIRST_SOUND_RATE as usize;
    let first_second = integrated_lufs(&left[..second], &right[..second], FIRST_SOUND_RATE);
    let all = integrated_lufs(&left, &right, FIRST_SOUND_RATE);
    println!("first second {first_second:.1} LUFS, first {FIRST_SOUND_S} s {all:.1} LUFS");
    assert!(
        all > NOT_SILENT_LUFS,
        "the first seconds are too quiet: {all:.1} LUFS"
    );
    assert!(
        first_second > NOT_SILENT_LUFS,
        "the first second: {first_second:.1} LUFS"
    );
    let loudest = peak(&left).max(peak(&right));
    assert!(f64::from(loudest) <= ceiling(), "peak {loudest}");
    let params = plugin.params();
    for (id, ptr, _) in params.param_map() {
        // SAFETY: `ptr` points into `params`, alive here.
        let (value, default) = unsafe {
            (
                ptr.unmodulated_normalized_value(),
                ptr.default_normalized_value(),
            )
        };
        assert_eq!(value, default, "{id} moved from its default");
    }
}

/// A new Placer on an audio track adds nothing (silence in, exact silence out, for 10 s) and
/// places its input straight ahead: noise comes out centred (equal levels in both ears) at
/// about its own level (the front HRTF pair's broadband gain, a few dB).
#[test]
fn a_new_placer_places_its_input_and_adds_nothing() {
    let mut plugin = host::activated(48_000.0, 512, STEREO);
    let quiet = render_plugin(&mut plugin, FIRST_SOUND_S, |_| 0.0);
    assert!(
        quiet.iter().flatten().all(|v| *v == 0.0),
        "the Placer added sound of its own"
    );
    let mut noise = Lcg(0x5EED);
    let input: Vec<f32> = (0..2 * 48_000).map(|_| 0.25 * noise.uniform()).collect();
    let [left, right] = render_plugin(&mut plugin, 2, |n| input[n]);
    let (ild, gain) = (
        rms_db(&left) - rms_db(&right),
        rms_db(&left) - rms_db(&input),
    );
    println!("noise in front: ILD {ild:.2} dB, level {gain:.2} dB");
    assert!(ild.abs() < 1.0, "not centred: ILD {ild:.2} dB");
    assert!(
        gain.abs() < 6.0,
        "the input's level changed by {gain:.1} dB"
    );
}

/// Changing the HRTF set while the engine runs (a SOFA file's set, KEMAR again, and a set at
/// the wrong rate that is handed back unused) allocates and frees nothing on the audio thread:
/// the engine takes the new set at a block's start and hands the old one back to be dropped
/// here.
#[test]
fn changing_the_hrtf_set_does_not_allocate() {
    use tingle::binaural::cache::{self, HrtfChoice};
    const RATE: f32 = 48_000.0;
    const BLOCK: usize = 128;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/kemar_mirrored_coarse.sofa"
    );
    let mirrored = cache::set_at(&HrtfChoice::Sofa(file.into()), RATE).expect("test file");
    let kemar = cache::kemar_at(RATE);
    let wrong_rate = cache::kemar_at(44_100.0);
    let mut engine = Engine::new(RATE, BLOCK);
    let mut sender = engine.take_hrtf_sender().expect("sender");
    let mut params = EngineSettings::default();
    params.input.motion.mode = MotionMode::Orbit;
    engine.set_settings(&params);
    let mut noise = Lcg(7);
    let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
    let sets = [&mirrored, &wrong_rate, &kemar, &mirrored];
    reset_violation_count();
    for (i, set) in sets.iter().enumerate() {
        sender.send(Arc::clone(set)).expect("line has room");
        for _ in 0..(0.25 * RATE) as usize / BLOCK {
            fill_input(&mut noise, &mut left, &mut right);
            assert_no_alloc(|| engine.process(&mut left, &mut right, InputChannels::Mono));
            assert!(left.iter().chain(&right).all(|v| v.is_finite()));
        }
        let expected = if Arc::ptr_eq(set, &wrong_rate) {
            sets[i - 1]
        } else {
            set
        };
        assert!(Arc::ptr_eq(engine.hrtf(), expected), "set {i} in use");
    }
    assert_eq!(violation_count(), 0, "allocator calls while changing sets");
    sender.drop_returned();
    assert_eq!(
        Arc::strong_count(&wrong_rate),
        2,
        "handed back and dropped here"
    );
}

/// Sample rate of the cue, quiet and tingle-note runs (Hz).
const CUE_RATE: f32 = 48_000.0;
/// Block length of those runs (samples).
const CUE_BLOCK: usize = 256;

/// A cue of `len` samples that tells itself apart: a `tag`-high ramp on the left, a tone on
/// the right, every sample different.
fn recognisable_cue(len: usize, tag: f32) -> tingle::engine::telemetry::Cue {
    let left: Box<[f32]> = (0..len)
        .map(|n| tag * (n + 1) as f32 / len as f32)
        .collect();
    let right: Box<[f32]> = (0..len).map(|n| tag * (n as f32 * 0.05).sin()).collect();
    tingle::engine::telemetry::Cue { left, right }
}

/// How many blocks are freed here when the sender drops what the audio thread handed back:
/// the guard counts deallocations too, so two (a cue's channels) per cue come back.
fn freed_when_dropping_returned(
    cues: &mut tingle::handover::Sender<tingle::engine::telemetry::Cue>,
) -> u32 {
    reset_violation_count();
    assert_no_alloc(|| cues.drop_returned());
    let freed = violation_count();
    reset_violation_count();
    freed
}

/// The editor's cues, sent while the engine runs: taking, playing and handing them back
/// allocates and frees nothing on the audio thread; each plays sample for sample through the
/// master chain at its defaults (over a silent scene), starting at the next block; a cue sent
/// while one plays replaces it from its first sample; and every cue played or replaced comes
/// back down the line to be freed on the sender's side (two frees per cue, none while it
/// plays).
#[test]
fn cues_play_through_the_engine_without_allocating_and_come_back() {
    let (sender, mut receiver) = tingle::engine::telemetry::telemetry();
    let mut engine = Engine::new(CUE_RATE, CUE_BLOCK);
    engine.set_telemetry(sender);
    engine.reset();
    let rate = receiver
        .meters
        .sample_rate
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(rate, CUE_RATE, "the meters know the output rate");
    let run = |engine: &mut Engine, blocks: usize| {
        let mut out = [Vec::new(), Vec::new()];
        let (mut left, mut right) = (vec![0.0f32; CUE_BLOCK], vec![0.0f32; CUE_BLOCK]);
        for _ in 0..blocks {
            left.fill(0.0);
            right.fill(0.0);
            assert_no_alloc(|| engine.process(&mut left, &mut right, InputChannels::None));
            out[0].extend_from_slice(&left);
            out[1].extend_from_slice(&right);
        }
        out
    };
    let same_bits = |a: &[f32], b: &[f32]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    };
    let energy = |x: &[f32]| x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();

    reset_violation_count();
    let before = run(&mut engine, 4);
    assert!(before.iter().flatten().all(|v| *v == 0.0), "a silent scene");

    // One cue, over several blocks and a bit.
    let len = 5 * CUE_BLOCK + 77;
    let first = recognisable_cue(len, 0.4);
    receiver.cues.send(first.clone()).expect("room on the line");
    let out = run(&mut engine, 8);
    let allocations = violation_count();
    let (played, cue_energy) = (
        energy(&out[0]) + energy(&out[1]),
        energy(&first.left) + energy(&first.right),
    );
    println!(
        "cue energy {cue_energy:.3}, output energy {played:.3}, allocator calls {allocations}"
    );
    assert_eq!(allocations, 0, "taking and playing a cue allocated");
    assert!(
        same_bits(&out[0][..len], &first.left),
        "left: the cue, exactly"
    );
    assert!(
        same_bits(&out[1][..len], &first.right),
        "right: the cue, exactly"
    );
    assert!(
        out.iter().all(|ch| ch[len..].iter().all(|v| *v == 0.0)),
        "then silence"
    );
    assert_eq!(played, cue_energy);
    assert_eq!(
        freed_when_dropping_returned(&mut receiver.cues),
        2,
        "the played cue came back"
    );

    // A long cue replaced after two blocks by a short one.
    let (long, short) = (
        recognisable_cue(20 * CUE_BLOCK, 0.2),
        recognisable_cue(CUE_BLOCK / 2, 0.6),
    );
    receiver.cues.send(long.clone()).expect("room on the line");
    let start = run(&mut engine, 2);
    assert!(same_bits(&start[0], &long.left[..2 * CUE_BLOCK]));
    assert_eq!(
        freed_when_dropping_returned(&mut receiver.cues),
        0,
        "nothing back while it plays"
    );
    receiver.cues.send(short.clone()).expect("room on the line");
    let out = run(&mut engine, 3);
    assert_eq!(violation_count(), 0, "replacing a cue allocated or freed");
    assert!(
        same_bits(&out[0][..CUE_BLOCK / 2], &short.left),
        "the new cue from its start"
    );
    assert!(same_bits(&out[1][..CUE_BLOCK / 2], &short.right));
    assert!(
        out.iter()
            .all(|ch| ch[CUE_BLOCK / 2..].iter().all(|v| *v == 0.0)),
        "the long one stopped"
    );
    assert_eq!(
        freed_when_dropping_returned(&mut receiver.cues),
        4,
        "both came back"
    );

    // A reset hands a playing cue back too.
    receiver.cues.send(long).expect("room on the line");
    run(&mut engine, 1);
    assert_no_alloc(|| engine.reset());
    assert_eq!(violation_count(), 0, "a reset allocated or freed");
    assert_eq!(
        freed_when_dropping_returned(&mut receiver.cues),
        2,
        "the reset handed it back"
    );
    assert!(run(&mut engine, 2).iter().flatten().all(|v| *v == 0.0));
}

/// Largest change from one sample to the next in either channel of `out` over `range`, the
/// step into its first sample included.
fn largest_jump(out: &[Vec<f32>; 2], range: std::ops::Range<usize>) -> f32 {
    out.iter()
        .flat_map(|ch| {
            ch[range.start - 1..range.end]
                .windows(2)
                .map(|w| (w[1] - w[0]).abs())
        })
        .fold(0.0, f32::max)
}

/// While the editor asks for quiet the scene (here a placed 250 Hz tone) fades out: more than
/// 60 dB down once the fade has had its time, with no sample-to-sample jump larger than the
/// tone's own (an abrupt mute or return jumps by what the tone is at that instant: here 4 and
/// 25 times its largest step, measured with a one-sample fade); cleared, it fades back to its
/// level within 1 dB, and then to the very samples an engine never quieted gives. Nothing of
/// it allocates.
#[test]
fn quiet_fades_the_scene_out_and_back_without_a_click() {
    use std::sync::atomic::Ordering::Relaxed;
    use tingle::engine::telemetry::QUIET_FADE_S;
    const TONE_HZ: f32 = 250.0;
    const TONE_LEVEL: f32 = 0.3;
    /// The fade's time plus this margin, before the level is measured (s).
    const MARGIN_S: f32 = 0.1;
    /// Length of each level measurement (s).
    const WINDOW_S: f32 = 0.2;
    let seconds = |s: f32| (s * CUE_RATE) as usize / CUE_BLOCK;
    let (before, fade, window) = (
        seconds(0.5),
        seconds(QUIET_FADE_S + MARGIN_S),
        seconds(WINDOW_S),
    );
    // Block indices where the editor sets and clears quiet.
    let (set_at, clear_at) = (before, before + fade + window);
    let total = clear_at + fade + window;

    let render = |quieted: bool| {
        let (sender, receiver) = tingle::engine::telemetry::telemetry();
        let mut engine = Engine::new(CUE_RATE, CUE_BLOCK);
        engine.set_telemetry(sender);
        engine.reset();
        let mut out = [Vec::new(), Vec::new()];
        let (mut left, mut right) = (vec![0.0f32; CUE_BLOCK], vec![0.0f32; CUE_BLOCK]);
        reset_violation_count();
        for block in 0..total {
            if quieted {
                receiver
                    .meters
                    .quiet
                    .store((set_at..clear_at).contains(&block), Relaxed);
            }
            for (i, l) in left.iter_mut().enumerate() {
                let t = (block * CUE_BLOCK + i) as f32 / CUE_RATE;
                *l = TONE_LEVEL * (std::f32::consts::TAU * TONE_HZ * t).sin();
            }
            assert_no_alloc(|| engine.process(&mut left, &mut right, InputChannels::Mono));
            out[0].extend_from_slice(&left);
            out[1].extend_from_slice(&right);
        }
        assert_eq!(violation_count(), 0, "allocations (quieted: {quieted})");
        out
    };
    let (plain, quieted) = (render(false), render(true));
    let samples = |from: usize, blocks: usize| from * CUE_BLOCK..(from + blocks) * CUE_BLOCK;
    let level = |out: &[Vec<f32>; 2], range: std::ops::Range<usize>| {
        common::stereo_rms_db(&out[0][range.clone()], &out[1][range])
    };
    let level_before = level(&quieted, samples(before - window, window));
    let level_quiet = level(&quieted, samples(set_at + fade, window));
    let level_after = level(&quieted, samples(clear_at + fade, window));
    let (out_range, in_range) = (samples(set_at, fade), samples(clear_at, fade));
    let (jump_out, jump_in) = (
        largest_jump(&quieted, out_range.clone()),
        largest_jump(&quieted, in_range.clone()),
    );
    let (plain_out, plain_in) = (
        largest_jump(&plain, out_range),
        largest_jump(&plain, in_range),
    );
    println!(
        "level before {level_before:.1} dB, quiet {level_quiet:.1} dB, after {level_after:.1} dB; \
         largest jump fading out {jump_out:.5} (unquieted {plain_out:.5}), \
         fading in {jump_in:.5} (unquieted {plain_in:.5})"
    );
    assert!(
        level_before > -30.0,
        "the tone sounds: {level_before:.1} dB"
    );
    assert!(
        level_before - level_quiet > 60.0,
        "quiet only {:.1} dB down",
        level_before - level_quiet
    );
    assert!(
        jump_out <= 1.01 * plain_out,
        "a click fading out: {jump_out} vs {plain_out}"
    );
    assert!(
        jump_in <= 1.01 * plain_in,
        "a click fading in: {jump_in} vs {plain_in}"
    );
    assert!(
        (level_after - level_before).abs() < 1.0,
        "back to {level_after:.2} dB from {level_before:.2} dB"
    );
    let settled = samples(clear_at + fade, window);
    let differing = (0..2)
        .flat_map(|ch| settled.clone().map(move |n| (ch, n)))
        .filter(|&(ch, n)| quieted[ch][n].to_bits() != plain[ch][n].to_bits())
        .count();
    assert_eq!(
        differing, 0,
        "back at unity, the output is the unquieted one"
    );
}

/// What one tingle-note run measured.
#[derive(Debug)]
struct TingleRun {
    /// The output, left then right.
    out: Vec<f32>,
    /// Tingles counted by the meters.
    tingles: u32,
    /// Most voices layer 1 sounded in any block.
    most_voices: u32,
    /// Allocator calls in `process()`.
    allocations: u32,
}

/// A Placer without input whose layer 1 (a tap) fires only on MIDI, with `tingle_note` as its
/// tingle note, given layer 1's note on (and its note off 0.1 s later); half a second of it.
fn tingle_run(tingle_note: impl Fn(u8) -> Option<u8>) -> TingleRun {
    use nice_plug::midi::{Channel, Key, VoiceID};
    use std::sync::atomic::Ordering::Relaxed;
    use tingle::params::{RhythmMode, SoundChoice};
    let mut plugin = host::placer();
    host::set_param(&plugin, "on_1", 1.0);
    let tap = SoundChoice::new(tingle::triggers::Family::Tap, 0);
    host::set_param(&plugin, "sound_1", tap.to_index() as f32);
    host::set_param(&plugin, "rmode_1", index_of(RhythmMode::MidiOnly));
    let note = host::param_value(&plugin, "midi_1") as u8;
    plugin.tingle_params().set_tingle_note(tingle_note(note));
    host::activate(&mut plugin, CUE_RATE, CUE_BLOCK as u32, NO_INPUT);
    let meters = plugin.meters();
    assert_eq!(meters.sample_rate.load(Relaxed), CUE_RATE);
    let mut context = host::TestProcessContext::new(CUE_RATE);
    let (channel, voice_id, key) = (Channel::Number(0), VoiceID::Wildcard, Key::Number(note));
    let note_off_block = (0.1 * CUE_RATE) as usize / CUE_BLOCK;
    let (mut left, mut right) = (vec![0.0f32; CUE_BLOCK], vec![0.0f32; CUE_BLOCK]);
    let (mut out_left, mut out_right) = (Vec::new(), Vec::new());
    let mut most_voices = 0;
    reset_violation_count();
    for block in 0..(CUE_RATE as usize / 2) / CUE_BLOCK {
        if block == 1 {
            let timing = 17;
            context.send(NoteEvent::NoteOn {
                timing,
                voice_id,
                channel,
                key,
                velocity: 1.0,
            });
        }
        if block == note_off_block {
            let timing = 5;
            context.send(NoteEvent::NoteOff {
                timing,
                voice_id,
                channel,
                key,
                velocity: 0.0,
            });
        }
        left.fill(0.0);
        right.fill(0.0);
        let mut buffer = Buffer::default();
        // SAFETY: both slices outlive `buffer`, dropped at the end of this iteration.
        unsafe {
            buffer.set_slices(CUE_BLOCK, |slices| {
                slices.clear();
                slices.reserve_exact(2);
                slices.push(&mut left);
                slices.push(&mut right);
            });
        }
        let mut aux = AuxiliaryBuffers {
            inputs: &mut [],
            outputs: &mut [],
        };
        assert_no_alloc(|| plugin.process(&mut buffer, &mut aux, &mut context));
        drop(buffer);
        most_voices = most_voices.max(meters.layer_voices[0].load(Relaxed));
        out_left.extend_from_slice(&left);
        out_right.extend_from_slice(&right);
    }
    out_left.extend_from_slice(&out_right);
    TingleRun {
        out: out_left,
        tingles: meters.tingles.load(Relaxed),
        most_voices,
        allocations: violation_count(),
    }
}

/// Through the plugin, the tingle note marks one tingle (the meters' count goes from 0 to 1)
/// and fires nothing: the layer mapped to that very note stays silent, its voice count 0.
/// With no tingle note, or another one, the same note fires the layer as before (the output
/// the same bit for bit both ways) and counts no tingle.
#[test]
fn the_tingle_note_marks_a_tingle_and_fires_no_layer() {
    let marked = tingle_run(Some);
    let none = tingle_run(|_| None);
    let other = tingle_run(|note| Some(note + 12));
    let energy = |run: &TingleRun| run.out.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();
    for (name, run) in [("marked", &marked), ("none", &none), ("other", &other)] {
        println!(
            "{name}: {} tingles, at most {} voices, energy {:.4}, peak {:.4}, {} allocator calls",
            run.tingles,
            run.most_voices,
            energy(run),
            peak(&run.out),
            run.allocations
        );
        assert_eq!(run.allocations, 0, "{name}: process() allocated");
    }
    assert_eq!(marked.tingles, 1, "one tingle marked");
    assert_eq!(marked.most_voices, 0, "the tingle note fired a voice");
    assert_eq!(peak(&marked.out), 0.0, "the tingle note sounded");
    assert_eq!(none.tingles, 0);
    assert!(
        none.most_voices >= 1,
        "without a tingle note the note fires the layer"
    );
    assert!(
        peak(&none.out) > 1e-3,
        "and it sounds: peak {}",
        peak(&none.out)
    );
    assert_eq!(other.tingles, 0);
    let differing = none
        .out
        .iter()
        .zip(&other.out)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(
        differing, 0,
        "another tingle note changed how the layer's note sounds"
    );
}
