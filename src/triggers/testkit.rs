//! For the family tests: excitations, renders, the checks every family must pass (determinism,
//! a clean ending) and measurements on rendered trigger sounds: levels, envelopes, onsets,
//! spectra, autocorrelation and decay times.

use realfft::RealFftPlanner;

use super::sound::{Excitation, TriggerSound};
use crate::dsp::math::db_to_gain;

/// Sample rate (Hz) of the family tests.
pub const FS: f32 = 48_000.0;

/// Block size (samples) of [`render`].
const BLOCK: usize = 64;

/// A trigger of `variant` with the `character` controls and `seed`, at full intensity.
pub fn excitation(variant: usize, character: [f32; 4], seed: u64) -> Excitation {
    Excitation {
        variant,
        character,
        intensity: 1.0,
        seed,
        interval_s: 0.0,
    }
}

/// Renders one trigger of `S` for `seconds` at `sample_rate` in blocks of `block` samples.
pub fn render_in_blocks<S: TriggerSound>(
    sample_rate: f32,
    excitation: &Excitation,
    seconds: f32,
    block: usize,
) -> Vec<f32> {
    let mut sound = S::new(sample_rate);
    sound.start(excitation);
    let mut out = vec![0.0; (seconds * sample_rate) as usize];
    for chunk in out.chunks_mut(block) {
        sound.add_to(chunk);
    }
    out
}

/// Renders one trigger of `S` for `seconds` at `sample_rate` in 64-sample blocks.
pub fn render<S: TriggerSound>(
    sample_rate: f32,
    excitation: &Excitation,
    seconds: f32,
) -> Vec<f32> {
    render_in_blocks::<S>(sample_rate, excitation, seconds, BLOCK)
}

/// Checks that a trigger depends on its seed alone: `e` rendered for `seconds` at [`FS`] in
/// 64-sample blocks and again in blocks of `block` samples (the host may split its buffers
/// any way) is the same bit for bit, and the next seed sounds different. Returns the two
/// renders: this seed's and the next seed's.
pub fn assert_deterministic<S: TriggerSound>(
    e: &Excitation,
    seconds: f32,
    block: usize,
) -> (Vec<f32>, Vec<f32>) {
    let a = render::<S>(FS, e, seconds);
    let again = render_in_blocks::<S>(FS, e, seconds, block);
    assert!(
        a.len() == again.len()
            && a.iter()
                .zip(&again)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
        "the same seed in {block}-sample blocks differs"
    );
    let next = Excitation {
        seed: e.seed + 1,
        ..*e
    };
    let b = render::<S>(FS, &next, seconds);
    assert_ne!(a, b, "another seed sounds the same");
    (a, b)
}

/// Plays `e` at [`FS`] in blocks of `block` samples until `add_to` says it has finished, which
/// must happen within `max_seconds`; then checks that a finished sound keeps returning `false`
/// and adds nothing. Returns all that was rendered, the last block included.
pub fn assert_finishes_silent<S: TriggerSound>(
    e: &Excitation,
    max_seconds: f32,
    block: usize,
) -> Vec<f32> {
    let mut sound = S::new(FS);
    sound.start(e);
    let limit = (max_seconds * FS) as usize;
    let mut x = Vec::new();
    let mut out = vec![0.0f32; block];
    while sound.add_to(&mut out) {
        x.extend_from_slice(&out);
        out.fill(0.0);
        assert!(x.len() < limit, "never ends");
    }
    x.extend_from_slice(&out);
    let mut after = [0.0f32; BLOCK];
    assert!(!sound.add_to(&mut after), "plays on after the end");
    assert!(
        after.iter().all(|&v| v == 0.0),
        "adds nothing after the end"
    );
    x
}

/// Largest magnitude.
pub fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// Root-mean-square level.
pub fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

/// RMS envelope in hops of `hop` samples.
pub fn envelope(x: &[f32], hop: usize) -> Vec<f32> {
    x.chunks(hop).map(rms).collect()
}

/// Power spectrum (`len / 2 + 1` bins) of `x` zero-padded to a power of two, Hann windowed.
pub fn power_spectrum(x: &[f32]) -> Vec<f64> {
    let len = x.len().next_power_of_two().max(2);
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(len);
    let mut input = vec![0.0f64; len];
    for (i, (o, &v)) in input.iter_mut().zip(x).enumerate() {
        let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / x.len() as f64).cos();
        *o = f64::from(v) * w;
    }
    let mut out = fft.make_output_vec();
    fft.process(&mut input, &mut out).expect("fft");
    out.iter().map(|c| c.norm_sqr()).collect()
}

