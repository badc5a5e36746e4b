//! Trigger layers through the engine: rhythm timing, MIDI, voice stealing, scatter, motion of
//! sustained triggers, seeds. The Tone family is the clean test source here (every artefact
//! shows against a sine), and taps where an ITD is measured (that wants a broadband sound); the
//! families' own sounds are tested in their modules.

mod common;

use common::*;
use tingle::engine::layer::{LayerSettings, Scatter, ScatterMode};
use tingle::engine::master::MasterSettings;
use tingle::engine::motion::{MotionMode, MotionRate, MotionSettings};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::tempo::{NoteValue, Transport};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::triggers::Family;

const FS: f32 = 48_000.0;

/// Tone controls: pitch 0..1 (100 Hz..4 kHz, log), length 0..1 (0.1..20 s, log), fastest edges.
fn tone(pitch: f32, length: f32) -> [f32; 4] {
    [pitch, length, 0.0, 0.0]
}

/// A layer playing tones with exact timing and level.
fn tone_layer(rate: Option<RhythmRate>, character: [f32; 4]) -> LayerSettings {
    LayerSettings {
        enabled: true,
        family: Family::Tone,
        character,
        rhythm: exact_rhythm(rate),
        ..LayerSettings::default()
    }
}

/// Engine parameters with `layer` as layer 1, no input, limiter off (measurement).
fn scene(layer: LayerSettings) -> EngineSettings {
    let mut p = EngineSettings {
        master: MasterSettings {
            limiter: false,
            ..MasterSettings::default()
        },
        ..EngineSettings::default()
    };
    p.layers[0] = layer;
    p
}

/// Renders `seconds` of `params` with no input in `block`-sample blocks; `before_block` may
/// send notes or change the transport before each block (argument: block start sample).
fn render_scene(
    params: &EngineSettings,
    transport: Transport,
    seconds: f32,
    block: usize,
    before_block: impl FnMut(&mut Engine, usize),
) -> (Vec<f32>, Vec<f32>) {
    let mut engine = Engine::new(FS, block);
    engine.set_settings(params);
    engine.set_transport(&transport);
    engine.reset();
    let len = (seconds * FS) as usize;
    let (mut left, mut right) = (vec![0.0; len], vec![0.0; len]);
    process_in_blocks(
        &mut engine,
        &mut left,
        &mut right,
        block,
        InputChannels::None,
        before_block,
    );
    (left, right)
}

/// Renders `seconds` of `layer` (MIDI note 60) fired once at the start.
fn render_one_note(layer: LayerSettings, seconds: f32) -> (Vec<f32>, Vec<f32>) {
    render_scene(
        &scene(layer),
        Transport::default(),
        seconds,
        256,
        |engine, start| {
            if start == 0 {
                engine.note_on(0, 60, 1.0);
            }
        },
    )
}

/// Level (linear) above which a sample counts as sound in the onset searches.
const SOUND_THRESHOLD: f32 = 1e-7;

/// Sample indices where sound starts after at least `gap` silent samples.
fn sound_starts(x: &[f32], gap: usize) -> Vec<usize> {
    common::sound_starts(x, SOUND_THRESHOLD, gap)
}

/// Onsets of short tones relative to the first one, against the expected grid.
fn assert_on_grid(onsets: &[usize], expected: &[f64]) {
    assert!(
        onsets.len() >= expected.len(),
        "{} onsets, expected {}",
        onsets.len(),
        expected.len()
    );
    let origin = onsets[0] as f64 - expected[0];
    for (k, (&o, &e)) in onsets.iter().zip(expected).enumerate() {
        let error = o as f64 - origin - e;
        assert!(
            error.abs() <= 1.0,
            "onset {k} at {o} is {error} samples off the grid"
        );
    }
}

