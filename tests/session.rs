//! The session features, measured through the engine: the session timer's fade (own clock and
//! host song position), the ambient bed (diffuse coherence, spectral slopes, calibrated level,
//! smooth switching, determinism) and gentle mode (a loud hit held near the running level, no
//! latency, material under the bound untouched).
//!
//! Run with `--nocapture` to see the measured numbers.

mod common;

use common::{exact_rhythm, integrated_lufs, process_in_blocks, stereo_rms_db, white_noise};
use realfft::RealFftPlanner;
use tingle::dsp::gentle::MAX_JUMP_DB;
use tingle::engine::bed::{BedKind, BedSettings, COHERENCE_CORNER_HZ, DEFAULT_BED_LEVEL_DB};
use tingle::engine::layer::LayerSettings;
use tingle::engine::master::MasterSettings;
use tingle::engine::rhythm::RhythmRate;
use tingle::engine::telemetry::telemetry;
use tingle::engine::tempo::Transport;
use tingle::engine::timer::{GLIDE_S, TimerSettings};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::triggers::Family;

const FS: f32 = 48_000.0;
/// Block length of the renders (samples).
const BLOCK: usize = 512;

/// Parameters with no layer sounding and the limiter off (measurement only).
fn quiet_params() -> EngineSettings {
    EngineSettings {
        master: MasterSettings {
            limiter: false,
            ..MasterSettings::default()
        },
        ..EngineSettings::default()
    }
}

/// Parameters with only the bed `kind` at `level_db`.
fn bed_params(kind: BedKind, level_db: f32) -> EngineSettings {
    EngineSettings {
        bed: BedSettings { kind, level_db },
        ..quiet_params()
    }
}

/// A fresh engine at `params`, reset (so it starts there without glides).
fn engine(params: &EngineSettings) -> Engine {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(params);
    engine.reset();
    engine
}

/// Renders `seconds` with no input; `before_block` may change the engine before each block
/// (argument: the block's first sample).
fn render_with(
    engine: &mut Engine,
    seconds: f32,
    before_block: impl FnMut(&mut Engine, usize),
) -> (Vec<f32>, Vec<f32>) {
    let len = (seconds * FS) as usize;
    let (mut left, mut right) = (vec![0.0; len], vec![0.0; len]);
    process_in_blocks(
        engine,
        &mut left,
        &mut right,
        BLOCK,
        InputChannels::None,
        before_block,
    );
    (left, right)
}

/// Renders `seconds` of `params` with no input.
fn render(params: &EngineSettings, seconds: f32) -> (Vec<f32>, Vec<f32>) {
    render_with(&mut engine(params), seconds, |_, _| {})
}

/// The renders' sample rate as the loudness meter takes it (Hz).
const RATE_HZ: u32 = FS as u32;

/// Welch's cross-spectral estimates of two signals: per frequency bin, the auto spectra of
/// `x` and `y` and their cross spectrum (Hann windows of `len`, half overlapping).
struct Spectra {
    xx: Vec<f64>,
    yy: Vec<f64>,
    /// Real and imaginary parts of the cross spectrum.
    xy: Vec<(f64, f64)>,
    bin_hz: f64,
}

/// Segment length of the spectral estimates (samples).
const SEGMENT: usize = 8192;

fn spectra(x: &[f32], y: &[f32]) -> Spectra {
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(SEGMENT);
    let bins = SEGMENT / 2 + 1;
    let window: Vec<f64> = (0..SEGMENT)
        .map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / SEGMENT as f64).cos())
        .collect();
    let mut s = Spectra {
        xx: vec![0.0; bins],
        yy: vec![0.0; bins],
        xy: vec![(0.0, 0.0); bins],
        bin_hz: f64::from(FS) / SEGMENT as f64,
    };
    let mut start = 0;
    while start + SEGMENT <= x.len() {
        let transform = |signal: &[f32]| {
            let mut input: Vec<f64> = signal[start..start + SEGMENT]
                .iter()
                .zip(&window)
                .map(|(&v, w)| f64::from(v) * w)
                .collect();
            let mut out = fft.make_output_vec();
            fft.process(&mut input, &mut out).expect("fft");
            out
        };
        let (fx, fy) = (transform(x), transform(y));
        for k in 0..bins {
            s.xx[k] += fx[k].norm_sqr();
            s.yy[k] += fy[k].norm_sqr();
            let c = fx[k] * fy[k].conj();
            s.xy[k].0 += c.re;
            s.xy[k].1 += c.im;
        }
        start += SEGMENT / 2;
    }
    s
}

