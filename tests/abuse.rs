//! Abuse: what no host or user should do, done on purpose, over and over, from fixed seeds.
//!
//! - Random automation of every parameter every block (extreme values, jumps, every enum
//!   value), random block sizes from 1 to 8192 samples, sample rates from 22.05 to 384 kHz,
//!   re-activation while running, and NaN, infinite, huge and denormal input: never a panic,
//!   never a non-finite sample, never a sample above the limiter's ceiling, never an allocation
//!   in `process()`.
//! - Scene files mutated at random (flipped, dropped and inserted bytes, truncations, wrong
//!   types, random bytes): never a panic; a refused one gives a message. (A fixed-time, seeded
//!   mutation fuzzer in the test suite rather than a cargo-fuzz target, which needs a nightly
//!   compiler; saved plugin states get the same treatment through the CLAP state extension in
//!   `tests/clap_host.rs`.)
//! - A simulated session at random settings (a factory scene, partly re-randomised, changing
//!   every 2 to 90 s), ten minutes long by default: never above the limiter's ceiling and no
//!   repeated second. The full hour runs with
//!   `TINGLE_ABUSE_SECONDS=3600 cargo test --release --test abuse` (any length in seconds).

mod host;

use assert_no_alloc::{reset_violation_count, violation_count};
use host::{MONO, NO_INPUT, STEREO, TestProcessContext};
use nice_plug::prelude::*;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tingle::engine::{Engine, InputChannels};
use tingle::params::TingleParams;
use tingle::scene::{self, factory};

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// The limiter's ceiling (-1 dBFS) as the largest allowed sample magnitude, plus the rounding
/// of single precision.
const CEILING: f32 = 0.891_251 + 1e-6;
/// Sample rates tried (Hz).
const RATES: [f32; 6] = [22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0, 384_000.0];
/// Largest host block tried (samples).
const MAX_BLOCK: usize = 8192;
/// Audio rendered at each sample rate (s).
const SECONDS_PER_RATE: f32 = 0.6;
/// Chance per block of re-activating the plugin (new rate, block size and layout).
const REACTIVATE_CHANCE: f64 = 0.02;
/// Time each fuzzer runs (its seed makes it repeatable).
const FUZZ_TIME: Duration = Duration::from_secs(3);

/// Sets every parameter but the safety limiter (which stays on, as hosts cannot automate it)
/// to a random value: half the time an extreme, else anywhere; enums to any of their values.
fn automate_everything(params: &TingleParams, rng: &mut SmallRng) {
    for (id, ptr, _) in params.param_map() {
        if id == "limiter" {
            continue;
        }
        // SAFETY: `ptr` points into `params`, alive for this call; values are atomics.
        unsafe {
            let value = match ptr.step_count() {
                Some(steps) => rng.random_range(0..=steps) as f32 / steps.max(1) as f32,
                None if rng.random_bool(0.5) => f32::from(u8::from(rng.random_bool(0.5))),
                None => rng.random::<f32>(),
            };
            ptr._internal_set_normalized_value(value);
        }
    }
}

/// Fills an input block with something a broken host or track might send.
fn hostile_input(left: &mut [f32], right: &mut [f32], rng: &mut SmallRng) {
    let kind = rng.random_range(0..6);
    for (l, r) in left.iter_mut().zip(right.iter_mut()) {
        let v = match kind {
            0 => 0.0,
            1 => rng.random::<f32>() * 2.0 - 1.0,
            2 => (rng.random::<f32>() * 2.0 - 1.0) * 1e30,
            3 => f32::from_bits(rng.random_range(1..0x0080_0000)), // subnormal
            4 if rng.random_bool(0.01) => f32::NAN,
            4 => rng.random::<f32>() - 0.5,
            _ if rng.random_bool(0.01) => f32::INFINITY,
            _ => 4.0 * (rng.random::<f32>() - 0.5),
        };
        *l = v;
        *r = -v;
    }
}