#[test]
fn free_rate_triggers_land_on_the_grid() {
    // 0.1 s tones at 3.7 per second: silence between them.
    let p = scene(tone_layer(Some(RhythmRate::PerSecond(3.7)), tone(0.5, 0.0)));
    let (left, _) = render_scene(&p, Transport::default(), 3.0, 256, |_, _| {});
    let expected: Vec<f64> = (0..11).map(|k| k as f64 * f64::from(FS) / 3.7).collect();
    assert_on_grid(&sound_starts(&left, 2000), &expected);
}

#[test]
fn synced_triggers_land_on_the_song_grid_at_several_tempos() {
    for (bpm, start_beats) in [(75.0, 0.0), (128.0, 2.25), (171.0, 9.9)] {
        let transport = Transport {
            tempo_bpm: bpm,
            playing: true,
            position_beats: Some(start_beats),
            ..Transport::default()
        };
        let p = scene(tone_layer(
            Some(RhythmRate::Synced(NoteValue::Quarter)),
            tone(0.5, 0.0),
        ));
        // The host reports the position every block, as a real one does.
        let spb = f64::from(FS) * 60.0 / bpm;
        let (left, _) = render_scene(&p, transport, 4.0, 480, |engine, start| {
            engine.set_transport(&Transport {
                position_beats: Some(start_beats + start as f64 / spb),
                ..transport
            });
        });
        let first_beat = start_beats.ceil();
        let expected: Vec<f64> = (0..5)
            .map(|k| (first_beat + k as f64 - start_beats) * spb)
            .collect();
        let onsets = sound_starts(&left, 2000);
        // Absolute: the first onset is within a couple of samples (the HRTF's own delay) of its beat.
        assert!(
            (onsets[0] as f64 - expected[0]).abs() <= 3.0,
            "{bpm} BPM: first onset {} vs {}",
            onsets[0],
            expected[0]
        );
        assert_on_grid(&onsets, &expected);
    }
}

#[test]
fn midi_notes_fire_their_layer_at_their_sample_offset() {
    let mut layer = tone_layer(None, tone(0.5, 0.0));
    layer.midi_note = 64;
    let p = scene(layer);
    let notes = [
        (0usize, 64u8),
        (1000, 64),
        (3000, 65),
        (30_017, 64),
        (60_123, 64),
    ];
    let (left, _) = render_scene(&p, Transport::default(), 2.0, 512, |engine, start| {
        for &(at, note) in &notes {
            if (start..start + 512).contains(&at) {
                engine.note_on(at - start, note, 1.0);
            }
        }
    });
    let onsets = sound_starts(&left, 2000);
    // Note 65 belongs to no enabled layer; notes 1000 samples apart merge into one sound.
    assert_eq!(onsets.len(), 3, "{onsets:?}");
    assert_on_grid(&onsets, &[0.0, 30_017.0, 60_123.0]);
}

/// A note in a block longer than the engine was built for (which it splits) fires at its own
/// sample, not at the start of the part it was queued in.
#[test]
fn notes_in_a_long_block_fire_at_their_own_sample() {
    const BUILT_FOR: usize = 512;
    const HOST_BLOCK: usize = 32_768;
    let mut layer = tone_layer(None, tone(0.5, 0.0));
    layer.midi_note = 64;
    let mut engine = Engine::new(FS, BUILT_FOR);
    engine.set_settings(&scene(layer));
    engine.reset();
    let (mut left, mut right) = (vec![0.0; HOST_BLOCK], vec![0.0; HOST_BLOCK]);
    // Tones of 0.1 s (4800 samples), far enough apart to stay distinct.
    let notes = [100usize, 10_000, 25_555];
    for &at in &notes {
        engine.note_on(at, 64, 1.0);
    }
    engine.process(&mut left, &mut right, InputChannels::None);
    let onsets = sound_starts(&left, 2000);
    let expected: Vec<f64> = notes.iter().map(|&at| at as f64).collect();
    assert_eq!(onsets.len(), notes.len(), "{onsets:?}");
    assert_on_grid(&onsets, &expected);
}

