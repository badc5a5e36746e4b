//! The Sample family with files the tests write: triggers play the clips at the scheduled
//! times with the requested variation; velocity sets the level and a note-off ends the sound;
//! new sounds arrive while audio runs without an allocation on the audio thread or a dropped
//! block, and the old ones go back to be freed; the chosen files are saved with the session
//! and load again when it is restored; a missing file is reported while the rest plays.

mod common;
mod host;

use assert_no_alloc::{assert_no_alloc, reset_violation_count, violation_count};
use common::peak;
use host::{NO_INPUT, TestProcessContext};
use nice_plug::prelude::Enum;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tingle::TinglePlacer;
use tingle::engine::layer::LayerSettings;
use tingle::engine::rhythm::RhythmRate;
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::samples::loader::sample_queue;
use tingle::samples::testfiles::{folder, sine, write_flac, write_wav};
use tingle::samples::{Delivery, FileReport, LoadState, Problem, SampleOutbox, SampleSet};
use tingle::triggers::Family;

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

const FS: f32 = 48_000.0;
const BLOCK: usize = 256;
/// Pitches of the two test clips (Hz).
const LOW_HZ: f32 = 1_000.0;
const HIGH_HZ: f32 = 2_000.0;
/// Length of the test clips (s).
const CLIP_S: f32 = 0.08;
/// Rhythm of the test layers (events per second).
const RATE: f32 = 4.0;
/// How long a test waits for the background loader at most (wall clock; it normally takes
/// milliseconds). Only a bound against hanging, not a measured time.
const LOAD_WAIT: Duration = Duration::from_secs(60);

/// Two clips with a sharp onset: a low sine (WAV, 44.1 kHz) and a high one (FLAC, 48 kHz).
fn clips(name: &str) -> (PathBuf, PathBuf) {
    let dir = folder(name);
    let low = dir.join("1-low.wav");
    let high = dir.join("2-high.flac");
    write_wav(&low, 44_100, 1, &sine(LOW_HZ, 0.4, CLIP_S, 44_100));
    let stereo: Vec<f32> = sine(HIGH_HZ, 0.8, CLIP_S, 48_000)
        .into_iter()
        .flat_map(|s| [s, s])
        .collect();
    write_flac(&high, 48_000, 2, &stereo);
    (low, high)
}

/// A Sample layer firing regularly at `rate` events per second (no timing jitter, full
/// intensity), clips in round robin, without variation.
fn sample_layer(rate: Option<f32>) -> LayerSettings {
    LayerSettings {
        enabled: true,
        family: Family::Sample,
        variant: 1,
        character: [0.0; 4],
        rhythm: common::exact_rhythm(rate.map(RhythmRate::PerSecond)),
        ..LayerSettings::default()
    }
}

/// An engine with `layer` as its first layer, connected to the returned loading end.
fn engine_with(layer: LayerSettings) -> (Engine, SampleOutbox) {
    let mut params = EngineSettings::default();
    params.layers[0] = layer;
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(&params);
    engine.reset();
    let (outbox, inbox) = sample_queue();
    engine.connect_samples(inbox);
    (engine, outbox)
}

/// Loads `files` at the test rate (all must load).
fn loaded(files: &[PathBuf]) -> Arc<SampleSet> {
    let (set, reports, _) = SampleSet::load(files, FS);
    assert!(
        reports
            .iter()
            .all(|r| matches!(r, FileReport::Loaded { .. })),
        "{reports:?}"
    );
    Arc::new(set)
}

/// Renders `blocks` blocks, each inside the allocation guard; `before(engine, block)` runs
/// first (outside it). Returns the mono sum of the ears.
fn render(
    engine: &mut Engine,
    blocks: usize,
    mut before: impl FnMut(&mut Engine, usize),
) -> Vec<f32> {
    let mut out = Vec::with_capacity(blocks * BLOCK);
    let (mut left, mut right) = ([0.0; BLOCK], [0.0; BLOCK]);
    for b in 0..blocks {
        before(engine, b);
        left.fill(0.0);
        right.fill(0.0);
        assert_no_alloc(|| engine.process(&mut left, &mut right, InputChannels::None));
        out.extend(left.iter().zip(&right).map(|(l, r)| l + r));
    }
    out
}

/// Where sound starts after silence: the first sample above `threshold` after at least
/// `gap_s` below it.
fn onsets(x: &[f32], threshold: f32, gap_s: f32) -> Vec<usize> {
    common::sound_starts(x, threshold, (gap_s * FS) as usize)
}