#[test]
fn random_automation_block_sizes_and_rates_never_break_the_output() {
    let mut rng = SmallRng::seed_from_u64(0xAB05E);
    let (mut left, mut right) = (vec![0.0f32; MAX_BLOCK], vec![0.0f32; MAX_BLOCK]);
    let mut worst = 0.0f32;
    let mut blocks = 0usize;
    for rate in RATES {
        let mut plugin = host::placer();
        let layouts = [STEREO, MONO, NO_INPUT];
        let activate = |plugin: &mut tingle::TinglePlacer, rng: &mut SmallRng, rate: f32| {
            let max_block = rng.random_range(1..=MAX_BLOCK) as u32;
            host::activate(plugin, rate, max_block, layouts[rng.random_range(0..3)]);
            max_block as usize
        };
        let mut max_block = activate(&mut plugin, &mut rng, rate);
        let mut context = TestProcessContext::new(rate);
        context.set_playing(true);
        context.set_tempo(Some(rng.random_range(20.0..400.0)));
        context.set_pos_beats(Some(0.0));
        let mut done = 0usize;
        while done < (SECONDS_PER_RATE * rate) as usize {
            if rng.random_bool(REACTIVATE_CHANCE) {
                max_block = activate(&mut plugin, &mut rng, rate);
            }
            automate_everything(&plugin.tingle_params(), &mut rng);
            let n = rng.random_range(1..=max_block);
            hostile_input(&mut left[..n], &mut right[..n], &mut rng);
            reset_violation_count();
            host::process_block(&mut plugin, &mut context, &mut left[..n], &mut right[..n]);
            assert_eq!(violation_count(), 0, "allocation in process() at {rate} Hz");
            for v in left[..n].iter().chain(&right[..n]) {
                assert!(v.is_finite(), "non-finite output at {rate} Hz");
                worst = worst.max(v.abs());
            }
            done += n;
            blocks += 1;
        }
    }
    println!("{blocks} blocks, loudest sample {worst}");
    assert!(worst <= CEILING, "output {worst} above the ceiling");
    assert!(worst > 0.01, "the abuse made sound at all: {worst}");
}

/// One random mutation of `text`.
fn mutate(text: &[u8], rng: &mut SmallRng) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..rng.random_range(1..4) {
        if out.is_empty() {
            break;
        }
        let at = rng.random_range(0..out.len());
        match rng.random_range(0..7) {
            0 => out.truncate(at),
            1 => out[at] = rng.random(),
            2 => {
                out.remove(at);
            }
            3 => {
                let token: &[u8] = [
                    &b"1e999"[..],
                    b"-1e308",
                    b"null",
                    b"\"x\"",
                    b"[]",
                    b"{}",
                    b"true",
                    b"\"layer_9\"",
                    b"\xff\xfe",
                    b"NaN",
                ][rng.random_range(0..10)];
                out.splice(at..at, token.iter().copied());
            }
            4 => out = (0..rng.random_range(0..64)).map(|_| rng.random()).collect(),
            5 => out[at] = b"{}[]:,\"0-e."[rng.random_range(0..11)],
            _ => {
                let from = rng.random_range(0..out.len());
                let chunk: Vec<u8> = out[from..(from + 16).min(out.len())].to_vec();
                out.splice(at..at, chunk);
            }
        }
    }
    out
}