/// Stealing a voice that plays a steady tone leaves no step: the high-passed residual around
/// the steal stays 60 dB below the tone.
#[test]
fn voice_stealing_fades_without_a_step() {
    let mut layer = tone_layer(None, tone(0.0, 1.0)); // 100 Hz, 20 s tones
    layer.midi_note = 60;
    let p = scene(layer);
    let steal_at = 17 * 4800 + 123;
    let (left, _) = render_scene(&p, Transport::default(), 2.0, 64, |engine, start| {
        for k in 0..=16usize {
            let at = if k == 16 { steal_at } else { k * 4800 + 17 };
            if (start..start + 64).contains(&at) {
                engine.note_on(at - start, 60, 1.0);
            }
        }
    });
    // Fourth-order high-pass at 1 kHz, ten times the tone.
    let residual = high_passed(&left, 1000.0, FS);
    let window = steal_at - 960..steal_at + 960;
    let tone_level = rms(&left[window.clone()]);
    let step = rms(&residual[window]);
    let db = 20.0 * (step / tone_level).log10();
    assert!(tone_level > 0.01, "tones are sounding: {tone_level}");
    assert!(db < -60.0, "steal residual {db} dB re tone");
}

/// Level difference (dB, right minus left) of a stretch of sound.
fn level_difference_db(left: &[f32], right: &[f32]) -> f64 {
    rms_db(right) - rms_db(left)
}

/// Stretch around a tap's onset in the left ear (samples before, samples after) that holds the
/// whole tap in both ears, as the ITD estimator needs: from 20 ms before (the near ear leads by
/// under 1 ms; or from the start of the render) to 150 ms after, by when a tap has died away
/// (the next starts 250 ms on).
const TAP_AROUND_ONSET: (usize, usize) = (960, 7200);

/// ITD (us) of each tap in a render (left, right) whose whole stretch it holds.
fn tap_itds_us(left: &[f32], right: &[f32]) -> Vec<f64> {
    let (before, after) = TAP_AROUND_ONSET;
    sound_starts(left, 2000)
        .into_iter()
        .filter(|&onset| onset + after <= left.len())
        .map(|onset| {
            let tap = onset.saturating_sub(before)..onset + after;
            interaural_group_delay(
                &to_f64(&left[tap.clone()]),
                &to_f64(&right[tap]),
                f64::from(FS),
            ) * 1e6
        })
        .collect()
}

/// A scattered layer's triggers sound at distinct positions within the spread; ear-to-ear
/// scatter alternates sides.
#[test]
fn scattered_triggers_land_at_their_own_positions() {
    // Taps, four a second: short and broadband, so each has a clear ITD (a tone's narrow
    // spectrum would leave the ITD estimator little phase slope to fit).
    let taps = LayerSettings {
        family: Family::Tap,
        ..tone_layer(
            Some(RhythmRate::PerSecond(4.0)),
            LayerSettings::default().character,
        )
    };
    let itds_of = |layer: LayerSettings| -> Vec<f64> {
        let (left, right) = render_scene(&scene(layer), Transport::default(), 4.0, 256, |_, _| {});
        tap_itds_us(&left, &right)
    };
    // The ITD of a tap at the spread's edge (60 degrees) bounds every trigger's.
    let mut edge_layer = taps;
    edge_layer.position.azimuth_deg = 60.0;
    let edge = itds_of(edge_layer)[0];
    let mut layer = taps;
    layer.scatter = Scatter {
        mode: ScatterMode::Spread,
        spread_deg: 60.0,
        distance_octaves: 0.0,
    };
    let itds = itds_of(layer);
    assert!(
        itds.iter().all(|i| i.abs() <= edge + 20.0),
        "outside the spread: {itds:?} (edge {edge})"
    );
    let mut sorted = itds.clone();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup_by(|a, b| (*a - *b).abs() < 10.0);
    assert!(
        sorted.len() >= itds.len() * 3 / 4,
        "positions not distinct: {itds:?}"
    );
    assert!(
        itds.iter().any(|&i| i > 100.0) && itds.iter().any(|&i| i < -100.0),
        "{itds:?}"
    );

    // 1.6 kHz tones: a clear level difference between the ears.
    layer.family = Family::Tone;
    layer.character = tone(0.75, 0.0);
    layer.scatter.mode = ScatterMode::EarToEar;
    layer.scatter.spread_deg = 10.0;
    let (left, right) = render_scene(&scene(layer), Transport::default(), 4.0, 256, |_, _| {});
    let sides: Vec<f64> = sound_starts(&left, 2000)
        .iter()
        .map(|&s| level_difference_db(&left[s..s + 4000], &right[s..s + 4000]))
        .collect();
    assert!(sides.len() >= 14);
    for pair in sides.windows(2) {
        assert!(
            pair[0] * pair[1] < 0.0 && pair[0].abs() > 3.0,
            "not alternating ears: {sides:?}"
        );
    }
}