/// Frequency (Hz) of the sine in `x`, from its zero crossings.
fn frequency(x: &[f32]) -> f32 {
    common::zero_crossing_hz(x, FS)
}

/// At 4 per second the clips start every 250 ms (to the sample, give or take the HRTF's
/// onset), alternating low and high in round robin, each at its own pitch (within 2 %).
#[test]
fn clips_play_at_the_scheduled_times_in_turn() {
    let (low, high) = clips("schedule");
    let (mut engine, mut outbox) = engine_with(sample_layer(Some(RATE)));
    outbox
        .send(Delivery {
            layer: 0,
            set: loaded(&[low, high]),
        })
        .unwrap();
    let out = render(&mut engine, (2.1 * FS) as usize / BLOCK, |_, _| {});
    let found = onsets(&out, 0.01, 0.05);
    assert!(found.len() >= 8, "{} onsets", found.len());
    let period = (FS / RATE) as usize;
    for pair in found.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap.abs_diff(period) <= 2,
            "onsets {pair:?}, {gap} samples apart"
        );
    }
    for (n, &at) in found.iter().enumerate() {
        let window = &out[at + 240..at + 240 + (0.05 * FS) as usize];
        let expected = if n % 2 == 0 { LOW_HZ } else { HIGH_HZ };
        let hz = frequency(window);
        assert!(
            (hz - expected).abs() < 0.02 * expected,
            "trigger {n}: {hz} Hz"
        );
    }
}

/// Renders six seconds of a Sample layer playing the low clip at 4 per second with the
/// `character` controls; returns, per trigger, its pitch (semitones from the clip's) and peak
/// level (dB).
fn trigger_pitches_and_levels(name: &str, character: [f32; 4]) -> (Vec<f32>, Vec<f32>) {
    let (low, _) = clips(name);
    let mut layer = sample_layer(Some(RATE));
    layer.character = character;
    let (mut engine, mut outbox) = engine_with(layer);
    outbox
        .send(Delivery {
            layer: 0,
            set: loaded(&[low]),
        })
        .unwrap();
    let out = render(&mut engine, (6.0 * FS) as usize / BLOCK, |_, _| {});
    let found = onsets(&out, 0.002, 0.05);
    assert!(found.len() >= 20, "{} onsets", found.len());
    found
        .iter()
        .map(|&at| {
            let window = &out[at + 240..at + 240 + (0.03 * FS) as usize];
            (
                12.0 * (frequency(window) / LOW_HZ).log2(),
                20.0 * peak(window).log10(),
            )
        })
        .unzip()
}

/// Lowest and highest of `v`.
fn span(v: &[f32]) -> (f32, f32) {
    let lo = v.iter().cloned().fold(f32::MAX, f32::min);
    let hi = v.iter().cloned().fold(f32::MIN, f32::max);
    (lo, hi)
}

/// With full pitch spread the triggers' pitches spread over both sides, all within ±12
/// semitones (and no level spread, so the level moves only with the head's filtering); with
/// full level spread (and no pitch spread) their levels spread, all within 12 dB of the
/// loudest.
#[test]
fn triggers_vary_in_pitch_and_level_as_asked() {
    let (semitones, _) = trigger_pitches_and_levels("pitch", [1.0, 0.0, 0.0, 0.0]);
    let (lo, hi) = span(&semitones);
    assert!(lo >= -12.3 && hi <= 12.3, "pitch {lo}..{hi} st");
    assert!(lo < -4.0 && hi > 4.0, "pitch barely varies: {lo}..{hi} st");
    let (semitones, levels) = trigger_pitches_and_levels("level", [0.0, 1.0, 0.0, 0.0]);
    let (lo, hi) = span(&semitones);
    // One zero crossing more or less in the 30 ms window reads as 0.29 semitones.
    assert!(
        lo.abs() < 0.35 && hi.abs() < 0.35,
        "pitch moved: {lo}..{hi} st"
    );
    let (quiet, loud) = span(&levels);
    // A sine's peak over the window is exact to a fraction of a dB.
    assert!(loud - quiet <= 12.2, "level {quiet}..{loud} dB");
    assert!(
        loud - quiet > 6.0,
        "level barely varies: {quiet}..{loud} dB"
    );
}

