//! The factory scenes as a listener gets them: every one plays for 30 s without a silent second
//! and without needing the limiter, at a common loudness; scenes round-trip exactly through
//! their files, and a scene of the previous format keeps its meaning.

use ebur128::{EbuR128, Mode};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use tingle::engine::{Engine, InputChannels};
use tingle::params::{SoundChoice, TingleParams};
use tingle::scene::{self, SceneInfo, factory};
use tingle::triggers::Family;

/// Sample rate of the renders (Hz).
const RATE: u32 = 48_000;
/// Block size of the renders (samples).
const BLOCK: usize = 512;
/// Length of each scene's render (s).
const SECONDS: usize = 30;
/// The loudness every factory scene is made to sit at (LUFS, EBU R128 integrated).
const TARGET_LUFS: f64 = -26.0;
/// How far a scene may sit from the target (LU): a listener switching scenes hears no jump.
const TOLERANCE_LU: f64 = 3.0;
/// A stretch quieter than this (dBFS RMS) counts as silence.
const SILENCE_DBFS: f64 = -60.0;
/// Length of the stretches checked for silence (s): a pause longer than this sounds as if the
/// scene had stopped.
const SILENCE_WINDOW_S: usize = 2;
/// Ceiling the scenes stay under on their own, with the limiter off (dBFS): full scale, so no
/// scene clips without the hearing-safety limiter (which then only catches what a user adds).
const CEILING_DBFS: f64 = 0.0;
/// Time between the notes played into MIDI-only scenes (s).
const NOTE_INTERVAL_S: f64 = 0.5;
/// MIDI velocity of those notes, 0 ..= 1.
const NOTE_VELOCITY: f32 = 0.7;
/// Level of the white noise played into input-only scenes before it is scaled to the target
/// loudness (dBFS RMS).
const INPUT_RMS_DBFS: f64 = -23.0;

/// What a render measured.
struct Measured {
    lufs: f64,
    peak_dbfs: f64,
    quietest_window_dbfs: f64,
}

fn db(x: f64) -> f64 {
    20.0 * x.max(1e-12).log10()
}

/// Peak amplitude of uniform white noise (both channels the same) that measures
/// [`TARGET_LUFS`]: an input track at the scenes' loudness.
fn input_amplitude_at_target() -> f64 {
    let amplitude = 10f64.powf(INPUT_RMS_DBFS / 20.0) * 3f64.sqrt();
    let mut rng = SmallRng::seed_from_u64(7);
    let mut meter = EbuR128::new(2, RATE, Mode::I).expect("a meter");
    let frames: Vec<f32> = (0..RATE as usize * 10)
        .flat_map(|_| {
            let s = ((rng.random::<f64>() * 2.0 - 1.0) * amplitude) as f32;
            [s, s]
        })
        .collect();
    meter.add_frames_f32(&frames).expect("frames");
    let lufs = meter.loudness_global().expect("loudness");
    amplitude * 10f64.powf((TARGET_LUFS - lufs) / 20.0)
}