#[test]
fn fuzzed_scene_files_give_a_message_or_a_complete_scene() {
    let mut rng = SmallRng::seed_from_u64(0x5CE7E);
    let start = Instant::now();
    let (mut refused, mut accepted) = (0usize, 0usize);
    while start.elapsed() < FUZZ_TIME {
        let seed = factory::SCENES[rng.random_range(0..factory::SCENES.len())].json;
        let bytes = mutate(seed.as_bytes(), &mut rng);
        let text = String::from_utf8_lossy(&bytes);
        match scene::read(&text) {
            Ok(scene) => {
                accepted += 1;
                // Whatever was accepted is a usable state.
                let p = scene.params.engine_settings();
                assert!(p.layers.iter().all(|l| l.level_db.is_finite()));
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    println!("{refused} refused, {accepted} accepted");
    assert!(
        refused > 100 && accepted > 0,
        "{refused} refused, {accepted} accepted"
    );
}

/// The next random settings of a simulated session: a random factory scene, partly
/// re-randomised (all but the limiter and the session timer, which would end the session
/// early: it has tests of its own).
fn session_settings(rng: &mut SmallRng) -> TingleParams {
    // A scene that plays by itself (not the MIDI or input ones, silent without notes or input).
    let p = loop {
        let scene = factory::SCENES[rng.random_range(0..factory::SCENES.len())]
            .read()
            .expect("a factory scene");
        let plays = scene
            .params
            .engine_settings()
            .layers
            .iter()
            .any(|l| l.enabled && l.rhythm.rate.is_some());
        if plays {
            break scene.params;
        }
    };
    for (id, ptr, _) in p.param_map() {
        if id == "limiter" || id == "timer" || !rng.random_bool(0.1) {
            continue;
        }
        // SAFETY: as above.
        unsafe { ptr._internal_set_normalized_value(rng.random::<f32>()) };
    }
    p
}

/// Length of the simulated session (s) unless [`SESSION_S_VARIABLE`] sets another: ten
/// minutes, a couple of seconds in the dev profile (the hour takes about 15 s there).
const DEFAULT_SESSION_S: usize = 600;
/// The environment variable that sets the simulated session's length (whole seconds).
const SESSION_S_VARIABLE: &str = "TINGLE_ABUSE_SECONDS";
/// Sample rate of the simulation (Hz): low, to keep long sessions fast.
const SESSION_RATE: f32 = 22_050.0;
/// Block size of the simulation (samples).
const SESSION_BLOCK: usize = 1024;
/// Blocks between changes of the settings, drawn from this range: 2.3 to 93 s.
const SETTINGS_CHANGE_BLOCKS: std::ops::Range<usize> = 50..2000;
/// Share of the seconds (tenths) that must sound, not be silent: the scenes chosen play by
/// themselves, so silence is rare (measured: 5 % of the hour, 6 % of the default ten minutes).
const SOUNDING_TENTHS: usize = 9;

/// Length of the simulated session (s): [`SESSION_S_VARIABLE`] or [`DEFAULT_SESSION_S`].
fn session_seconds() -> usize {
    std::env::var(SESSION_S_VARIABLE).map_or(DEFAULT_SESSION_S, |text| {
        text.parse().unwrap_or_else(|_| {
            panic!("{SESSION_S_VARIABLE}={text}: not a whole number of seconds")
        })
    })
}

/// A simulated session of [`session_seconds`] (ten minutes by default) at random settings,
/// changing every 2 to 90 s: the output never exceeds the limiter's ceiling, no second of it
/// repeats another exactly, and at least 90 % of the seconds sound. The seed makes every run
/// the start of the same session, so a longer run checks all a shorter one does and more. The
/// full hour, in the release profile:
///
/// ```text
/// TINGLE_ABUSE_SECONDS=3600 cargo test --release --test abuse
/// ```
#[test]
fn a_session_at_random_settings_stays_under_the_limiter_and_never_repeats() {
    let session_s = session_seconds();
    let mut rng = SmallRng::seed_from_u64(0x5E55);
    let mut engine = Engine::new(SESSION_RATE, SESSION_BLOCK);
    let first = session_settings(&mut rng);
    engine.set_settings(&first.engine_settings());
    engine.reset();
    let (mut left, mut right) = (vec![0.0f32; SESSION_BLOCK], vec![0.0f32; SESSION_BLOCK]);
    let per_second = SESSION_RATE as usize;
    let mut seconds: HashSet<u64> = HashSet::new();
    let (mut repeats, mut silent) = (0usize, 0usize);
    let mut peak = 0.0f32;
    let mut fingerprint = 0u64;
    let mut in_second = 0usize;
    let mut second_energy = 0.0f64;
    let mut next_change = 0usize;
    let mut settings = 1;
    for block in 0..(session_s * per_second / SESSION_BLOCK) {
        if block >= next_change {
            let p = session_settings(&mut rng);
            engine.set_settings(&p.engine_settings());
            next_change = block + rng.random_range(SETTINGS_CHANGE_BLOCKS);
            settings += 1;
        }
        left.fill(0.0);
        right.fill(0.0);
        engine.process(&mut left, &mut right, InputChannels::None);
        for (&l, &r) in left.iter().zip(&right) {
            peak = peak.max(l.abs()).max(r.abs());
            fingerprint = fingerprint
                .rotate_left(5)
                .wrapping_add(u64::from(l.to_bits()) ^ (u64::from(r.to_bits()) << 32));
            second_energy += f64::from(l * l + r * r);
            in_second += 1;
            if in_second == per_second {
                if second_energy == 0.0 {
                    silent += 1;
                } else if !seconds.insert(fingerprint) {
                    repeats += 1;
                }
                (fingerprint, in_second, second_energy) = (0, 0, 0.0);
            }
        }
    }
    println!(
        "{session_s} s at {settings} settings: {} distinct seconds, {silent} silent, peak {peak}",
        seconds.len()
    );
    assert_eq!(repeats, 0, "a second of output repeated");
    assert!(peak <= CEILING, "peak {peak}");
    assert!(
        seconds.len() > session_s * SOUNDING_TENTHS / 10,
        "mostly sound: {silent} silent seconds"
    );
}
