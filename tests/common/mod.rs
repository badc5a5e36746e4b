//! Measurement tools shared by the acoustic tests: render through the engine, then measure
//! delays, band levels and spectra the way docs/ARCHITECTURE.md (section 4) describes.
#![allow(dead_code)] // each test binary uses a different subset

pub mod room;

use realfft::RealFftPlanner;
use realfft::num_complex::Complex;
use std::f64::consts::{PI, TAU};
use tingle::binaural::Position;
use tingle::engine::hrtf_loader::{HrtfLoader, HrtfStatus};
use tingle::engine::input::InputSettings;
use tingle::engine::master::MasterSettings;
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineSettings, InputChannels};

/// Band (Hz) over which [`interaural_group_delay`] fits the interaural phase slope: above the
/// measurement loudspeakers' low-frequency roll-off (which cancels in the cross spectrum, but
/// leaves little energy to weigh), below the frequencies where the head's ITD falls towards its
/// high-frequency value and where listeners stop using the fine-structure ITD.
pub const ITD_FIT_BAND_HZ: (f64, f64) = (100.0, 1000.0);
/// Smallest FFT length of [`interaural_group_delay`] (zero padded): bins under 6 Hz wide at
/// 48 kHz, so the cross-spectrum phase of any head's ITD (under 1 ms) moves by under
/// 2π × 6 Hz × 1 ms ≈ 0.04 rad from one bin to the next and unwraps without ambiguity.
const ITD_MIN_FFT: usize = 8192;
/// The measured MIT KEMAR set, committed as shipped by Debian's libmysofa1 package.
pub const KEMAR_SOFA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/source/MIT_KEMAR_normal_pinna.sofa"
);

/// The raw measured KEMAR HRIR pair (left, right) at 44.1 kHz for a direction in Tingle's
/// convention (azimuth positive to the right), read straight from the SOFA file.
pub fn kemar_raw(azimuth_deg: f32, elevation_deg: f32) -> (Vec<f64>, Vec<f64>) {
    sofa_raw(KEMAR_SOFA, azimuth_deg, elevation_deg)
}

/// The raw measured HRIR pair (left, right) at the file's own rate nearest to a direction in
/// Tingle's convention, read from the SOFA file at `path` by the library's reader.
pub fn sofa_raw(path: &str, azimuth_deg: f32, elevation_deg: f32) -> (Vec<f64>, Vec<f64>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let set = tingle::binaural::sofa::read_bytes(&bytes)
        .unwrap_or_else(|e| panic!("cannot use {path}: {e}"));
    let (left, right) = set.nearest(f64::from(azimuth_deg), f64::from(elevation_deg));
    (left.to_vec(), right.to_vec())
}

/// Engine parameters for a static source at `position`, limiter off (measurement only).
pub fn static_params(position: Position) -> EngineSettings {
    EngineSettings {
        input: InputSettings {
            position,
            ..InputSettings::default()
        },
        master: MasterSettings {
            limiter: false,
            ..MasterSettings::default()
        },
        ..EngineSettings::default()
    }
}

/// A source position.
pub fn at(azimuth_deg: f32, elevation_deg: f32, distance_m: f32) -> Position {
    Position {
        azimuth_deg,
        elevation_deg,
        distance_m,
    }
}

/// A layer rhythm with exact timing and level, for measuring: `rate` (`None`: MIDI notes only),
/// no humanizing, full intensity with no variation.
pub fn exact_rhythm(rate: Option<RhythmRate>) -> RhythmSettings {
    RhythmSettings {
        rate,
        humanize: 0.0,
        intensity: 1.0,
        intensity_variation: 0.0,
        ..RhythmSettings::default()
    }
}

/// Renders a mono `input` through a fresh engine in blocks of `block` samples.
pub fn render(
    sample_rate: f32,
    params: &EngineSettings,
    input: &[f32],
    block: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut engine = Engine::new(sample_rate, block);
    engine.set_settings(params);
    engine.reset();
    let mut left = input.to_vec();
    let mut right = vec![0.0; input.len()];
    for (l, r) in left.chunks_mut(block).zip(right.chunks_mut(block)) {
        engine.process(l, r, InputChannels::Mono);
    }
    (left, right)
}