/// A sustained trigger follows its layer's motion while it sounds.
#[test]
fn sustained_triggers_follow_the_layer_motion() {
    let mut layer = tone_layer(None, tone(0.75, 0.6)); // 1.6 kHz for several seconds
    layer.midi_note = 60;
    layer.motion = MotionSettings {
        mode: MotionMode::Orbit,
        rate: MotionRate::Hertz(0.5),
        depth: 0.0,
    };
    let (left, right) = render_one_note(layer, 2.0);
    // Quarter-orbit windows: right ear louder at 0.5 s (90 deg), left ear at 1.5 s (270 deg)
    // (KEMAR: about 6 dB at 1.6 kHz).
    let window = |t: f32| {
        let s = (t * FS) as usize;
        level_difference_db(&left[s - 2400..s + 2400], &right[s - 2400..s + 2400])
    };
    assert!(
        window(0.5) > 3.0 && window(1.5) < -3.0,
        "{} / {}",
        window(0.5),
        window(1.5)
    );
}

/// The same seed renders bit for bit the same; another seed differs.
#[test]
fn seeds_make_renders_repeatable() {
    let mut layer = tone_layer(Some(RhythmRate::PerSecond(6.0)), tone(0.4, 0.1));
    layer.rhythm.humanize = 1.0;
    layer.rhythm.probability = 0.7;
    layer.scatter = Scatter {
        mode: ScatterMode::Spread,
        spread_deg: 90.0,
        distance_octaves: 1.0,
    };
    let mut p = scene(layer);
    let a = render_scene(&p, Transport::default(), 3.0, 300, |_, _| {});
    let b = render_scene(&p, Transport::default(), 3.0, 300, |_, _| {});
    assert!(a == b, "same seed, different render");
    p.seed = 2;
    let c = render_scene(&p, Transport::default(), 3.0, 300, |_, _| {});
    assert!(a != c, "another seed, same render");
}

/// A short trigger keeps the position it was born at while the layer moves on: a metal tap
/// ringing for seconds on an orbiting layer keeps its interaural level difference.
#[test]
fn short_triggers_keep_their_birth_position() {
    let mut layer = LayerSettings {
        enabled: true,
        family: Family::Tap,
        variant: 3,                      // metal: rings for seconds
        character: [0.3, 1.0, 1.0, 0.5], // large, nail, long ring
        rhythm: RhythmSettings {
            rate: None,
            intensity: 1.0,
            intensity_variation: 0.0,
            ..RhythmSettings::default()
        },
        midi_note: 60,
        ..LayerSettings::default()
    };
    layer.position.azimuth_deg = 90.0;
    layer.motion = MotionSettings {
        mode: MotionMode::Orbit,
        rate: MotionRate::Hertz(0.5),
        depth: 0.0,
    };
    let (left, right) = render_one_note(layer, 1.5);
    // The layer turns half way round in 1 s; the tap stays at the right ear.
    let window = |t: f32| {
        let s = (t * FS) as usize;
        level_difference_db(&left[s..s + 4800], &right[s..s + 4800])
    };
    let (early, late) = (window(0.05), window(1.0));
    assert!(early > 6.0, "born at the right ear: {early} dB");
    assert!(
        (late - early).abs() < 3.0,
        "moved with the layer: {early} dB then {late} dB"
    );
}

