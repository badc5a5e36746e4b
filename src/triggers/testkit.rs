//! Measurements on rendered trigger sounds, for the family tests: levels, envelopes, onsets,
//! spectra, autocorrelation and decay times.

use realfft::RealFftPlanner;

use super::voice::{Excitation, TriggerSound};

/// Renders one trigger of `S` for `seconds` at `sample_rate` in 64-sample blocks.
pub fn render<S: TriggerSound>(
    sample_rate: f32,
    excitation: &Excitation,
    seconds: f32,
) -> Vec<f32> {
    let mut voice = S::new(sample_rate);
    voice.start(excitation);
    let mut out = vec![0.0; (seconds * sample_rate) as usize];
    for block in out.chunks_mut(64) {
        voice.render(block);
    }
    out
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
    let ratio = 10f32.powf(rise_db / 20.0);
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