/// The binaural impulse response (left, right), `len` samples, of a static source.
pub fn impulse_response(sample_rate: f32, position: Position, len: usize) -> (Vec<f64>, Vec<f64>) {
    let mut input = vec![0.0; len];
    input[0] = 1.0;
    let (l, r) = render(sample_rate, &static_params(position), &input, 64);
    (to_f64(&l), to_f64(&r))
}

/// Widens samples to f64.
pub fn to_f64(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| f64::from(v)).collect()
}

/// Spectrum of `x` zero-padded to `len`.
pub fn spectrum(x: &[f64], len: usize) -> Vec<Complex<f64>> {
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(len);
    let mut input = vec![0.0; len];
    input[..x.len()].copy_from_slice(x);
    let mut out = fft.make_output_vec();
    fft.process(&mut input, &mut out).expect("fft");
    out
}

/// The real signal of length `len` whose spectrum (in [`spectrum`]'s layout: `len / 2 + 1`
/// bins, the first and last real) is `bins`.
pub fn inverse_spectrum(mut bins: Vec<Complex<f64>>, len: usize) -> Vec<f64> {
    let fft = RealFftPlanner::<f64>::new().plan_fft_inverse(len);
    let mut out = fft.make_output_vec();
    fft.process(&mut bins, &mut out).expect("inverse fft");
    let scale = 1.0 / len as f64;
    out.iter_mut().for_each(|v| *v *= scale);
    out
}

/// Mean power (dB) of an impulse response's spectrum between `lo` and `hi` Hz.
pub fn band_level_db(ir: &[f64], sample_rate: f64, lo: f64, hi: f64) -> f64 {
    let len = (ir.len() * 8).next_power_of_two().max(8192);
    let bin = sample_rate / len as f64;
    let spec = spectrum(ir, len);
    let band: Vec<f64> = spec
        .iter()
        .enumerate()
        .filter(|(k, _)| (lo..=hi).contains(&(*k as f64 * bin)))
        .map(|(_, c)| c.norm_sqr())
        .collect();
    10.0 * (band.iter().sum::<f64>() / band.len() as f64).log10()
}

/// Interaural level difference (dB, right minus left) in a band.
pub fn ild_db(left: &[f64], right: &[f64], sample_rate: f64, lo: f64, hi: f64) -> f64 {
    band_level_db(right, sample_rate, lo, hi) - band_level_db(left, sample_rate, lo, hi)
}

/// Interaural time difference in seconds (left ear delay minus right ear delay, so positive
/// for sources on the right) as the interaural group delay below 1 kHz: the slope of the
/// unwrapped phase of the cross spectrum `L·conj(R)` over [`ITD_FIT_BAND_HZ`] (least squares,
/// each bin weighted by the cross spectrum's magnitude), divided by -2π.
///
/// Deliberately another method than the library's: `tingle::binaural::sofa` derives the ITDs
/// it renders from the peak of a band-limited cross-correlation on an oversampled lag grid.
/// This one has no lag grid, no peak to pick and no interpolation between lags, so the tests
/// measure what the library renders with code that shares none of its faults.
///
/// `left` and `right` must hold the whole sound (an impulse response, or a burst with silence
/// on both sides): a stretch cut out of a steady tone has a cross spectrum with no phase slope.
pub fn interaural_group_delay(left: &[f64], right: &[f64], sample_rate: f64) -> f64 {
    let len = (left.len() + right.len())
        .next_power_of_two()
        .max(ITD_MIN_FFT);
    let (l, r) = (spectrum(left, len), spectrum(right, len));
    let bin_hz = sample_rate / len as f64;
    let (lo, hi) = ITD_FIT_BAND_HZ;
    // (frequency in Hz, unwrapped phase in radians, weight) per bin of the band.
    let mut points: Vec<(f64, f64, f64)> = Vec::new();
    let (mut unwrapped, mut last_phase): (f64, Option<f64>) = (0.0, None);
    for k in (lo / bin_hz).ceil() as usize..=(hi / bin_hz).floor() as usize {
        let cross = l[k] * r[k].conj();
        let phase = cross.arg();
        unwrapped += match last_phase {
            Some(last) => (phase - last + PI).rem_euclid(TAU) - PI,
            None => phase,
        };
        last_phase = Some(phase);
        points.push((k as f64 * bin_hz, unwrapped, cross.norm()));
    }
    let total: f64 = points.iter().map(|&(_, _, w)| w).sum();
    let mean = |value: fn(&(f64, f64, f64)) -> f64| {
        points.iter().map(|p| p.2 * value(p)).sum::<f64>() / total
    };
    let (mean_hz, mean_phase) = (mean(|p| p.0), mean(|p| p.1));
    let (covariance, variance) = points.iter().fold((0.0, 0.0), |(c, v), &(hz, phase, w)| {
        (
            c + w * (hz - mean_hz) * (phase - mean_phase),
            v + w * (hz - mean_hz).powi(2),
        )
    });
    -(covariance / variance) / TAU
}