/// No loop: in a long render of a busy scene no stretch of 1024 samples (with sound in it)
/// ever repeats exactly, at any offset.
#[test]
fn a_long_render_never_repeats_a_segment() {
    const WINDOW: usize = 1024;
    let mut p = EngineSettings {
        master: MasterSettings {
            limiter: false,
            ..MasterSettings::default()
        },
        ..EngineSettings::default()
    };
    for (i, (family, variant, rate)) in [
        (Family::Tap, 0, 3.0),
        (Family::Water, 2, 0.2),
        (Family::Paper, 0, 0.5),
    ]
    .into_iter()
    .enumerate()
    {
        p.layers[i] = LayerSettings {
            enabled: true,
            family,
            variant,
            rhythm: RhythmSettings {
                rate: Some(RhythmRate::PerSecond(rate)),
                ..RhythmSettings::default()
            },
            ..LayerSettings::default()
        };
    }
    let (left, _) = render_scene(&p, Transport::default(), 30.0, 512, |_, _| {});
    // Rolling polynomial hash of every window; equal hashes are then compared sample by sample.
    const BASE: u64 = 0x0100_0000_01B3;
    let top = (0..WINDOW - 1).fold(1u64, |h, _| h.wrapping_mul(BASE));
    let mut seen = std::collections::HashMap::with_capacity(left.len());
    let mut hash = 0u64;
    let mut energy = 0.0f64;
    let mut repeats = 0;
    for (i, v) in left.iter().enumerate() {
        if i >= WINDOW {
            let old = left[i - WINDOW];
            hash = hash.wrapping_sub(u64::from(old.to_bits()).wrapping_mul(top));
            energy -= f64::from(old) * f64::from(old);
        }
        hash = hash.wrapping_mul(BASE).wrapping_add(u64::from(v.to_bits()));
        energy += f64::from(*v) * f64::from(*v);
        if i + 1 < WINDOW || energy < 1e-6 {
            continue;
        }
        let start = i + 1 - WINDOW;
        if let Some(&earlier) = seen.get(&hash) {
            let a: &[f32] = &left[earlier..earlier + WINDOW];
            if a == &left[start..=i] {
                repeats += 1;
            }
        } else {
            seen.insert(hash, start);
        }
    }
    assert!(
        seen.len() > 1_000_000,
        "too little sound to judge: {} windows",
        seen.len()
    );
    assert_eq!(repeats, 0, "segments repeat");
}

/// On a layer that follows note length, a note-off ends its sustained tone within the
/// release (plus the placer's tail); on one that does not, the tone plays on. The release is
/// smooth: the residual above 1 kHz (ten times the tone) stays 60 dB below the tone.
#[test]
fn a_note_off_ends_the_notes_sustained_trigger_when_the_layer_follows_note_length() {
    const BLOCK: usize = 64;
    let on_at = 1000;
    let off_at = 24_000 + 17;
    let render = |follow: bool| {
        let mut layer = tone_layer(None, tone(0.0, 1.0)); // 100 Hz, 20 s tone
        layer.midi_note = 62;
        layer.follow_note = follow;
        render_scene(
            &scene(layer),
            Transport::default(),
            1.0,
            BLOCK,
            |engine, start| {
                if (start..start + BLOCK).contains(&on_at) {
                    engine.note_on(on_at - start, 62, 1.0);
                }
                if (start..start + BLOCK).contains(&off_at) {
                    engine.note_off(off_at - start, 62);
                    engine.note_off(off_at - start, 61); // another note: no effect
                }
            },
        )
        .0
    };
    let followed = render(true);
    let free = render(false);
    let before = rms_db(&followed[off_at - 4800..off_at]);
    // Release 0.12 s, placer tail well under 10 ms.
    let after = (off_at + 6720)..(off_at + 12_000);
    assert!(before > -30.0, "the tone sounds: {before:.1} dB");
    assert!(
        rms_db(&followed[after.clone()]) < before - 90.0,
        "ended: {:.1} dB",
        rms_db(&followed[after.clone()])
    );
    assert!(
        (rms_db(&free[after.clone()]) - before).abs() < 1.0,
        "without following, the tone plays on"
    );
    let residual = high_passed(&followed, 1000.0, FS);
    let residual_db = rms_db(&residual[off_at..off_at + 6720]);
    assert!(
        residual_db < before - 60.0,
        "release residual {residual_db:.1} dB"
    );
}