impl Spectra {
    fn bins(&self, lo: f64, hi: f64) -> std::ops::Range<usize> {
        (lo / self.bin_hz).ceil() as usize..(hi / self.bin_hz).floor() as usize
    }

    /// Magnitude of the interaural coherence over the band `lo ..= hi` Hz (band-averaged
    /// spectra).
    fn coherence(&self, lo: f64, hi: f64) -> f64 {
        let bins = self.bins(lo, hi);
        let sum = |v: &[f64]| bins.clone().map(|k| v[k]).sum::<f64>();
        let (re, im) = bins.clone().fold((0.0, 0.0), |(re, im), k| {
            (re + self.xy[k].0, im + self.xy[k].1)
        });
        ((re * re + im * im) / (sum(&self.xx) * sum(&self.yy))).sqrt()
    }

    /// Mean power density of the left ear over `lo ..= hi` Hz (dB).
    fn density_db(&self, lo: f64, hi: f64) -> f64 {
        let bins = self.bins(lo, hi);
        let n = bins.len() as f64;
        10.0 * (bins.map(|k| self.xx[k]).sum::<f64>() / n).log10()
    }

    /// Least-squares slope (dB per octave) of the density in octave bands from `lo` Hz up to
    /// `hi` Hz.
    fn slope_db_per_octave(&self, lo: f64, hi: f64) -> f64 {
        let mut points = Vec::new();
        let mut f = lo;
        while f * 2f64.sqrt() <= hi {
            let (a, b) = (f / 2f64.sqrt(), f * 2f64.sqrt());
            points.push((f.log2(), self.density_db(a, b)));
            f *= 2.0;
        }
        let n = points.len() as f64;
        let (mx, my) = points
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x / n, sy + y / n));
        let (num, den) = points.iter().fold((0.0, 0.0), |(num, den), (x, y)| {
            (num + (x - mx) * (y - my), den + (x - mx) * (x - mx))
        });
        num / den
    }
}

/// The interaural coherence of a diffuse field at `f` Hz for ears 0.18 m apart.
fn diffuse_coherence(f: f64) -> f64 {
    let x = std::f64::consts::TAU * f * 0.18 / 343.0;
    (x.sin() / x).abs()
}

/// Bands (Hz) the coherence is measured in.
const COHERENCE_BANDS: [(f64, f64); 6] = [
    (60.0, 200.0),
    (200.0, 400.0),
    (400.0, 700.0),
    (700.0, 1000.0),
    (1000.0, 2000.0),
    (2000.0, 8000.0),
];