/// Mean square below which the dB helpers read silence (full scale 1): -300 dB, not minus
/// infinity, so that levels of silent stretches still compare and subtract.
const SILENT_MEAN_SQUARE: f64 = 1e-30;

/// Mean square of `samples` (full scale 1), over as many as there are (0 for none).
fn mean_square<'a>(samples: impl Iterator<Item = &'a f32>) -> f64 {
    let (sum, count) = samples.fold((0.0, 0usize), |(sum, count), &v| {
        (sum + f64::from(v) * f64::from(v), count + 1)
    });
    sum / count.max(1) as f64
}

/// A mean square (full scale 1) in dB re full scale, floored at [`SILENT_MEAN_SQUARE`].
fn mean_square_db(mean_square: f64) -> f64 {
    10.0 * mean_square.max(SILENT_MEAN_SQUARE).log10()
}

/// Root mean square of `x` (linear, full scale 1).
pub fn rms(x: &[f32]) -> f32 {
    mean_square(x.iter()).sqrt() as f32
}

/// RMS level of `x` in dB re full scale (a full-scale square wave reads 0 dB, a full-scale
/// sine -3 dB); silence reads -300 dB.
pub fn rms_db(x: &[f32]) -> f64 {
    mean_square_db(mean_square(x.iter()))
}

/// RMS of two channels taken together (linear, full scale 1): the square root of the mean of
/// every left and right sample squared.
pub fn stereo_rms(left: &[f32], right: &[f32]) -> f64 {
    mean_square(left.iter().chain(right)).sqrt()
}

/// [`stereo_rms`] in dB re full scale; silence reads -300 dB.
pub fn stereo_rms_db(left: &[f32], right: &[f32]) -> f64 {
    mean_square_db(mean_square(left.iter().chain(right)))
}

/// Largest sample magnitude of `x` (linear, full scale 1).
pub fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Integrated loudness (LUFS: EBU R 128, ITU-R BS.1770 gating) of a stereo signal at
/// `sample_rate` (Hz), by the `ebur128` crate; minus infinity for silence.
pub fn integrated_lufs(left: &[f32], right: &[f32], sample_rate: u32) -> f64 {
    let mut meter = ebur128::EbuR128::new(2, sample_rate, ebur128::Mode::I).expect("meter");
    meter.add_frames_planar_f32(&[left, right]).expect("frames");
    meter.loudness_global().expect("loudness")
}

/// `len` samples of repeatable white noise, uniform in [-`amplitude`, `amplitude`), from an
/// xorshift32 generator started at `seed` (not 0).
pub fn white_noise(len: usize, amplitude: f32, seed: u32) -> Vec<f32> {
    /// 2^-23: maps the generator's top 24 bits exactly onto [0, 2).
    const TOP_24_BITS_TO_TWO: f32 = 1.0 / (1u32 << 23) as f32;
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            amplitude * ((state >> 8) as f32 * TOP_24_BITS_TO_TWO - 1.0)
        })
        .collect()
}

/// Runs the `tingle-render` binary cargo built for these tests with `args`; returns its exit
/// status and output.
pub fn tingle_render(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tingle-render"))
        .args(args)
        .output()
        .expect("run tingle-render")
}