/// MIDI velocity sets the level (half velocity, half the amplitude), and on a layer that
/// follows note length a note-off ends the sound (a one-second clip stops within the release).
#[test]
fn velocity_is_level_and_note_off_ends_the_sound() {
    let dir = folder("midi");
    let long = dir.join("long.wav");
    write_wav(&long, 48_000, 1, &sine(LOW_HZ, 0.5, 1.0, 48_000));
    let mut layer = sample_layer(None);
    layer.follow_note = true;
    let note = layer.midi_note;
    let (mut engine, mut outbox) = engine_with(layer);
    outbox
        .send(Delivery {
            layer: 0,
            set: loaded(&[long]),
        })
        .unwrap();
    let blocks_per_s = FS as usize / BLOCK;
    let out = render(&mut engine, 4 * blocks_per_s, |engine, b| {
        if b == 0 {
            engine.note_on(0, note, 1.0);
        }
        if b == 2 * blocks_per_s {
            engine.note_on(0, note, 0.5);
        }
        if b == 2 * blocks_per_s + blocks_per_s / 4 {
            engine.note_off(0, note);
        }
    });
    let s = |t: f32| (t * FS) as usize;
    let full = peak(&out[s(0.1)..s(0.5)]);
    let half = peak(&out[s(2.1)..s(2.2)]);
    assert!((half / full - 0.5).abs() < 0.02, "{half} vs {full}");
    assert!(
        peak(&out[s(0.9)..s(0.99)]) > 0.5 * full,
        "the first note plays on"
    );
    assert!(
        peak(&out[s(2.45)..s(3.0)]) < 1e-3 * full,
        "the note-off ended the sound"
    );
}

/// New sounds handed over while audio runs: no allocation on the audio thread, every block
/// processed, the rhythm never misses a beat, triggers after the change play the new sound,
/// and the old set comes back once no voice plays it (to be freed here, off the audio thread).
#[test]
fn new_sounds_arrive_while_audio_runs_without_allocating() {
    let (low, high) = clips("handover");
    let (mut engine, mut outbox) = engine_with(sample_layer(Some(RATE)));
    let old = loaded(std::slice::from_ref(&low));
    let new = loaded(std::slice::from_ref(&high));
    let old_weak = Arc::downgrade(&old);
    outbox.send(Delivery { layer: 0, set: old }).unwrap();
    let switch_block = (1.1 * FS) as usize / BLOCK;
    let mut new = Some(new);
    reset_violation_count();
    let out = render(&mut engine, (2.6 * FS) as usize / BLOCK, |_, b| {
        if b == switch_block {
            let set = new.take().unwrap();
            outbox.send(Delivery { layer: 0, set }).unwrap();
        }
    });
    assert_eq!(violation_count(), 0, "the audio thread allocated");
    let found = onsets(&out, 0.01, 0.05);
    let period = (FS / RATE) as usize;
    assert!(found.len() >= 10, "{} onsets", found.len());
    for pair in found.windows(2) {
        assert!(
            pair[1] - pair[0] <= period + 2,
            "a beat went missing: {pair:?}"
        );
    }
    let switch = switch_block * BLOCK;
    for &at in &found {
        let hz = frequency(&out[at + 240..at + 240 + (0.05 * FS) as usize]);
        let expected = if at < switch { LOW_HZ } else { HIGH_HZ };
        assert!((hz - expected).abs() < 0.02 * expected, "at {at}: {hz} Hz");
    }
    assert!(
        old_weak.upgrade().is_some(),
        "the old set was freed on the audio thread"
    );
    outbox.drop_returned();
    assert!(
        old_weak.upgrade().is_none(),
        "the old set came back and nothing else holds it"
    );
}

/// Waits (processing blocks, each inside the allocation guard) until the loader has finished
/// layer `layer`; returns the output processed meanwhile and after, `after_s` seconds of it.
fn run_until_loaded(plugin: &mut TinglePlacer, layer: usize, after_s: f32) -> Vec<f32> {
    let mut context = TestProcessContext::new(FS);
    let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
    let mut out = Vec::new();
    let started = std::time::Instant::now();
    while !matches!(
        plugin.tingle_params().samples.status(layer).state,
        LoadState::Done(..)
    ) {
        assert!(started.elapsed() < LOAD_WAIT, "the loader never finished");
        host::process_block(plugin, &mut context, &mut left, &mut right);
        std::thread::sleep(Duration::from_millis(1));
    }
    for _ in 0..(after_s * FS) as usize / BLOCK {
        left.fill(0.0);
        right.fill(0.0);
        host::process_block(plugin, &mut context, &mut left, &mut right);
        out.extend(left.iter().zip(&right).map(|(l, r)| l + r));
    }
    out
}