/// The bed is heard around the listener: its interaural coherence is that of a diffuse field,
/// high in the bass and low above 1 kHz, for every kind (the rain's band starts at 500 Hz, so
/// its bass is not measured).
#[test]
fn the_bed_is_diffuse() {
    println!(
        "coherence corner {COHERENCE_CORNER_HZ} Hz; diffuse field: {}",
        COHERENCE_BANDS
            .iter()
            .map(|&(lo, hi)| format!("{:.2}", diffuse_coherence((lo * hi).sqrt())))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for kind in [BedKind::Pink, BedKind::Brown, BedKind::Air, BedKind::Rain] {
        let (l, r) = render(&bed_params(kind, -30.0), 20.0);
        let s = spectra(&l, &r);
        let measured: Vec<f64> = COHERENCE_BANDS
            .iter()
            .map(|&(lo, hi)| s.coherence(lo, hi))
            .collect();
        println!(
            "{kind:?}: coherence in {COHERENCE_BANDS:?} Hz: {}",
            measured
                .iter()
                .map(|c| format!("{c:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        if kind != BedKind::Rain {
            assert!(
                measured[0] > 0.9,
                "{kind:?}: bass coherence {}",
                measured[0]
            );
            assert!(measured[1] > 0.75, "{kind:?}: 200-400 Hz {}", measured[1]);
        }
        assert!(measured[4] < 0.2, "{kind:?}: 1-2 kHz {}", measured[4]);
        assert!(measured[5] < 0.1, "{kind:?}: 2-8 kHz {}", measured[5]);
    }
}

/// Pink falls 3 dB per octave and brown 6 dB per octave between 100 Hz and 5 kHz.
#[test]
fn pink_and_brown_slopes() {
    for (kind, want) in [(BedKind::Pink, -3.0), (BedKind::Brown, -6.0)] {
        let (l, r) = render(&bed_params(kind, -30.0), 20.0);
        let slope = spectra(&l, &r).slope_db_per_octave(100.0, 5000.0);
        println!("{kind:?}: {slope:.2} dB per octave from 100 Hz to 5 kHz");
        assert!((slope - want).abs() < 0.5, "{kind:?}: {slope} dB/octave");
    }
}

/// The bed's level reads as loudness: at -30 dB each kind measures -30 LUFS within 1 LU (the
/// air, which wanders by ±3 dB, within 2 LU), at 48 and at 96 kHz alike.
#[test]
fn bed_level_reads_as_loudness() {
    let level = -30.0;
    for kind in [BedKind::Pink, BedKind::Brown, BedKind::Air, BedKind::Rain] {
        let (l, r) = render(&bed_params(kind, level), 30.0);
        // After the fade-in.
        let skip = (3.0 * FS) as usize;
        let measured = integrated_lufs(&l[skip..], &r[skip..], RATE_HZ);
        println!("{kind:?} at {level} dB: {measured:.2} LUFS");
        let tolerance = if kind == BedKind::Air { 2.0 } else { 1.0 };
        assert!(
            (measured - f64::from(level)).abs() < tolerance,
            "{kind:?}: {measured} LUFS"
        );
    }
    let mut fast = Engine::new(2.0 * FS, BLOCK);
    fast.set_settings(&bed_params(BedKind::Pink, level));
    fast.reset();
    let len = (20.0 * 2.0 * FS) as usize;
    let (mut l, mut r) = (vec![0.0; len], vec![0.0; len]);
    for (a, b) in l.chunks_mut(BLOCK).zip(r.chunks_mut(BLOCK)) {
        fast.process(a, b, InputChannels::None);
    }
    let skip = (3.0 * 2.0 * FS) as usize;
    let at_96k = integrated_lufs(&l[skip..], &r[skip..], 2 * RATE_HZ);
    println!("Pink at {level} dB, 96 kHz: {at_96k:.2} LUFS");
    assert!(
        (at_96k - f64::from(level)).abs() < 1.0,
        "{at_96k} LUFS at 96 kHz"
    );
}

/// A default layer of `family` (one trigger a second, level 0 dB), alone.
fn default_layer(family: Family) -> EngineSettings {
    let mut p = quiet_params();
    p.layers[0] = LayerSettings {
        enabled: true,
        family,
        ..LayerSettings::default()
    };
    p
}

/// At its default level the bed is well under every family's default layer: at least 6 LU
/// below the quietest.
#[test]
fn the_default_bed_is_well_below_a_default_layer() {
    let bed = render(&bed_params(BedKind::Pink, DEFAULT_BED_LEVEL_DB), 20.0);
    let skip = (3.0 * FS) as usize;
    let bed_lufs = integrated_lufs(&bed.0[skip..], &bed.1[skip..], RATE_HZ);
    println!("default bed (pink, {DEFAULT_BED_LEVEL_DB} dB): {bed_lufs:.1} LUFS");
    let mut quietest = f64::INFINITY;
    // The Sample family has no sound of its own (it plays the user's files).
    for &family in Family::ALL.iter().filter(|f| **f != Family::Sample) {
        let (l, r) = render(&default_layer(family), 20.0);
        let layer_lufs = integrated_lufs(&l, &r, RATE_HZ);
        println!("default {family:?} layer: {layer_lufs:.1} LUFS");
        quietest = quietest.min(layer_lufs);
    }
    assert!(
        bed_lufs < quietest - 6.0,
        "bed {bed_lufs} LUFS against the quietest layer's {quietest} LUFS"
    );
}

/// RMS (dB) of consecutive windows of `window` samples.
fn envelope_db(left: &[f32], right: &[f32], window: usize) -> Vec<f64> {
    (0..left.len() / window)
        .map(|w| {
            let range = w * window..(w + 1) * window;
            stereo_rms_db(&left[range.clone()], &right[range])
        })
        .collect()
}

/// Largest change between neighbouring windows of an envelope (dB).
fn largest_jump_db(envelope: &[f64]) -> f64 {
    envelope
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f64::max)
}

/// Switching the kind crossfades and changing the level glides: the 50 ms envelope never
/// jumps more than the steady noise's own fluctuation does (plus 1 dB), and the per-sample
/// gain of a level change (same noise, so the ratio to a steady render) moves at most one glide
/// step per sample.
#[test]
fn switching_the_bed_never_steps() {
    let kinds = [
        BedKind::Pink,
        BedKind::Rain,
        BedKind::Air,
        BedKind::Brown,
        BedKind::Off,
        BedKind::Rain,
    ];
    let start = bed_params(kinds[0], -30.0);
    let switch_every = (1.5 * FS) as usize;
    let (l, r) = render_with(&mut engine(&start), 9.0, |engine, at| {
        let step = at / switch_every;
        if at % switch_every < BLOCK && step < kinds.len() {
            engine.set_settings(&bed_params(kinds[step], -30.0));
        }
    });
    let window = (0.05 * FS) as usize;
    let skip = (2.5 * FS) as usize / window;
    let switching = largest_jump_db(&envelope_db(&l, &r, window)[skip..]);
    let mut steady = 0.0f64;
    for kind in [BedKind::Pink, BedKind::Rain, BedKind::Air, BedKind::Brown] {
        let (l, r) = render(&bed_params(kind, -30.0), 9.0);
        steady = steady.max(largest_jump_db(&envelope_db(&l, &r, window)[skip..]));
    }
    println!("largest 50 ms envelope jump: {switching:.2} dB switching, {steady:.2} dB steady");
    assert!(
        switching < steady + 1.0,
        "{switching} dB against {steady} dB"
    );

    // Level jumps of 48 dB both ways on the same noise.
    let steady = render(&bed_params(BedKind::Pink, -12.0), 3.0);
    let (l, _) = render_with(
        &mut engine(&bed_params(BedKind::Pink, -12.0)),
        3.0,
        |engine, at| {
            let level = if (FS as usize..2 * FS as usize).contains(&at) {
                -60.0
            } else {
                -12.0
            };
            engine.set_settings(&bed_params(BedKind::Pink, level));
        },
    );
    let (top, bottom) = (10f64.powf(-12.0 / 20.0), 10f64.powf(-60.0 / 20.0));
    let glide_step = (top - bottom) / (tingle::engine::bed::LEVEL_GLIDE_S as f64 * f64::from(FS));
    // The gain at the samples where the steady render is large enough to divide by.
    let gains: Vec<(usize, f64)> = l
        .iter()
        .zip(&steady.0)
        .enumerate()
        .filter(|(_, (_, s))| s.abs() > 1e-3)
        .map(|(i, (&v, &s))| (i, f64::from(v) / f64::from(s) * top))
        .collect();
    let fastest = gains
        .windows(2)
        .map(|w| (w[1].1 - w[0].1).abs() / (w[1].0 - w[0].0) as f64)
        .fold(0.0, f64::max);
    println!(
        "level glide: fastest gain change {fastest:.2e} per sample (one glide step {glide_step:.2e})"
    );
    assert!(fastest < 1.01 * glide_step, "{fastest} per sample");
}

/// The air moves, but slowly: its level over 400 ms windows wanders by a few dB over half a
/// minute and never changes by more than 1.5 dB from one window to the next (no gusts); the
/// rain's fluctuations are dense and tiny, so over 400 ms windows it holds within 1 dB.
#[test]
fn the_air_moves_slowly_and_the_rain_is_even() {
    let window = (0.4 * FS) as usize;
    let skip = (3.0 * FS) as usize / window;
    for (kind, least_range, most_range) in [(BedKind::Air, 1.0, 8.0), (BedKind::Rain, 0.0, 1.0)] {
        let (l, r) = render(&bed_params(kind, -30.0), 33.0);
        let envelope = &envelope_db(&l, &r, window)[skip..];
        let jump = largest_jump_db(envelope);
        let (lo, hi) = envelope
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        println!(
            "{kind:?}: 400 ms level within {:.2} dB over 30 s, largest step {jump:.2} dB",
            hi - lo
        );
        assert!(jump < 1.5, "{kind:?}: {jump} dB");
        assert!(
            (least_range..most_range).contains(&(hi - lo)),
            "{kind:?}: range {} dB",
            hi - lo
        );
    }
}

/// The same seed gives the same bed bit for bit; another seed another one.
#[test]
fn the_bed_is_deterministic_per_seed() {
    let p = bed_params(BedKind::Rain, -30.0);
    let a = render(&p, 2.0);
    assert_eq!(a, render(&p, 2.0));
    let b = render(&EngineSettings { seed: 2, ..p }, 2.0);
    assert_ne!(a.0, b.0);
}

/// A steady tone as the input, left as it is (mix 0 %, limiter off): the output is the
/// timer's gain times the tone.
fn tone_through(
    engine: &mut Engine,
    seconds: f32,
    before_block: impl FnMut(&mut Engine, usize),
) -> (Vec<f32>, Vec<f32>) {
    let len = (seconds * FS) as usize;
    let tone: Vec<f32> = (0..len)
        .map(|i| 0.1 * (std::f32::consts::TAU * 1000.0 * i as f32 / FS).sin())
        .collect();
    let mut left = tone.clone();
    let mut right = vec![0.0; len];
    process_in_blocks(
        engine,
        &mut left,
        &mut right,
        BLOCK,
        InputChannels::Mono,
        before_block,
    );
    let gains = left
        .iter()
        .zip(&tone)
        .map(|(&y, &x)| if x.abs() > 0.02 { y / x } else { f32::NAN })
        .collect();
    (left, gains)
}

/// Parameters passing the mono input through unchanged, with the session timer set.
fn timed(length_s: f32, fade_s: f32) -> EngineSettings {
    let mut p = quiet_params();
    p.input.mix = 0.0;
    p.master.timer = TimerSettings {
        enabled: true,
        length_s,
        fade_s,
    };
    p
}

/// Standalone and renderer (no host position): the engine counts its samples; the output
/// follows the raised cosine to exactly zero at the set time, never changing faster than the
/// curve's steepest slope allows, and is silent after it.
#[test]
fn the_timer_fades_to_silence_at_the_set_time_without_a_step() {
    let (length, fade) = (60.0f32, 10.0f32);
    let p = timed(length, fade);
    let mut engine = engine(&p);
    let (out, gains) = tone_through(&mut engine, length + 2.0, |_, _| {});
    let at = |s: f32| (s * FS) as usize;
    let settings = p.master.timer;
    let mut worst_curve = 0.0f32;
    let mut steepest = 0.0f32;
    let mut last: Option<(usize, f32)> = None;
    for (i, &g) in gains.iter().enumerate() {
        if g.is_nan() {
            continue;
        }
        let want = settings.gain_at(i as f64 / f64::from(FS));
        worst_curve = worst_curve.max((g - want).abs());
        if let Some((j, prev)) = last {
            steepest = steepest.max((g - prev).abs() / (i - j) as f32);
        }
        last = Some((i, g));
    }
    // The raised cosine's steepest slope, at the middle of the fade.
    let max_slope = std::f32::consts::PI / 2.0 / (fade * FS);
    println!(
        "timer: gain off the raised cosine by at most {worst_curve:.2e}, steepest change \
         {steepest:.2e} per sample (the curve's steepest: {max_slope:.2e})"
    );
    assert!(worst_curve < 1e-4, "{worst_curve}");
    assert!(steepest < 1.05 * max_slope, "{steepest}");
    assert!(
        gains[..at(length - fade)]
            .iter()
            .all(|g| g.is_nan() || *g == 1.0)
    );
    assert!(out[at(length)..].iter().all(|&v| v == 0.0), "silent after");
    assert_eq!(engine.timer_remaining_s(), Some(0.0));
}

/// In a DAW the timer follows the song position: relocating past the end glides down within
/// the glide time, relocating back glides up again, and a stopped transport holds the time.
#[test]
fn the_timer_follows_the_song_position() {
    let (length, fade) = (60.0f32, 10.0f32);
    let mut engine = engine(&timed(length, fade));
    let transport = |seconds: f64, playing: bool| Transport {
        playing,
        position_seconds: Some(seconds),
        ..Transport::default()
    };
    let block_s = BLOCK as f64 / f64::from(FS);
    // Play from 20 s, relocate to 70 s after 0.5 s, back to 30 s after 1 s, stop at 1.5 s.
    let (_, gains) = tone_through(&mut engine, 2.0, |engine, at| {
        let t = at as f64 / f64::from(FS);
        // A stopped host reports the position where it stopped.
        let song = t.min(1.5);
        let position = if t < 0.5 {
            20.0 + song
        } else if t < 1.0 {
            70.0 + song
        } else {
            30.0 + song
        };
        engine.set_transport(&transport(position, t < 1.5));
    });
    let at = |s: f32| (s * FS) as usize;
    let glide = at(GLIDE_S);
    let measured = |range: std::ops::Range<usize>| {
        gains[range]
            .iter()
            .copied()
            .filter(|g| !g.is_nan())
            .collect::<Vec<_>>()
    };
    let relocation = at(0.5).next_multiple_of(BLOCK);
    assert!(measured(0..relocation).iter().all(|&g| g == 1.0));
    let down = measured(relocation..relocation + glide + BLOCK);
    assert_eq!(*down.last().expect("samples"), 0.0, "down within the glide");
    // Per sample, between the samples where the tone is large enough to measure the gain.
    let steepest = (relocation..relocation + glide + BLOCK)
        .filter(|&i| !gains[i].is_nan())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| (gains[w[1]] - gains[w[0]]).abs() / (w[1] - w[0]) as f32)
        .fold(0.0, f32::max);
    let glide_step = 1.0 / (GLIDE_S * FS);
    println!(
        "relocation: steepest gain change {steepest:.2e} per sample (glide: {glide_step:.2e})"
    );
    assert!(steepest < 1.05 * glide_step, "{steepest}");
    let back = at(1.0).next_multiple_of(BLOCK);
    assert!(
        measured(back + glide + BLOCK..at(2.0))
            .iter()
            .all(|&g| g == 1.0)
    );
    let remaining = engine.timer_remaining_s().expect("on");
    assert!(
        (f64::from(remaining) - (60.0 - 31.5)).abs() < block_s,
        "stopped at 31.5 s: {remaining} s left"
    );
}

/// Notes sent while the session has ended (a MIDI clip playing on in a DAW) are dropped, so
/// none waits to burst out when the playhead moves back into the session.
#[test]
fn notes_after_the_end_do_not_burst_out_on_return() {
    let mut p = timed(60.0, 10.0);
    p.layers[0] = taps(None, 0.0, 60);
    let mut engine = engine(&p);
    let at = |seconds: f64| Transport {
        playing: true,
        position_seconds: Some(seconds),
        ..Transport::default()
    };
    let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
    engine.set_transport(&at(70.0));
    for _ in 0..100 {
        engine.note_on(0, 60, 1.0);
        engine.process(&mut left, &mut right, InputChannels::None);
    }
    assert!(left.iter().all(|&v| v == 0.0), "silent after the end");
    engine.set_transport(&at(10.0));
    engine.process(&mut left, &mut right, InputChannels::None);
    assert_eq!(engine.active_voices()[0], 0, "no queued trigger fired");
}

/// The editor learns the time left through the meters while it listens.
#[test]
fn the_time_left_reaches_the_editor() {
    let (sender, receiver) = telemetry();
    let mut engine = engine(&timed(60.0, 10.0));
    engine.set_telemetry(sender);
    receiver.meters.set_listening(true);
    tone_through(&mut engine, 1.0, |_, _| {});
    let left = receiver
        .meters
        .timer_remaining_s
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!((left - 59.0).abs() < 0.02, "{left} s left");
}

/// A layer of Tap triggers with exact timing and level: `rate` per second (`None`: MIDI
/// only), at `level_db`, on MIDI note `note`.
fn taps(rate: Option<f32>, level_db: f32, note: u8) -> LayerSettings {
    LayerSettings {
        enabled: true,
        family: Family::Tap,
        level_db,
        midi_note: note,
        rhythm: exact_rhythm(rate.map(RhythmRate::PerSecond)),
        ..LayerSettings::default()
    }
}

/// Largest mean-square level over 10 ms windows (dB) in `range`, and the sample peak (dBFS).
fn hit_levels(left: &[f32], right: &[f32], range: std::ops::Range<usize>) -> (f64, f64) {
    let window = (0.01 * FS) as usize;
    let fastest = (range.start..range.end - window)
        .step_by(window / 10)
        .map(|i| stereo_rms_db(&left[i..i + window], &right[i..i + window]))
        .fold(f64::NEG_INFINITY, f64::max);
    let peak = range
        .map(|i| left[i].abs().max(right[i].abs()))
        .fold(0.0f32, f32::max);
    (fastest, 20.0 * f64::from(peak).log10())
}

/// Gentle mode: after seconds of soft taps (12 a second), one tap 30 dB louder. With gentle
/// mode on, its 10 ms level stays within 12 dB (+1.5 dB: the millisecond attack lets the
/// first samples through) of the soft taps' 10 ms level before it, and the soft taps pass
/// untouched; off, it is 30 dB louder than the soft taps. Zero latency: gentle mode changes
/// nothing before the hit's first sample.
#[test]
fn gentle_mode_holds_a_loud_hit_near_the_running_level() {
    let hit_note = 70;
    let mut p = quiet_params();
    // Soft taps with a running level above gentle mode's floor, and a tap 30 dB louder.
    p.layers[0] = taps(Some(12.0), -6.0, 60);
    p.layers[1] = taps(None, 24.0, hit_note);
    let hit_at = (8.0 * FS) as usize;
    let run = |gentle: bool| {
        let mut with = p;
        with.master.gentle = gentle;
        render_with(&mut engine(&with), 8.5, |engine, at| {
            if at == hit_at {
                engine.note_on(0, hit_note, 1.0);
            }
        })
    };
    let (on, off) = (run(true), run(false));
    let before = hit_at - (3.0 * FS) as usize..hit_at;
    let hit = hit_at..hit_at + (0.2 * FS) as usize;
    let (running_off, running_on) = (
        stereo_rms_db(&off.0[before.clone()], &off.1[before.clone()]),
        stereo_rms_db(&on.0[before.clone()], &on.1[before.clone()]),
    );
    let (soft_off, soft_on) = (
        hit_levels(&off.0, &off.1, before.clone()),
        hit_levels(&on.0, &on.1, before.clone()),
    );
    let (loud_off, peak_off) = hit_levels(&off.0, &off.1, hit.clone());
    let (loud_on, peak_on) = hit_levels(&on.0, &on.1, hit.clone());
    println!(
        "running level {running_off:.1} dB off, {running_on:.1} dB gentle; soft taps: 10 ms \
         level {:.1} -> {:.1} dB, peak {:.1} -> {:.1} dBFS",
        soft_off.0, soft_on.0, soft_off.1, soft_on.1
    );
    println!(
        "loud tap: off {loud_off:.1} dB (peak {peak_off:.1} dBFS), gentle {loud_on:.1} dB \
         (peak {peak_on:.1} dBFS): {:.1} dB above the soft taps",
        loud_on - soft_on.0
    );
    assert!(loud_off - soft_off.0 > 27.0, "the hit is 30 dB louder");
    assert!(loud_off - running_off > 25.0, "off, the hit is not limited");
    assert!(
        loud_on - soft_on.0 < 12.0 + 1.5,
        "gentle: {loud_on} dB against soft taps at {} dB",
        soft_on.0
    );
    assert!(
        (soft_on.0 - soft_off.0).abs() < 0.1,
        "the soft taps pass untouched"
    );
    // No latency: the output changes first where the hit starts, not before.
    let first_change = (hit_at..hit.end)
        .find(|&i| (on.0[i] - off.0[i]).abs() > 0.5 * (on.0[i - 1] - off.0[i - 1]).abs() + 1e-4)
        .expect("gentle acts");
    let first_sound = (hit_at..hit.end)
        .find(|&i| (off.0[i] - off.0[i - 1]).abs() > 1e-2)
        .expect("hit");
    println!("hit starts at sample {first_sound}, gentle mode acts from {first_change}");
    assert!(first_change >= first_sound);
}

/// Gentle mode adds no latency and leaves material under its bound alone: an impulse comes
/// out at the same sample, bit for bit, and so does a steady tone once the running level has
/// found it.
#[test]
fn gentle_mode_adds_no_latency() {
    let run = |gentle: bool, input: &[f32]| {
        let mut p = quiet_params();
        p.input.mix = 0.0;
        p.master.gentle = gentle;
        let mut engine = engine(&p);
        let mut left = input.to_vec();
        let mut right = vec![0.0; input.len()];
        for (a, b) in left.chunks_mut(BLOCK).zip(right.chunks_mut(BLOCK)) {
            engine.process(a, b, InputChannels::Mono);
        }
        left
    };
    let mut impulse = vec![0.0; 4800];
    impulse[1000] = 0.01;
    assert_eq!(run(true, &impulse), impulse);
    let tone: Vec<f32> = (0..(3.0 * FS) as usize)
        .map(|i| 0.1 * (std::f32::consts::TAU * 440.0 * i as f32 / FS).sin())
        .collect();
    let warm = FS as usize;
    assert_eq!(run(true, &tone)[warm..], tone[warm..]);
}

/// When the loud burst of [`gentle_mode_holds_a_burst_over_every_default_layer`] starts (s).
const BURST_AT_S: f32 = 2.0;
/// Length of that burst (s).
const BURST_S: f32 = 0.05;
/// Peak amplitude of that burst's white noise (linear; +12 dBFS: the limiter is off here), far
/// above every family's default triggers (the loudest, Tone's, reach -12 dB over 10 ms).
const BURST_AMPLITUDE: f32 = 4.0;
/// Seed of that burst's noise.
const BURST_SEED: u32 = 0xB0_0B5;
/// How far past [`MAX_JUMP_DB`] gentle mode may let a hit's 10 ms level come (dB): its
/// millisecond attack lets a hit's first samples through.
const ATTACK_ALLOWANCE_DB: f64 = 1.5;
/// How much gentle mode may change the loudest 10 ms of a default layer's ordinary triggers
/// (dB): it holds the jumps above what was heard, not triggers as loud as the ones before.
const ORDINARY_TRIGGER_CHANGE_DB: f64 = 1.0;

/// Renders `params` for [`BURST_AT_S`] plus a tenth of a second with a white-noise burst of
/// [`BURST_AMPLITUDE`] in the (dry, mix 0 %) mono input from [`BURST_AT_S`].
fn with_a_burst(params: &EngineSettings) -> (Vec<f32>, Vec<f32>) {
    let mut p = *params;
    p.input.mix = 0.0;
    let len = ((BURST_AT_S + 0.1) * FS) as usize;
    let start = (BURST_AT_S * FS) as usize;
    let mut left = vec![0.0; len];
    let burst = white_noise((BURST_S * FS) as usize, BURST_AMPLITUDE, BURST_SEED);
    left[start..start + burst.len()].copy_from_slice(&burst);
    let mut right = vec![0.0; len];
    process_in_blocks(
        &mut engine(&p),
        &mut left,
        &mut right,
        BLOCK,
        InputChannels::Mono,
        |_, _| {},
    );
    (left, right)
}

/// Gentle mode on each family's default layer (one trigger a second): a white-noise burst far
/// louder than the triggers comes, with gentle mode off, more than [`MAX_JUMP_DB`] + 4 dB
/// above the loudest 10 ms of the second before it; with gentle mode on, at most
/// [`MAX_JUMP_DB`] (+ [`ATTACK_ALLOWANCE_DB`]) above it. The ordinary triggers of that second
/// pass within [`ORDINARY_TRIGGER_CHANGE_DB`].
#[test]
fn gentle_mode_holds_a_burst_over_every_default_layer() {
    let jump = f64::from(MAX_JUMP_DB);
    let at = |s: f32| (s * FS) as usize;
    let second_before = at(BURST_AT_S - 1.0)..at(BURST_AT_S);
    let burst = at(BURST_AT_S)..at(BURST_AT_S + 0.1);
    // The Sample family has no sound of its own (it plays the user's files).
    for &family in Family::ALL.iter().filter(|f| **f != Family::Sample) {
        let off = default_layer(family);
        let mut on = off;
        on.master.gentle = true;
        let [(triggers_off, burst_off), (triggers_on, burst_on)] = [off, on].map(|p| {
            let (l, r) = with_a_burst(&p);
            (
                hit_levels(&l, &r, second_before.clone()).0,
                hit_levels(&l, &r, burst.clone()).0,
            )
        });
        println!(
            "default {family:?}: triggers' 10 ms level {triggers_off:.1} dB ({triggers_on:.1} \
             dB gentle), the burst {:.1} dB above ({:.1} dB gentle)",
            burst_off - triggers_off,
            burst_on - triggers_on
        );
        assert!(
            burst_off - triggers_off > jump + 4.0,
            "{family:?}: the burst is only {} dB above the triggers",
            burst_off - triggers_off
        );
        assert!(
            burst_on - triggers_on <= jump + ATTACK_ALLOWANCE_DB,
            "{family:?}: gentle mode let the burst {} dB above the triggers",
            burst_on - triggers_on
        );
        assert!(
            (triggers_on - triggers_off).abs() < ORDINARY_TRIGGER_CHANGE_DB,
            "{family:?}: gentle mode moved ordinary triggers from {triggers_off} dB to \
             {triggers_on} dB"
        );
    }
}