/// Renders `params` for [`SECONDS`] with the limiter off, playing notes into MIDI-only layers
/// and a noise input into a scene without sounding layers, and measures it.
fn render(params: &TingleParams) -> Measured {
    let mut engine_settings = params.engine_settings();
    engine_settings.master.limiter = false;
    let mut engine = Engine::new(RATE as f32, BLOCK);
    engine.set_settings(&engine_settings);
    engine.reset();
    let midi_notes: Vec<u8> = engine_settings
        .layers
        .iter()
        .filter(|l| l.enabled && l.rhythm.rate.is_none())
        .map(|l| l.midi_note)
        .collect();
    let has_triggers = engine_settings.layers.iter().any(|l| l.enabled);
    let mut rng = SmallRng::seed_from_u64(7);
    let input_amplitude = input_amplitude_at_target();
    let mut meter = EbuR128::new(2, RATE, Mode::I | Mode::SAMPLE_PEAK).expect("a meter");
    let total = RATE as usize * SECONDS;
    let note_interval = (NOTE_INTERVAL_S * f64::from(RATE)) as usize;
    let (mut left, mut right) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut second_energy = vec![0.0f64; SECONDS];
    let mut note = 0;
    let mut done = 0;
    while done < total {
        let n = BLOCK.min(total - done);
        for i in 0..n {
            let s = if has_triggers {
                0.0
            } else {
                (rng.random::<f64>() * 2.0 - 1.0) * input_amplitude
            };
            left[i] = s as f32;
            right[i] = s as f32;
        }
        if !midi_notes.is_empty() {
            let next = note * note_interval;
            if next >= done && next < done + n {
                engine.note_on(
                    next - done,
                    midi_notes[note % midi_notes.len()],
                    NOTE_VELOCITY,
                );
                note += 1;
            }
        }
        engine.process(&mut left[..n], &mut right[..n], InputChannels::Stereo);
        let mut frames = Vec::with_capacity(2 * n);
        for i in 0..n {
            frames.extend([left[i], right[i]]);
            let e = f64::from(left[i]).powi(2) + f64::from(right[i]).powi(2);
            second_energy[(done + i) / RATE as usize] += e / 2.0;
        }
        meter.add_frames_f32(&frames).expect("frames");
        done += n;
    }
    let peak = (0..2)
        .map(|c| meter.sample_peak(c).expect("peak"))
        .fold(0.0, f64::max);
    let quietest = second_energy
        .windows(SILENCE_WINDOW_S)
        .map(|w| {
            let mean = w.iter().sum::<f64>() / (SILENCE_WINDOW_S as f64 * f64::from(RATE));
            10.0 * mean.max(1e-24).log10()
        })
        .fold(f64::INFINITY, f64::min);
    Measured {
        lufs: meter.loudness_global().expect("loudness"),
        peak_dbfs: db(peak),
        quietest_window_dbfs: quietest,
    }
}