/// All sound off fades every sounding trigger of every layer out within tens of milliseconds,
/// smoothly, and later notes play again.
#[test]
fn all_sound_off_silences_every_layer_smoothly() {
    const BLOCK: usize = 64;
    let mut p = EngineSettings {
        master: MasterSettings {
            limiter: false,
            ..MasterSettings::default()
        },
        ..EngineSettings::default()
    };
    for (i, pitch) in [0.1, 0.3, 0.5].into_iter().enumerate() {
        let mut layer = tone_layer(None, tone(pitch, 1.0));
        layer.midi_note = 60 + i as u8;
        p.layers[i] = layer;
    }
    let stop_at = 24_000 + 5;
    let again_at = 36_000;
    let (left, _) = render_scene(&p, Transport::default(), 1.0, BLOCK, |engine, start| {
        if start == 0 {
            for note in 60..63 {
                engine.note_on(100, note, 1.0);
            }
        }
        if (start..start + BLOCK).contains(&stop_at) {
            engine.all_sound_off(stop_at - start);
        }
        if (start..start + BLOCK).contains(&again_at) {
            engine.note_on(again_at - start, 60, 1.0);
        }
    });
    let before = rms_db(&left[stop_at - 4800..stop_at]);
    // 30 ms fade, then the placers' tails.
    let silent = rms_db(&left[stop_at + 1920..again_at]);
    assert!(before > -30.0, "{before:.1} dB");
    assert!(silent < before - 90.0, "silent after: {silent:.1} dB");
    // Smooth: the residual above 4 kHz (six times the highest tone) stays 60 dB below.
    let residual = high_passed(&left, 4000.0, FS);
    let residual_db = rms_db(&residual[stop_at - 480..stop_at + 1920]);
    assert!(
        residual_db < before - 60.0,
        "fade residual {residual_db:.1} dB"
    );
    assert!(
        rms_db(&left[again_at + 2400..again_at + 7200]) > before - 12.0,
        "a later note plays again"
    );
}

/// Scattered droplets at 6 a second, each through its own placer: every droplet hands its faint
/// drizzle over to the next (the wet surroundings are one place), so the voices do not pile up
/// for the drizzle's whole second: on average at most 4 sound at once (without the hand-over,
/// about 8).
#[test]
fn droplets_hand_their_drizzle_over_instead_of_piling_up() {
    let mut layer = LayerSettings {
        enabled: true,
        family: Family::Water,
        character: [0.5; 4],
        rhythm: RhythmSettings {
            rate: Some(RhythmRate::PerSecond(6.0)),
            ..RhythmSettings::default()
        },
        ..LayerSettings::default()
    };
    layer.scatter = Scatter {
        mode: ScatterMode::Spread,
        spread_deg: 120.0,
        distance_octaves: 1.0,
    };
    let (mut voices, mut blocks) = (0, 0);
    render_scene(
        &scene(layer),
        Transport::default(),
        6.0,
        64,
        |engine, at| {
            // Counted after the first second, once the drizzles could have piled up.
            if at >= FS as usize {
                voices += engine.active_voices()[0];
                blocks += 1;
            }
        },
    );
    let mean = voices as f32 / blocks as f32;
    println!("{mean:.2} voices sound on average");
    assert!(mean < 4.0, "drizzles pile up: {mean:.2} voices");
    assert!(mean > 1.0, "droplets sound");
}