/// Asserts that a [`tingle_render`] run succeeded, showing its error messages if not.
pub fn assert_rendered(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "tingle-render failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Longest wait for a background HRTF load (s); loads take about a second.
const HRTF_LOAD_TIMEOUT_S: u64 = 120;
/// How often [`hrtf_settled`] looks at the loader (ms).
const HRTF_POLL_MS: u64 = 20;

/// Waits (up to [`HRTF_LOAD_TIMEOUT_S`]) until `loader` has finished its request, and returns
/// its status then.
pub fn hrtf_settled(loader: &HrtfLoader) -> HrtfStatus {
    let start = std::time::Instant::now();
    loop {
        let status = loader.status();
        if status.loading.is_none() {
            return status;
        }
        assert!(
            start.elapsed().as_secs() < HRTF_LOAD_TIMEOUT_S,
            "loading never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(HRTF_POLL_MS));
    }
}

/// A 4-term Blackman-Harris window (sidelobes below -92 dB).
pub fn blackman_harris(len: usize) -> Vec<f64> {
    let a = [0.35875, 0.48829, 0.14128, 0.01168];
    (0..len)
        .map(|n| {
            let p = std::f64::consts::TAU * n as f64 / (len - 1) as f64;
            a[0] - a[1] * p.cos() + a[2] * (2.0 * p).cos() - a[3] * (3.0 * p).cos()
        })
        .collect()
}

/// Energy of `x` outside `centre +/- half_width` Hz relative to the energy inside (dB), over a
/// Blackman-Harris window: how far spurious content sits below a tone.
pub fn out_of_band_db(x: &[f32], sample_rate: f64, centre: f64, half_width: f64) -> f64 {
    let w = blackman_harris(x.len());
    let windowed: Vec<f64> = x.iter().zip(&w).map(|(&v, &w)| f64::from(v) * w).collect();
    let spec = spectrum(&windowed, x.len());
    let bin = sample_rate / x.len() as f64;
    let (mut inside, mut outside) = (0.0, 0.0);
    for (k, c) in spec.iter().enumerate() {
        if ((k as f64 * bin) - centre).abs() <= half_width {
            inside += c.norm_sqr();
        } else {
            outside += c.norm_sqr();
        }
    }
    10.0 * (outside / inside).log10()
}

/// Processes `left` and `right` in place through `engine` in blocks of up to `block` samples,
/// calling `before_block` (with the block's first sample) before each, as a host would.
pub fn process_in_blocks(
    engine: &mut Engine,
    left: &mut [f32],
    right: &mut [f32],
    block: usize,
    input: InputChannels,
    mut before_block: impl FnMut(&mut Engine, usize),
) {
    let len = left.len().min(right.len());
    let mut start = 0;
    while start < len {
        let end = (start + block).min(len);
        before_block(engine, start);
        engine.process(&mut left[start..end], &mut right[start..end], input);
        start = end;
    }
}

/// `x` through a fourth-order Butterworth high-pass at `corner` Hz: what is left of a tone well
/// below `corner` is the clicks and steps around it.
pub fn high_passed(x: &[f32], corner: f32, sample_rate: f32) -> Vec<f32> {
    /// The Q of the two sections of a fourth-order Butterworth filter.
    const BUTTERWORTH_4_Q: [f32; 2] = [0.54, 1.31];
    let mut sections =
        BUTTERWORTH_4_Q.map(|q| tingle::dsp::biquad::Biquad::highpass(corner, q, sample_rate));
    x.iter()
        .map(|&v| sections.iter_mut().fold(v, |y, f| f.process(y)))
        .collect()
}

/// Sample indices where sound starts: the first sample above `threshold` (linear) after at
/// least `gap` samples at or below it.
pub fn sound_starts(x: &[f32], threshold: f32, gap: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut quiet = gap;
    for (i, v) in x.iter().enumerate() {
        if v.abs() > threshold {
            if quiet >= gap {
                starts.push(i);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    starts
}

/// Frequency (Hz) of the sine in `x` at `sample_rate` (Hz), from its zero crossings.
pub fn zero_crossing_hz(x: &[f32], sample_rate: f32) -> f32 {
    let crossings = x
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (x.len() as f32 / sample_rate)
}