/// Every factory scene plays for 30 s with no silent stretch, without clipping (with the
/// limiter off), and within 3 LU of the common loudness target.
#[test]
fn every_factory_scene_plays_at_the_common_loudness() {
    let mut failures = Vec::new();
    for entry in factory::SCENES {
        let scene = entry.read().expect("a factory scene");
        let m = render(&scene.params);
        println!(
            "{:24} {:6.1} LUFS  peak {:6.1} dBFS  quietest 2 s {:6.1} dBFS",
            entry.file, m.lufs, m.peak_dbfs, m.quietest_window_dbfs
        );
        if (m.lufs - TARGET_LUFS).abs() > TOLERANCE_LU {
            failures.push(format!("{}: {:.1} LUFS", entry.file, m.lufs));
        }
        if m.peak_dbfs > CEILING_DBFS {
            failures.push(format!("{}: peak {:.1} dBFS", entry.file, m.peak_dbfs));
        }
        if m.quietest_window_dbfs < SILENCE_DBFS {
            failures.push(format!(
                "{}: {SILENCE_WINDOW_S} s at {:.1} dBFS",
                entry.file, m.quietest_window_dbfs
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every parameter's plain value, by id (what the plugin's own saved state holds).
fn values(params: &TingleParams) -> Vec<(String, f32)> {
    use nice_plug::prelude::Params;
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers point into `params`, borrowed here.
        .map(|(id, ptr, _)| (id, unsafe { ptr.unmodulated_plain_value() }))
        .collect()
}

/// Sets every parameter of `params` to a random value.
fn randomize(params: &TingleParams, rng: &mut SmallRng) {
    use nice_plug::prelude::Params;
    for (_, ptr, _) in params.param_map() {
        let steps = unsafe { ptr.step_count() };
        let v = match steps {
            Some(steps) => rng.random_range(0..=steps) as f32 / steps.max(1) as f32,
            None => rng.random::<f32>(),
        };
        // SAFETY: as above.
        unsafe { ptr._internal_set_normalized_value(v) };
    }
}

/// Plugin state -> scene file -> state gives back every parameter's value exactly, for the factory
/// scenes and for random states.
#[test]
fn scenes_round_trip_exactly() {
    let mut rng = SmallRng::seed_from_u64(99);
    let mut states: Vec<TingleParams> = factory::SCENES
        .iter()
        .map(|s| s.read().expect("a factory scene").params)
        .collect();
    for _ in 0..50 {
        let p = TingleParams::default();
        randomize(&p, &mut rng);
        states.push(p);
    }
    let info = SceneInfo {
        name: "Round trip".into(),
        category: "User".into(),
        description: "A test".into(),
    };
    for params in &states {
        let text = scene::write(params, &info);
        let back = scene::read(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.info, info);
        assert_eq!(values(&back.params), values(params), "{text}");
    }
}

/// A version 1 scene (flat ids, numeric variant, distance as log10 metres) committed from the
/// previous release loads with its meaning unchanged.
#[test]
fn a_version_1_scene_keeps_its_meaning() {
    let v1 = include_str!("data/scene-v1.json");
    let p = scene::load(v1).expect("a version 1 scene");
    let l1 = &p.layers[0];
    assert!(l1.enabled.value());
    assert_eq!(l1.sound.value(), SoundChoice::new(Family::Tap, 1), "glass");
    assert_eq!(l1.character_2.value(), 0.8);
    assert!((l1.placement.distance_m() - 0.5).abs() < 1e-4);
    assert_eq!(p.layers[1].sound.value().family, Family::Water);
    assert!((p.layers[1].rate.value() - 0.3).abs() < 1e-5);
    assert_eq!(p.seed.value(), 42);
    assert!((p.input.azimuth.value() + 30.0).abs() < 1e-6);
}

/// Bad scene files give a message naming the field (or the place in the text) and no
/// parameters: the caller keeps its current state.
#[test]
fn bad_scene_files_are_refused_with_the_field_named() {
    let good = factory::find("rain-on-a-window")
        .expect("a factory scene")
        .json;
    assert!(scene::read(good).is_ok());
    let err = |text: &str| match scene::read(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    };
    // Truncated anywhere: the JSON parser's line and column.
    for cut in [1, good.len() / 3, good.len() / 2, good.len() - 3] {
        let message = err(&good[..cut]);
        assert!(
            message.starts_with("not valid JSON") && message.contains("line"),
            "{message}"
        );
    }
    let replace = |from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        good.replacen(from, to, 1)
    };
    let cases = [
        // Wrong types.
        (
            replace("\"rate\": 0.35", "\"rate\": \"fast\""),
            "params.layer_1.rate: expected a number",
        ),
        (
            replace("\"on\": true", "\"on\": 1"),
            "params.layer_1.on: expected true or false",
        ),
        (
            replace("\"family\": \"water\"", "\"family\": 3"),
            "params.layer_1.family: expected a name",
        ),
        (
            replace("\"seed\": 21", "\"seed\": [21]"),
            "params.seed: expected a number",
        ),
        (
            replace("\"name\": \"Rain on a Window\"", "\"name\": {}"),
            "name: expected text",
        ),
        // Unknown names.
        (
            replace("\"variant\": \"rain bed\"", "\"variant\": \"hail\""),
            "params.layer_1.variant: \"hail\" is not a variant of Water",
        ),
        (
            replace("\"family\": \"water\"", "\"family\": \"lava\""),
            "params.layer_1.family: unknown choice \"lava\"",
        ),
        (
            replace("\"seed\": 21", "\"sede\": 21"),
            "params.sede: unknown parameter",
        ),
        (
            replace("\"layer_1\"", "\"layer_12\""),
            "params.layer_12: unknown parameter",
        ),
        // Huge numbers.
        (
            replace("\"rate\": 0.35", "\"rate\": 1e300"),
            "params.layer_1.rate: 1e+300 is outside",
        ),
        (
            replace("\"seed\": 21", "\"seed\": 99999999999"),
            "params.seed: 99999999999 is outside",
        ),
        (
            replace("\"dist_m\": 2.5", "\"dist_m\": -1e308"),
            "params.layer_1.dist_m:",
        ),
        // A newer format.
        (
            replace("\"tingle_scene\": 2", "\"tingle_scene\": 3"),
            "tingle_scene: this scene was made by a newer Tingle",
        ),
    ];
    for (text, expected) in cases {
        let message = err(&text);
        assert!(
            message.starts_with(expected),
            "{message}\n  expected: {expected}"
        );
    }
}