/// Sum of the bins of `spectrum` (of [`power_spectrum`] at `sample_rate`) from `low` to `high` Hz.
fn band(spectrum: &[f64], sample_rate: f32, low: f32, high: f32) -> f64 {
    let bin_hz = sample_rate / (2 * (spectrum.len() - 1)) as f32;
    spectrum[(low / bin_hz) as usize..(high / bin_hz) as usize]
        .iter()
        .sum()
}

/// Power of `x` between `low` and `high` Hz (the units of [`power_spectrum`]).
pub fn band_power(x: &[f32], sample_rate: f32, low: f32, high: f32) -> f64 {
    band(&power_spectrum(x), sample_rate, low, high)
}

/// Share of the power of `x` between `low` and `high` Hz.
pub fn band_share(x: &[f32], sample_rate: f32, low: f32, high: f32) -> f64 {
    let spectrum = power_spectrum(x);
    band(&spectrum, sample_rate, low, high) / spectrum.iter().sum::<f64>()
}

/// Spectral centroid (Hz) of `x`.
pub fn spectral_centroid(x: &[f32], sample_rate: f32) -> f32 {
    let p = power_spectrum(x);
    let bin = f64::from(sample_rate) / (2 * (p.len() - 1)) as f64;
    let total: f64 = p.iter().sum();
    (p.iter()
        .enumerate()
        .map(|(k, v)| k as f64 * bin * v)
        .sum::<f64>()
        / total.max(1e-30)) as f32
}

/// Onset sample positions: where the 1 ms RMS envelope rises more than `rise_db` above the
/// lowest value of the previous `lookback_ms`, at least `min_gap_ms` after the last onset.
pub fn onsets(
    x: &[f32],
    sample_rate: f32,
    rise_db: f32,
    lookback_ms: f32,
    min_gap_ms: f32,
) -> Vec<usize> {
    let hop = ((sample_rate / 1000.0) as usize).max(1);
    let env = envelope(x, hop);
    let back = ((lookback_ms / 1000.0 * sample_rate) as usize / hop).max(1);
    let gap = (min_gap_ms / 1000.0 * sample_rate) as usize / hop;
    let ratio = db_to_gain(rise_db);
    let mut found = Vec::new();
    let mut last: Option<usize> = None;
    for i in 1..env.len() {
        let floor = env[i.saturating_sub(back)..i]
            .iter()
            .fold(f32::MAX, |m, &v| m.min(v));
        let ready = last.is_none_or(|l| i >= l + gap.max(1));
        if ready && env[i] > 1e-6 && env[i] > ratio * floor.max(1e-9) {
            found.push(i * hop);
            last = Some(i);
        }
    }
    found
}

/// Normalised autocorrelation of `x` at lags `0..=max_lag` (1 at lag 0).
pub fn autocorrelation(x: &[f32], max_lag: usize) -> Vec<f32> {
    let energy: f64 = x.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
    (0..=max_lag)
        .map(|lag| {
            let sum: f64 = x
                .iter()
                .zip(&x[lag.min(x.len())..])
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            (sum / energy.max(1e-30)) as f32
        })
        .collect()
}

/// Decay time T60 (s) from Schroeder backward integration: the slope fitted between -5 and
/// -25 dB, extrapolated to 60 dB.
pub fn t60(x: &[f32], sample_rate: f32) -> f32 {
    let mut tail = vec![0.0f64; x.len()];
    let mut acc = 0.0;
    for i in (0..x.len()).rev() {
        acc += f64::from(x[i]) * f64::from(x[i]);
        tail[i] = acc;
    }
    let total = tail[0].max(1e-30);
    let db = |i: usize| 10.0 * (tail[i] / total).log10();
    let start = (0..x.len()).find(|&i| db(i) <= -5.0).unwrap_or(0);
    let end = (0..x.len())
        .find(|&i| db(i) <= -25.0)
        .unwrap_or(x.len() - 1);
    let seconds = (end - start) as f32 / sample_rate;
    seconds * 3.0
}