/// Sets layer `layer` (0-based) of `plugin` to a Sample layer at 4 per second.
fn make_sample_layer(plugin: &TinglePlacer, layer: usize) {
    let n = layer + 1;
    host::set_param(plugin, &format!("on_{n}"), 1.0);
    let sample = tingle::params::SoundChoice::new(Family::Sample, 0);
    host::set_param(plugin, &format!("sound_{n}"), sample.to_index() as f32);
    host::set_param(plugin, &format!("rate_{n}"), RATE);
    host::set_param(plugin, &format!("human_{n}"), 0.0);
}

/// The chosen files are saved with the session; a restored session loads them in the
/// background (no allocation on the audio thread meanwhile) and plays them.
#[test]
fn a_session_saves_and_restores_its_files() {
    let (low, high) = clips("session");
    let saved = {
        let plugin = host::placer();
        let params = plugin.tingle_params();
        params.samples.choose(2, vec![low.clone(), high.clone()]);
        nice_plug::prelude::Params::serialize_fields(&*params)
    };
    assert!(
        saved["samples"].contains("2-high.flac"),
        "{}",
        saved["samples"]
    );

    let mut plugin = host::placer();
    let params = plugin.tingle_params();
    nice_plug::prelude::Params::deserialize_fields(&*params, &saved);
    assert_eq!(params.samples.chosen(2), vec![low, high]);
    make_sample_layer(&plugin, 2);
    host::activate(&mut plugin, FS, BLOCK as u32, NO_INPUT);
    reset_violation_count();
    let out = run_until_loaded(&mut plugin, 2, 1.0);
    assert_eq!(violation_count(), 0, "the audio thread allocated");
    assert!(
        onsets(&out, 0.01, 0.05).len() >= 3,
        "the restored sounds play"
    );
}

/// A missing file is reported on its layer with its path and reason; the layer plays its other
/// file, and the other layers play on.
#[test]
fn a_missing_file_is_reported_and_the_rest_plays() {
    let (low, _) = clips("missing");
    let missing = low.with_file_name("gone.wav");
    let mut plugin = host::placer();
    make_sample_layer(&plugin, 0);
    host::activate(&mut plugin, FS, BLOCK as u32, NO_INPUT);
    let params = plugin.tingle_params();
    params.samples.choose(0, vec![missing.clone(), low]);
    let out = run_until_loaded(&mut plugin, 0, 1.0);
    let LoadState::Done(reports, _) = params.samples.status(0).state else {
        unreachable!()
    };
    match &reports[0] {
        FileReport::Failed(error) => {
            assert_eq!((&error.path, &error.problem), (&missing, &Problem::Missing));
            let message = error.to_string();
            assert!(
                message.contains("gone.wav") && message.contains("not found"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(reports[1], FileReport::Loaded { .. }));
    let found = onsets(&out, 0.01, 0.05);
    assert!(
        found.len() >= 3,
        "the good file plays: {} onsets",
        found.len()
    );
}

/// A layer none of whose files loads is silent (its sounds were nothing before), and the
/// output stays clean.
#[test]
fn nothing_loadable_leaves_the_layer_silent() {
    let dir = folder("nothing");
    let mut plugin = host::placer();
    make_sample_layer(&plugin, 1);
    host::activate(&mut plugin, FS, BLOCK as u32, NO_INPUT);
    let params = plugin.tingle_params();
    params.samples.choose(1, vec![dir.join("a.wav")]);
    let out = run_until_loaded(&mut plugin, 1, 0.5);
    assert!(out.iter().all(|v| v.is_finite() && *v == 0.0));
}

/// A scene written with sound files reads back with them; a bad list is refused, naming the
/// field.
#[test]
fn scenes_keep_their_sound_files() {
    let params = tingle::params::TingleParams::default();
    let files = vec![PathBuf::from("/sounds/a.wav"), PathBuf::from("taps")];
    params.samples.choose(4, files.clone());
    let text = tingle::scene::write(&params, &Default::default());
    let read = tingle::scene::load(&text).unwrap();
    assert_eq!(read.samples.chosen(4), files);
    assert!(read.samples.chosen(3).is_empty());
    let bad = r#"{"tingle_scene": 2, "params": {"layer_2": {"samples": "a.wav"}}}"#;
    let error = tingle::scene::load(bad).err().unwrap().to_string();
    assert!(error.contains("params.layer_2.samples"), "{error}");
}
